package architecture

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"
)

// ---------------------------------------------------------------------------
// The layer table.
// ---------------------------------------------------------------------------

// kind says how an entry of the layer table is checked.
type kind int

const (
	// layered: the package may import only packages of later entries, or its
	// own sub-packages.
	layered kind = iota
	// testOnly: may import any layered package, but only _test.go files may
	// import it.
	testOnly
	// isolated: imports no project package and no package imports it.
	isolated
)

// externals restricts the packages from outside the project an entry may
// import.
type externals int

const (
	anyExternal    externals = iota
	stdlibOnly               // the standard library only
	stdlibAndTempl           // the standard library and github.com/a-h/templ/...
)

// entry is one row of the layer table.
type entry struct {
	// pkgs are paths relative to the module root. "x/..." matches the
	// sub-packages of x (not x itself). Packages of one entry may not import
	// each other, except a package its own sub-packages and the sub-packages
	// matched by one "x/..." each other.
	pkgs []string
	kind kind
	// leaf: the entry imports no project package at all.
	leaf bool
	ext  externals
	note string
}

// layers is the project's layering, top to bottom: a package may import only
// packages of entries strictly below its own (or its own sub-packages).
// Entries for packages that do not exist yet are fine; a project package
// missing from this table fails the test, so that a newcomer is placed
// deliberately.
var layers = []entry{
	{pkgs: []string{"cmd/backchannel"}, note: "main: flags per subcommand; builds everything through app.Open"},
	{pkgs: []string{"app"}, note: "builds the object graph"},
	{pkgs: []string{"handlers", "handlers/..."}, note: "HTTP: route table and middleware; pages, api and web below it, never importing it"},
	{pkgs: []string{"loadgen"}, note: "bench seeding, the load tool, the demo audience"},
	{pkgs: []string{"views"}, leaf: true, ext: stdlibAndTempl, note: "templ components and view models: templ and the standard library only"},
	{pkgs: []string{"moderation", "transcripts", "retention"}, note: "use cases above chat; they do not import each other"},
	{pkgs: []string{"inbox"}, note: "direct messages: people, follows, blocks, conversations, requests"},
	{pkgs: []string{"chat"}, note: "live channels: post, read, reactions, votes"},
	{pkgs: []string{"attachments"}, note: "files and images: upload, storage (database or S3), who may fetch them (asks chat through its own small interface)"},
	{pkgs: []string{"accounts"}, note: "users, sign-in, tokens, roles"},
	{pkgs: []string{"filters"}, note: "stored rule sets; uses wordfilter's Verdict"},
	{pkgs: []string{"wordfilter", "wordfilter/..."}, note: "pure word-filter engine, no I/O; wordfilter/... for its generator"},
	{pkgs: []string{"search"}, note: "Engine interface, Meilisearch and built-in engines, outbox indexer"},
	{pkgs: []string{"live"}, note: "SSE fan-out, rings, Postgres wake-up bus"},
	{pkgs: []string{"policies"}, note: "Casbin model, Authorizer, bun adapter"},
	{pkgs: []string{"store", "store/migrations"}, note: "bun data layer: the only place with SQL"},
	{pkgs: []string{"config"}, ext: stdlibOnly, note: "settings from the environment; standard library only"},
	{pkgs: []string{"richtext"}, leaf: true, note: "finds a body's links (once, when written) and splits it along them"},
	{pkgs: []string{"export"}, note: "formats messages as Markdown, CSV, JSON; a pure formatter, callers decide what goes in"},
	{pkgs: []string{"model"}, leaf: true, ext: stdlibOnly, note: "plain domain types and sentinel errors; standard library only"},
	{pkgs: []string{"static"}, leaf: true, ext: stdlibOnly, note: "embedded files; imports nothing of the project"},
	{pkgs: []string{"testenv", "testenv/xss"}, kind: testOnly, note: "test helpers: imported only from _test.go files"},
	{pkgs: []string{"app/apptest"}, kind: testOnly, note: "the whole application on a test database: imported only from _test.go files"},
	{pkgs: []string{"architecture"}, kind: isolated, note: "this test"},
}

