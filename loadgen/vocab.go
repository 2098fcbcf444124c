package loadgen

import "strings"

// subject is a kind of course: its slug prefix, title and the words its
// discussions use most.
type subject struct {
	prefix, title string
	words         []string
}

// subjects are the courses channels are named after, in a fixed order.
func subjects() []subject {
	return []subject{
		{"physics", "Physics", strings.Fields(`momentum energy velocity acceleration force friction gravity
			vector torque inertia pendulum oscillation wave frequency amplitude entropy thermodynamics
			heat temperature pressure circuit voltage current resistance magnetic field electron photon
			quantum relativity collision projectile kinetic potential spring lens refraction
			interference diffraction charge capacitor`)},
		{"chem", "Chemistry", strings.Fields(`molecule atom bond ionic covalent electron orbital reaction
			equilibrium catalyst enthalpy entropy acid base buffer titration molarity solution solvent
			oxidation reduction redox electrolysis isotope periodic valence polymer alkane alkene benzene
			stoichiometry mole precipitate kinetics activation spectroscopy chirality isomer hydrogen
			carbon nitrogen`)},
		{"bio", "Biology", strings.Fields(`cell membrane protein enzyme dna rna gene chromosome mitosis
			meiosis evolution selection species mutation allele genotype phenotype ribosome mitochondria
			photosynthesis respiration ecosystem population organism tissue neuron hormone receptor
			antibody virus bacteria transcription translation replication inheritance cladogram
			homeostasis metabolism`)},
		{"math", "Mathematics", strings.Fields(`derivative integral limit function matrix vector eigenvalue
			determinant proof theorem lemma induction series convergence sequence polynomial equation
			inequality logarithm exponential sine cosine tangent gradient divergence manifold topology
			group ring field prime modular graph set subset bijection continuity differentiable
			substitution`)},
		{"hist", "History", strings.Fields(`empire revolution treaty war dynasty monarchy republic
			colonial independence reform parliament constitution rebellion trade industrial feudal
			medieval renaissance enlightenment crusade migration slavery abolition diplomacy alliance
			propaganda primary source archive chronology century civilization conquest nationalism
			cold armistice`)},
		{"econ", "Economics", strings.Fields(`supply demand elasticity equilibrium market price inflation
			unemployment gdp monetary fiscal interest rate tax subsidy tariff monopoly oligopoly
			competition utility marginal cost revenue profit externality incentive budget deficit
			recession growth productivity wage labor capital investment consumption savings`)},
		{"cs", "Computer Science", strings.Fields(`algorithm recursion pointer array list stack queue heap
			tree graph hash sorting complexity runtime compiler interpreter variable function loop
			class object inheritance interface thread concurrency mutex deadlock memory cache database
			query index network protocol packet debugger exception bytecode`)},
		{"lit", "Literature", strings.Fields(`novel poem poetry narrator protagonist character plot theme
			metaphor symbolism imagery irony tragedy comedy sonnet stanza verse rhyme meter chapter
			author reader essay thesis argument quotation allusion allegory modernism romanticism
			realism dialogue monologue setting conflict foreshadowing`)},
		{"psych", "Psychology", strings.Fields(`behavior cognition memory perception attention emotion
			motivation personality development conditioning reinforcement stimulus response bias
			heuristic experiment participant hypothesis variable correlation causation survey
			sample placebo anxiety depression therapy neuron synapse dopamine serotonin attachment
			schema`)},
		{"phil", "Philosophy", strings.Fields(`ethics morality virtue duty utilitarianism consequence
			epistemology knowledge belief justification skepticism metaphysics existence
			consciousness mind dualism materialism freedom determinism argument premise conclusion
			fallacy logic validity soundness kant plato aristotle hume descartes nietzsche
			categorical imperative`)},
		{"stats", "Statistics", strings.Fields(`mean median variance deviation distribution normal
			binomial poisson probability sample population estimator bias confidence interval
			hypothesis significance regression coefficient residual correlation outlier histogram
			quartile bootstrap likelihood bayesian prior posterior anova chi square pvalue
			standard error`)},
		{"astro", "Astronomy", strings.Fields(`planet star galaxy orbit telescope nebula supernova
			blackhole redshift parallax luminosity magnitude spectrum comet asteroid moon eclipse
			solar lunar cosmology expansion universe bigbang dark matter neutron pulsar quasar
			exoplanet atmosphere gravity kepler hubble constellation`)},
	}
}

// commonWords are the everyday words of chat, most frequent first.
func commonWords() []string {
	return strings.Fields(`the a to is i it and of this that in for you on what so we be can how do
		not with are was just if but have about does why they like get think there know one at or
		same question slide example lecture please thanks sorry again mean exam quiz homework
		problem page answer point part next last time first second professor explain confused
		understand really good great lol okay yes no maybe wait here which when where would could
		should will did from into more also still then because than all any some only very much
		way other back see make take go going right wrong true false sure need want agree disagree
		help class notes assignment deadline week today tomorrow yesterday reading textbook chapter
		figure table graph equation step steps method idea interesting cool nice hard easy clear
		unclear missed repeat louder mic audio screen share link posted board office hours tutorial`)
}

// questionOpeners start questions.
func questionOpeners() []string {
	return []string{"how does", "why is", "can someone explain", "what is the difference between",
		"is it true that", "could you go over", "does anyone know why", "what happens to",
		"when do we use", "will the exam cover", "how do we know", "where does", "why do we need",
		"is there a reason", "sorry if this is obvious but"}
}

// replyOpeners start replies.
func replyOpeners() []string {
	return []string{"i think", "good question", "+1", "same here", "yes because", "not quite",
		"the slide says", "as far as i know", "i was wondering too", "actually", "she said",
		"from the reading", "no i think", "exactly", "check the textbook"}
}

// Tags are the labels put on a small share of messages.
func Tags() []string {
	return []string{"exam", "homework", "follow-up", "important", "faq", "logistics"}
}

// firstNames and lastNames make participants' display names.
func firstNames() []string {
	return strings.Fields(`Ava Ben Chloe Daniel Emma Felix Grace Hugo Isla Jack Kai Lena Mateo Nora
		Omar Priya Quinn Rosa Sam Tara Umar Vera Wei Xena Yusuf Zoe Aisha Bruno Carmen Dmitri Elif
		Farah Gabriel Hana Ivan Jun Kofi Lucia Mina Nikhil Olga Pablo Rhea Sora Tomas Uma Victor
		Wanjiru Yara Zane`)
}

func lastNames() []string {
	return strings.Fields(`Smith Garcia Chen Okafor Müller Rossi Kim Nguyen Silva Kowalski Haddad
		Tanaka Johansson Patel Dubois Novak Cohen Mensah Ivanova Lopez Ahmed Brown Schmidt Yilmaz
		Costa Murphy Singh Andersen Moreau Santos`)
}

// Vocabulary returns the topic words of the channel slug (as Plan names
// channels), most used first, and whether the slug names a known subject.
func Vocabulary(slug string) ([]string, bool) {
	prefix, _, _ := strings.Cut(slug, "-")
	for _, s := range subjects() {
		if s.prefix == prefix {
			return s.words, true
		}
	}
	return nil, false
}

// CommonWords returns the everyday chat words messages mix with topic words,
// most used first.
func CommonWords() []string { return commonWords() }