// sqlExempt lists the non-test files that may build SQL; everything else
// must go through package store. A pattern "x/..." matches every file under
// x/; any other pattern is matched with path.Match against the file's path
// relative to the module root.
var sqlExempt = []struct{ pattern, why string }{
	// The data layer is the one place with SQL (store/migrations included).
	{"store/...", "the data layer"},
	// The built-in search engine is SQLite FTS5 / Postgres tsvector: SQL is
	// its job, and it is swapped for Meilisearch as a whole.
	{"search/sqlfts*.go", "the built-in full-text engine"},
	// Casbin's persist.Adapter loads and saves the casbin_rules table itself;
	// no bun adapter module is available, so policies carries its own.
	{"policies/adapter.go", "the Casbin adapter"},
	// Test helpers create, reset and drop test databases and schemas.
	{"testenv/...", "test helpers"},
}

// layerOf finds rel in the table: the entry's index, and the x of an "x/..."
// pattern when that is what matched.
func layerOf(rel string) (idx int, subtree string, ok bool) {
	for i, e := range layers {
		for _, p := range e.pkgs {
			if base, isTree := strings.CutSuffix(p, "/..."); isTree {
				if strings.HasPrefix(rel, base+"/") {
					return i, base, true
				}
			} else if rel == p {
				return i, "", true
			}
		}
	}
	return 0, "", false
}

// layerOrder prints the table for failure messages.
func layerOrder() string {
	var b strings.Builder
	b.WriteString("layered order, top to bottom (a package may import only packages of later layers, or its own sub-packages):\n")
	n := 0
	for _, e := range layers {
		num := "  -"
		if e.kind == layered {
			n++
			num = fmt.Sprintf("%3d", n)
		}
		fmt.Fprintf(&b, "  %s  %-42s %s\n", num, strings.Join(e.pkgs, ", "), e.note)
	}
	return b.String()
}

// layerNumber is the 1-based number layerOrder prints for entry i.
func layerNumber(i int) int {
	n := 0
	for j := 0; j <= i; j++ {
		if layers[j].kind == layered {
			n++
		}
	}
	return n
}

// ---------------------------------------------------------------------------
// Loading the project once per test binary.
// ---------------------------------------------------------------------------

// listedPackage is the part of `go list -json` the checks read.
type listedPackage struct {
	ImportPath     string
	Name           string
	Dir            string
	Doc            string
	Imports        []string
	GoFiles        []string
	CgoFiles       []string
	IgnoredGoFiles []string
	Module         *struct {
		Path string
		Main bool
	}
	Error *struct{ Err string }
}

type project struct {
	root   string // module root directory
	module string // module path
	pkgs   []listedPackage
}

var (
	loadOnce   sync.Once
	loaded     *project
	loadFailed error
)

func loadProject(t *testing.T) *project {
	t.Helper()
	loadOnce.Do(func() { loaded, loadFailed = goList() })
	if loadFailed != nil {
		t.Fatal(loadFailed)
	}
	return loaded
}

func goList() (*project, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == "/dev/null" || gomod == "NUL" {
		return nil, errors.New("go env GOMOD: not inside a module")
	}
	p := &project{root: filepath.Dir(gomod)}
	cmd := exec.Command("go", "list", "-e",
		"-json=ImportPath,Name,Dir,Doc,Imports,GoFiles,CgoFiles,IgnoredGoFiles,Module,Error", "./...")
	cmd.Dir = p.root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err = cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list ./...: %w\n%s", err, stderr.Bytes())
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var lp listedPackage
		if err := dec.Decode(&lp); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("decoding go list output: %w", err)
		}
		if lp.Module != nil && lp.Module.Main {
			p.module = lp.Module.Path
		}
		p.pkgs = append(p.pkgs, lp)
	}
	if p.module == "" {
		return nil, errors.New("go list ./...: no package of the main module")
	}
	sort.Slice(p.pkgs, func(i, j int) bool { return p.pkgs[i].ImportPath < p.pkgs[j].ImportPath })
	return p, nil
}

func inModule(module, importPath string) bool {
	return importPath == module || strings.HasPrefix(importPath, module+"/")
}

// relPath is importPath relative to the module ("." for the module root).
func relPath(module, importPath string) string {
	if importPath == module {
		return "."
	}
	return strings.TrimPrefix(importPath, module+"/")
}

// isStdlib reports whether an import path outside the module belongs to the
// standard library: its first element has no dot.
func isStdlib(importPath string) bool {
	first, _, _ := strings.Cut(importPath, "/")
	return !strings.Contains(first, ".")
}

func isTempl(importPath string) bool {
	return importPath == "github.com/a-h/templ" || strings.HasPrefix(importPath, "github.com/a-h/templ/")
}

// ---------------------------------------------------------------------------
// (a) Imports follow the layers.
// ---------------------------------------------------------------------------

// checkImports returns one line per violation of the layer table by the
// non-test imports of the module's packages.
func checkImports(module string, pkgs []listedPackage) []string {
	var v []string
	for _, p := range pkgs {
		if !inModule(module, p.ImportPath) {
			continue
		}
		rel := relPath(module, p.ImportPath)
		if p.Error != nil {
			v = append(v, fmt.Sprintf("%s: go list: %s", rel, p.Error.Err))
		}
		i, subtree, ok := layerOf(rel)
		if !ok {
			v = append(v, fmt.Sprintf("%s is not in the layer table: add it to the layer where it belongs", rel))
			continue
		}
		e := layers[i]
		for _, imp := range p.Imports {
			if !inModule(module, imp) {
				switch {
				case e.ext == stdlibOnly && !isStdlib(imp):
					v = append(v, fmt.Sprintf("%s imports %s: %s may import only the standard library", rel, imp, rel))
				case e.ext == stdlibAndTempl && !isStdlib(imp) && !isTempl(imp):
					v = append(v, fmt.Sprintf("%s imports %s: %s may import only templ and the standard library", rel, imp, rel))
				}
				continue
			}
			q := relPath(module, imp)
			j, qSubtree, ok := layerOf(q)
			if !ok {
				continue // reported as missing from the table on its own
			}
			qe := layers[j]
			switch {
			case e.leaf:
				v = append(v, fmt.Sprintf("%s imports %s: %s imports no project package", rel, q, rel))
			case qe.kind == testOnly:
				v = append(v, fmt.Sprintf("%s imports %s from a non-test file: %s is for _test.go files only", rel, q, q))
			case qe.kind == isolated:
				v = append(v, fmt.Sprintf("%s imports %s: nothing imports %s", rel, q, q))
			case e.kind == isolated:
				v = append(v, fmt.Sprintf("%s imports %s: %s imports no project package", rel, q, rel))
			case e.kind == testOnly:
				// test helpers may import any layered package
			case j > i:
				// downward: fine
			case j == i && strings.HasPrefix(q, rel+"/"):
				// its own sub-package
			case j == i && subtree != "" && subtree == qSubtree:
				// sibling sub-packages of one "x/..." subtree
			case j == i:
				v = append(v, fmt.Sprintf("%s imports %s: both are in layer %d (%s), whose packages may not import each other",
					rel, q, layerNumber(i), strings.Join(e.pkgs, ", ")))
			default:
				v = append(v, fmt.Sprintf("%s imports %s: upward import (%s is in layer %d, %s in layer %d above it)",
					rel, q, rel, layerNumber(i), q, layerNumber(j)))
			}
		}
	}
	return v
}

func TestLayers(t *testing.T) {
	p := loadProject(t)
	if v := checkImports(p.module, p.pkgs); len(v) > 0 {
		t.Errorf("%d import(s) break the layering:\n  %s\n\n%s", len(v), strings.Join(v, "\n  "), layerOrder())
	}
}

// ---------------------------------------------------------------------------
// (b) No SQL outside store.
// ---------------------------------------------------------------------------

// sqlMethods are the bun query builders and the database/sql and bun
// methods that run SQL. A call of one of them outside the exempt files is
// reported whatever its receiver (there is no type information here).
var sqlMethods = map[string]bool{
	"NewSelect": true, "NewInsert": true, "NewUpdate": true, "NewDelete": true, "NewRaw": true,
	"NewValues": true, "NewMerge": true, "NewCreateTable": true, "NewDropTable": true,
	"NewCreateIndex": true, "NewDropIndex": true, "NewAddColumn": true, "NewDropColumn": true,
	"NewTruncateTable": true, "ExecContext": true, "QueryContext": true, "QueryRowContext": true,
}

// ambiguousSQLMethods share their names with methods that have nothing to do
// with SQL (fiber's c.Query("q"), url.URL.Query()). Their calls are reported
// only when the first argument is a context (bun's q.Exec(ctx)) or a string
// that looks like SQL (db.Query("SELECT …")).
var ambiguousSQLMethods = map[string]bool{"Exec": true, "Query": true, "QueryRow": true}

// sqlShapes recognise SQL text. Each needs more than a leading English word
// ("Delete this message?", "Select a channel" are not SQL): an upper-case
// statement keyword, or the keyword together with the statement's shape, or
// a placeholder next to a comparison.
var sqlShapes = []*regexp.Regexp{
	// Upper-case statement keywords at the start, as SQL is written.
	regexp.MustCompile(`^(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WITH)\s`),
	// Any case, with the statement's shape.
	regexp.MustCompile(`(?is)^select\s.+\sfrom\s+[a-z_"][a-z0-9_."]*(\s+(as\s+)?[a-z_][a-z0-9_]*)?\s+(join|inner\s+join|left\s+join|order\s+by|group\s+by|limit\s+[0-9?$]|where\s+[a-z_."]+\s*(=|<|>|!|in\b|is\b|like\b|match\b))`),
	regexp.MustCompile(`(?is)^insert\s+(or\s+[a-z]+\s+)?into\s+[a-z_"][a-z0-9_."]*\s*(\(|values\b|select\b|default\b)`),
	regexp.MustCompile(`(?is)^update\s+[a-z_"][a-z0-9_."]*(\s+(as\s+)?[a-z_][a-z0-9_]*)?\s+set\s+[a-z_"][a-z0-9_."]*\s*=`),
	regexp.MustCompile(`(?is)^delete\s+from\s+[a-z_"][a-z0-9_."]*\s+((as\s+)?[a-z_]+\s+)?(where\s+[a-z_."]+\s*(=|<|>|!|in\b|is\b|like\b)|using\s)`),
	regexp.MustCompile(`(?is)^create\s+((unique|virtual|temp|temporary|or\s+replace)\s+)*(table|index|view|trigger|sequence|extension|function|type|schema)\s`),
	regexp.MustCompile(`(?is)^alter\s+(table|index|sequence|type)\s`),
	regexp.MustCompile(`(?is)^drop\s+(table|index|view|trigger|sequence|extension|function|type|schema)\s`),
	regexp.MustCompile(`(?is)^with\s+(recursive\s+)?[a-z_][a-z0-9_]*\s*(\([^)]*\)\s*)?as\s*(materialized\s+|not\s+materialized\s+)?\(`),
	// Fragments: upper-case FROM … WHERE anywhere.
	regexp.MustCompile(`(?s)\sFROM\s.*\sWHERE\s`),
	// Fragments: a column compared with a placeholder ("m.channel_id = ?",
	// "seq > $1", "id IN (?)"), bun's ?TableAlias-style placeholders, IS NULL.
	regexp.MustCompile(`(?i)(^|[\s(,])[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?\s*(=|<>|!=|<=|>=|<|>)\s*(\?|\$[0-9]+)`),
	regexp.MustCompile(`(?i)\sin\s*\(\s*(\?|\$[0-9]+)`),
	regexp.MustCompile(`\?(TableName|TableAlias|TableColumns|Columns|PKs|Values)\b`),
	regexp.MustCompile(`\sIS (NOT )?NULL\b`),
}

// looksLikeSQL reports whether s reads as SQL text or an SQL fragment.
func looksLikeSQL(s string) bool {
	s = strings.TrimLeftFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '(' })
	for _, re := range sqlShapes {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// sqlExemptWhy returns why the file rel (slash-separated, relative to the
// module root) may build SQL, or "" when it may not.
func sqlExemptWhy(rel string) string {
	for _, x := range sqlExempt {
		if base, isTree := strings.CutSuffix(x.pattern, "/..."); isTree {
			if strings.HasPrefix(rel, base+"/") {
				return x.why
			}
		} else if ok, _ := path.Match(x.pattern, rel); ok {
			return x.why
		}
	}
	return ""
}

// checkSQLFile returns "file:line: what" for every place f builds or runs
// SQL. f must have been parsed with fset, its file name being the path
// relative to the module root. Exempt files return nothing.
func checkSQLFile(fset *token.FileSet, f *ast.File) []string {
	name := filepath.ToSlash(fset.Position(f.Package).Filename)
	if sqlExemptWhy(name) != "" || strings.HasSuffix(name, "_test.go") {
		return nil
	}
	byLine := map[int][]string{}
	add := func(pos token.Pos, what string) {
		l := fset.Position(pos).Line
		byLine[l] = append(byLine[l], what)
	}
	seen := map[*ast.BasicLit]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ImportSpec:
			return false
		case *ast.Field:
			if n.Tag != nil {
				seen[n.Tag] = true // struct tags (bun:"…") are not SQL
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				break
			}
			switch m := sel.Sel.Name; {
			case sqlMethods[m]:
				add(n.Pos(), "calls "+m)
			case ambiguousSQLMethods[m] && len(n.Args) > 0:
				if isContextArg(n.Args[0]) {
					add(n.Pos(), "calls "+m+"(ctx)")
				} else if s, _, ok := stringExpr(n.Args[0]); ok && looksLikeSQL(s) {
					add(n.Pos(), "calls "+m+" with SQL")
				}
			}
		case *ast.BinaryExpr:
			s, lits, ok := stringExpr(n)
			if !ok || len(lits) == 0 || seen[lits[0]] {
				break // not a string concatenation, or part of one already read
			}
			for _, l := range lits {
				seen[l] = true
			}
			if looksLikeSQL(s) {
				add(n.Pos(), "SQL string "+quoteShort(s))
			}
		case *ast.BasicLit:
			if n.Kind != token.STRING || seen[n] {
				break
			}
			if s, err := strconv.Unquote(n.Value); err == nil && looksLikeSQL(s) {
				add(n.Pos(), "SQL string "+quoteShort(s))
			}
		}
		return true
	})
	lines := make([]int, 0, len(byLine))
	for l := range byLine {
		lines = append(lines, l)
	}
	sort.Ints(lines)
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		out = append(out, fmt.Sprintf("%s:%d: %s", name, l, strings.Join(byLine[l], "; ")))
	}
	return out
}

// stringExpr flattens a string literal or a + concatenation containing at
// least one string literal into text, each non-literal operand read as "x".
// It returns the literals it used; ok is false for anything else.
func stringExpr(e ast.Expr) (s string, lits []*ast.BasicLit, ok bool) {
	var walk func(ast.Expr) string
	walk = func(e ast.Expr) string {
		switch e := e.(type) {
		case *ast.ParenExpr:
			return walk(e.X)
		case *ast.BasicLit:
			if e.Kind == token.STRING {
				if u, err := strconv.Unquote(e.Value); err == nil {
					lits = append(lits, e)
					return u
				}
			}
		case *ast.BinaryExpr:
			if e.Op == token.ADD {
				return walk(e.X) + walk(e.Y)
			}
		}
		return "x"
	}
	switch e := e.(type) {
	case *ast.BasicLit, *ast.ParenExpr:
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", nil, false
		}
	default:
		return "", nil, false
	}
	s = walk(e)
	return s, lits, len(lits) > 0
}

// isContextArg reports whether e reads as a context.Context: ctx, a.ctx,
// c.UserContext(), context.Background() and the like.
func isContextArg(e ast.Expr) bool {
	var name string
	switch e := e.(type) {
	case *ast.Ident:
		name = e.Name
	case *ast.SelectorExpr:
		name = e.Sel.Name
	case *ast.CallExpr:
		switch f := e.Fun.(type) {
		case *ast.Ident:
			name = f.Name
		case *ast.SelectorExpr:
			name = f.Sel.Name
		}
	}
	n := strings.ToLower(name)
	return strings.HasSuffix(n, "ctx") || strings.HasSuffix(n, "context") || n == "background" || n == "todo"
}

func quoteShort(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:60]) + "…"
	}
	return strconv.Quote(s)
}

// parsedPackage is one project package with its non-test files parsed.
type parsedPackage struct {
	rel   string
	name  string
	files []*ast.File // GoFiles and CgoFiles
	other []*ast.File // IgnoredGoFiles (other build tags) that are not tests
}

var (
	parseOnce   sync.Once
	parsed      []parsedPackage
	parseFset   *token.FileSet
	parseFailed error
)

// parseProject parses every non-test .go file of the module once, file
// names relative to the module root.
func parseProject(t *testing.T) (*token.FileSet, []parsedPackage) {
	t.Helper()
	p := loadProject(t)
	parseOnce.Do(func() {
		parseFset = token.NewFileSet()
		var errs []error
		for _, lp := range p.pkgs {
			if !inModule(p.module, lp.ImportPath) {
				continue
			}
			pp := parsedPackage{rel: relPath(p.module, lp.ImportPath), name: lp.Name}
			read := func(names []string, into *[]*ast.File) {
				for _, n := range names {
					if strings.HasSuffix(n, "_test.go") {
						continue
					}
					full := filepath.Join(lp.Dir, n)
					rel, err := filepath.Rel(p.root, full)
					if err != nil {
						errs = append(errs, err)
						continue
					}
					src, err := os.ReadFile(full)
					if err != nil {
						errs = append(errs, err)
						continue
					}
					f, err := parser.ParseFile(parseFset, filepath.ToSlash(rel), src, parser.ParseComments|parser.SkipObjectResolution)
					if err != nil {
						errs = append(errs, err)
						continue
					}
					*into = append(*into, f)
				}
			}
			read(append(append([]string(nil), lp.GoFiles...), lp.CgoFiles...), &pp.files)
			read(lp.IgnoredGoFiles, &pp.other)
			parsed = append(parsed, pp)
		}
		parseFailed = errors.Join(errs...)
	})
	if parseFailed != nil {
		t.Fatal(parseFailed)
	}
	return parseFset, parsed
}

func TestNoSQLOutsideStore(t *testing.T) {
	fset, pkgs := parseProject(t)
	var v []string
	for _, p := range pkgs {
		for _, f := range append(append([]*ast.File(nil), p.files...), p.other...) {
			v = append(v, checkSQLFile(fset, f)...)
		}
	}
	if len(v) > 0 {
		var ex strings.Builder
		for _, x := range sqlExempt {
			fmt.Fprintf(&ex, "  %-20s %s\n", x.pattern, x.why)
		}
		t.Errorf("%d place(s) build or run SQL outside store (move the query into a store method):\n  %s\n\nfiles that may:\n%s",
			len(v), strings.Join(v, "\n  "), ex.String())
	}
}

// ---------------------------------------------------------------------------
// (c) Every package has a package doc comment.
// ---------------------------------------------------------------------------

// checkDoc returns "" when one of files carries the package doc comment
// ("// Package name …", or for a command "// Command name …" / "// Name …"),
// and otherwise what is missing. go list's Doc is not enough: it takes the
// comment above the package clause of the first file that has one, which in
// views is templ's "// templ: version: …" header of a generated file.
func checkDoc(rel, name string, files []*ast.File) string {
	if len(files) == 0 {
		return "" // test-only package: nothing to document
	}
	var prefixes []string
	if name == "main" {
		cmd := path.Base(rel)
		prefixes = []string{"Command " + cmd, strings.ToUpper(cmd[:1]) + cmd[1:] + " "}
	} else {
		prefixes = []string{"Package " + name + " "}
	}
	for _, f := range files {
		if f.Doc == nil {
			continue
		}
		text := f.Doc.Text()
		for _, p := range prefixes {
			if strings.HasPrefix(text, p) {
				return ""
			}
		}
	}
	return fmt.Sprintf("%s has no package doc comment: add one (\"// %s…\") above the package clause of one non-test file, usually doc.go", rel, prefixes[0])
}

func TestPackageDocs(t *testing.T) {
	_, pkgs := parseProject(t)
	var v []string
	for _, p := range pkgs {
		if m := checkDoc(p.rel, p.name, p.files); m != "" {
			v = append(v, m)
		}
	}
	if len(v) > 0 {
		t.Errorf("%d package(s) without a doc comment:\n  %s", len(v), strings.Join(v, "\n  "))
	}
}

// ---------------------------------------------------------------------------
// The checks themselves, on fake inputs: they must be able to fail.
// ---------------------------------------------------------------------------

func TestCheckImports(t *testing.T) {
	main := &struct {
		Path string
		Main bool
	}{"backchannel", true}
	pkg := func(rel string, imports ...string) listedPackage {
		return listedPackage{ImportPath: "backchannel/" + rel, Name: path.Base(rel), Imports: imports, Module: main}
	}
	tests := []struct {
		name string
		pkg  listedPackage
		want string // substring of the one violation; "" for none
	}{
		{"downward import", pkg("handlers", "backchannel/chat", "backchannel/model", "github.com/gofiber/fiber/v2"), ""},
		{"upward import", pkg("filters", "backchannel/chat"), "filters imports chat: upward import"},
		{"handlers imported by a use case", pkg("chat", "backchannel/handlers"), "chat imports handlers: upward import"},
		{"same layer", pkg("moderation", "backchannel/transcripts"), "both are in layer"},
		{"own sub-package", pkg("store", "backchannel/store/migrations"), ""},
		{"sub-package imports its parent", pkg("store/migrations", "backchannel/store"), "store/migrations imports store"},
		{"handlers imports its sub-package", pkg("handlers", "backchannel/handlers/api"), ""},
		{"handlers sub-packages import each other", pkg("handlers/pages", "backchannel/handlers/api", "backchannel/chat"), ""},
		{"handlers sub-package imports handlers", pkg("handlers/api", "backchannel/handlers"), "handlers/api imports handlers"},
		{"views imports templ", pkg("views", "github.com/a-h/templ", "github.com/a-h/templ/runtime", "net/url"), ""},
		{"views imports a project package", pkg("views", "backchannel/model"), "views imports model: views imports no project package"},
		{"views imports fiber", pkg("views", "github.com/gofiber/fiber/v2"), "only templ and the standard library"},
		{"model imports a module", pkg("model", "github.com/uptrace/bun"), "only the standard library"},
		{"testenv from a non-test file", pkg("chat", "backchannel/testenv"), "for _test.go files only"},
		{"testenv imports store", pkg("testenv", "backchannel/store"), ""},
		{"static imports the project", pkg("static", "backchannel/config"), "static imports no project package"},
		{"package not in the table", pkg("export2", "fmt"), "export2 is not in the layer table"},
		{"not yet existing packages are fine", pkg("app", "backchannel/handlers/api", "backchannel/retention"), ""},
		{"outside the module", listedPackage{ImportPath: "example.com/other", Imports: []string{"backchannel/handlers"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := checkImports("backchannel", []listedPackage{tt.pkg})
			switch {
			case tt.want == "" && len(v) > 0:
				t.Errorf("got violations %q, want none", v)
			case tt.want != "" && (len(v) != 1 || !strings.Contains(v[0], tt.want)):
				t.Errorf("got violations %q, want one containing %q", v, tt.want)
			}
		})
	}
}

func TestCheckSQLFile(t *testing.T) {
	tests := []struct {
		file, src string
		want      []string // prefixes of the findings, in order
	}{
		{"handlers/msg.go", "package handlers\nvar q = `SELECT id FROM messages WHERE channel_id = ?`\n",
			[]string{"handlers/msg.go:2: SQL string"}},
		{"store/messages.go", "package store\nvar q = `SELECT id FROM messages WHERE channel_id = ?`\nfunc f() { db.NewSelect().Exec(ctx) }\n", nil},
		{"store/migrations/0001.go", "package migrations\nconst q = \"CREATE TABLE t (id integer)\"\n", nil},
		{"search/sqlfts_search.go", "package search\nconst q = \"SELECT rowid FROM fts WHERE fts MATCH ?\"\n", nil},
		{"search/meili.go", "package search\nconst q = \"SELECT rowid FROM fts WHERE fts MATCH ?\"\n",
			[]string{"search/meili.go:2: SQL string"}},
		{"chat/tags.go", "package chat\nfunc f() {\n\ttx.NewUpdate().Model(t).Column(\"colour\").WherePK().Exec(ctx)\n}\n",
			[]string{"chat/tags.go:3: calls Exec(ctx); calls NewUpdate"}},
		{"accounts/roles.go", "package accounts\nfunc f() {\n\tq.Set(\"updated_at = ?\", now).Where(\"id = ?\", id)\n}\n",
			[]string{"accounts/roles.go:3: SQL string"}},
		{"handlers/sql.go", "package handlers\nfunc f() {\n\tdb.QueryRow(\"select name from users where id = \" + id)\n}\n",
			[]string{"handlers/sql.go:3: calls QueryRow with SQL; SQL string"}},
		{"loadgen/q.go", "package loadgen\nvar q = \"SELECT \" + cols + \" FROM messages\"\n", []string{"loadgen/q.go:2: SQL string"}},
		{"handlers/fine.go", "package handlers\n" +
			"type T struct { ID int64 `bun:\"id,pk,autoincrement\"` }\n" +
			"var s = []string{\"Delete this message?\", \"Select a channel from the list where you are a member\", \"Update your profile\", \"Create channel\", \"with guidelines\", \"Drop files here\", \"Is the answer = 42?\"}\n" +
			"func f() { _ = c.Query(\"q\"); _ = c.Query(name, \"json\"); _ = u.Query(); _ = regexp.MustCompile(`^[a-z]+$`) }\n", nil},
		{"chat/post_test.go", "package chat\nvar q = `DELETE FROM messages`\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, tt.file, tt.src, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			got := checkSQLFile(fset, f)
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %d finding(s) %q", got, len(tt.want), tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("finding %d = %q, want prefix %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestLooksLikeSQL(t *testing.T) {
	sql := []string{
		"SELECT 1", "select m.id from messages m where m.seq > ?", "  INSERT INTO t (a) VALUES (?)",
		"insert or ignore into tags (name) values (?)", "update channels set last_seq = ?", "delete from sessions where id = ?", "select id from users where email = ?", "select m.id from messages m order by seq",
		"CREATE UNIQUE INDEX i ON t (a)", "create virtual table fts using fts5(body)", "ALTER TABLE t ADD COLUMN c text",
		"drop table if exists t", "WITH x AS (SELECT 1) SELECT * FROM x", "with recursive r(n) as (select 1)",
		"m.channel_id = ?", "seq > $1", "id IN (?)", "?TableAlias.deleted_at IS NULL", "count(*) FROM messages WHERE x",
	}
	notSQL := []string{
		"", "Delete this message?", "Select a channel", "Select a file from your computer", "Delete from list", "Delete from your list where it appears", "Update your profile",
		"Create account", "Drop files here", "with guidelines accepted", "Alter ego", "Where from?",
		"selected", "/c/physics-101/messages?since=3", "q=", "hx-get", "id", "Are you sure? This cannot be undone.",
	}
	for _, s := range sql {
		if !looksLikeSQL(s) {
			t.Errorf("looksLikeSQL(%q) = false, want true", s)
		}
	}
	for _, s := range notSQL {
		if looksLikeSQL(s) {
			t.Errorf("looksLikeSQL(%q) = true, want false", s)
		}
	}
}

func TestCheckDoc(t *testing.T) {
	parse := func(name, src string) *ast.File {
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	generated := parse("a_templ.go", "// Code generated by templ - DO NOT EDIT.\n\n// templ: version: v0.3.977\npackage views\n")
	doc := parse("doc.go", "// Package views holds the templ components.\npackage views\n")
	cmd := parse("main.go", "// Command backchannel runs the server.\npackage main\n")
	if m := checkDoc("views", "views", []*ast.File{generated}); m == "" {
		t.Error("a generated header is not a package doc comment, but checkDoc accepted it")
	}
	if m := checkDoc("views", "views", []*ast.File{generated, doc}); m != "" {
		t.Errorf("checkDoc with doc.go: %s", m)
	}
	if m := checkDoc("cmd/backchannel", "main", []*ast.File{cmd}); m != "" {
		t.Errorf("checkDoc of a command: %s", m)
	}
	if m := checkDoc("chat", "chat", []*ast.File{parse("chat.go", "package chat\n")}); m == "" {
		t.Error("checkDoc accepted a package without a doc comment")
	}
}
