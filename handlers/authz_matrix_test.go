package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"backchannel/chat"
	"backchannel/handlers"
	"backchannel/model"
	"backchannel/policies"
)

// who is one kind of visitor of the authorization matrix, a bit in a set.
type who uint16

const (
	anon     who = 1 << iota // nobody signed in
	guest                    // joined alpha with a display name only
	part                     // a participant (site-wide), in alpha
	host                     // host of alpha only
	modHere                  // moderator of alpha only
	modOther                 // moderator of beta only
	siteMod                  // moderator site-wide
	admin                    // admin
	nWho     = 8
)

var whoNames = [nWho]string{"anonymous", "guest", "participant", "host of this channel",
	"moderator of this channel", "moderator of another channel", "site moderator", "admin"}

func (w who) String() string {
	for i := range nWho {
		if w == 1<<i {
			return whoNames[i]
		}
	}
	return "?"
}

// The sets the rows are written in.
const (
	signedIn = part | host | modHere | modOther | siteMod | admin
	members  = guest | signedIn                 // Guests: true channel routes
	manage   = host | admin                     // channel:manage, session:manage
	staff    = host | modHere | siteMod | admin // present, tag, transcript staff
	mods     = modHere | siteMod | admin        // moderate, sanction, mod view
	admins   = admin
	nobody   = who(0)
)

// publicRoutes is the explicit allowlist of routes served with no sign-in.
// Any other route marked policies.Public fails TestPublicRoutesAllowlist.
var publicRoutes = map[string]bool{
	// People's profiles and follow lists are open; their buttons need an account.
	"GET /u/:handle":           true,
	"GET /u/:handle/followers": true,
	"GET /u/:handle/following": true,

	"GET /":              true,
	"GET /static/*":      true,
	"GET /setup":         true,
	"POST /setup":        true,
	"GET /login":         true,
	"POST /login":        true,
	"POST /logout":       true,
	"GET /signup":        true,
	"POST /signup":       true,
	"GET /reset/:token":  true, // an admin's one-time reset link: the token is the authority
	"POST /reset/:token": true,
	"GET /c/:slug":       true,
	"POST /c/:slug/join": true,
	"GET /healthz":       true,
	"GET /readyz":        true,
	"GET /inbox":         true, // signed in: the inbox; otherwise: direct messages need an account
	// Attachments: the handler decides per file (its uploader, or whoever
	// sees its message) and answers 404 to everyone else.
	"GET /files/thumbs/:id": true,
	"GET /files/:id/:name":  true,
}

// matrixRow says who gets past a route's permission check in channel alpha.
// refused lists those the guard lets through whom the handler itself then
// refuses (403), e.g. the triage wall of someone who moderates nothing.
type matrixRow struct {
	allowed who
	refused who
}

// authzMatrix is written by hand, independently of the route table: a route
// whose permission changes, or a new route without a row, fails the test.
var authzMatrix = map[string]matrixRow{
	// Your account.
	"GET /account":                       {allowed: signedIn},
	"POST /account/password":             {allowed: signedIn},
	"POST /account/tokens":               {allowed: signedIn},
	"POST /account/tokens/:id/revoke":    {allowed: signedIn},
	"GET /channels":                      {allowed: signedIn},
	"POST /channels":                     {allowed: admins}, // site-wide host or admin
	"POST /c/:slug/guidelines/accept":    {allowed: members},
	"GET /c/:slug/guidelines/notice":     {allowed: members},
	"GET /c/:slug/earlier":               {allowed: members},
	"GET /c/:slug/events":                {allowed: members},
	"GET /c/:slug/settings":              {allowed: manage},
	"POST /c/:slug/settings":             {allowed: manage},
	"POST /c/:slug/members":              {allowed: manage},
	"POST /c/:slug/members/:user/remove": {allowed: manage},
	"POST /c/:slug/sessions/start":       {allowed: manage},
	"POST /c/:slug/sessions/end":         {allowed: manage},
	"GET /c/:slug/sessions/start":        {allowed: manage},
	"GET /c/:slug/sessions/rename":       {allowed: manage},
	"POST /c/:slug/sessions/rename":      {allowed: manage},
	"GET /c/:slug/sessions/end":          {allowed: manage},
	"GET /c/:slug/guidelines/edit":       {allowed: manage},
	"POST /c/:slug/guidelines":           {allowed: manage},

	"POST /c/:slug/messages":                      {allowed: members},
	"POST /c/:slug/messages/:id/edit":             {allowed: members},
	"POST /c/:slug/messages/:id/delete":           {allowed: members},
	"POST /c/:slug/messages/:id/react":            {allowed: members},
	"POST /c/:slug/messages/:id/vote":             {allowed: members},
	"POST /c/:slug/messages/:id/report":           {allowed: members},
	"POST /c/:slug/messages/:id/tags":             {allowed: staff},
	"POST /c/:slug/messages/:id/tags/:tag/remove": {allowed: staff},

	// Direct messages' pages and streams (dm-live-pages): any account; a
	// conversation's own routes answer 404 to non-members (the use cases).
	"GET /inbox/events":                    {allowed: signedIn},
	"GET /api/v1/me/inbox/events":          {allowed: signedIn},
	"GET /inbox/requests":                  {allowed: signedIn},
	"GET /inbox/unread":                    {allowed: signedIn},
	"GET /inbox/new":                       {allowed: signedIn},
	"POST /inbox/new":                      {allowed: signedIn},
	"GET /inbox/:id":                       {allowed: signedIn},
	"POST /inbox/:id/messages":             {allowed: signedIn},
	"POST /inbox/:id/messages/:mid/edit":   {allowed: signedIn},
	"POST /inbox/:id/messages/:mid/delete": {allowed: signedIn},
	"POST /inbox/:id/messages/:mid/react":  {allowed: signedIn},
	"POST /inbox/:id/read":                 {allowed: signedIn},
	"POST /inbox/:id/leave":                {allowed: signedIn},
	"POST /inbox/:id/delete":               {allowed: signedIn},
	"POST /inbox/:id/members":              {allowed: signedIn},
	"POST /inbox/:id/members/:user/remove": {allowed: signedIn},
	"POST /inbox/:id/members/:user/admin":  {allowed: signedIn},
	"POST /inbox/:id/rename":               {allowed: signedIn},
	"POST /inbox/:id/accept":               {allowed: signedIn},
	"POST /inbox/:id/decline":              {allowed: signedIn},

	"GET /c/:slug/present":                       {allowed: staff},
	"GET /c/:slug/present/events":                {allowed: staff},
	"POST /c/:slug/present/messages/:id/:action": {allowed: staff},

	"GET /mod":                                       {allowed: signedIn, refused: part | host},
	"GET /mod/events":                                {allowed: signedIn, refused: part | host},
	"POST /mod/c/:slug/messages/:id/:action":         {allowed: mods},
	"GET /mod/c/:slug/people/:subject":               {allowed: mods},
	"POST /mod/c/:slug/people/:subject/sanctions":    {allowed: mods},
	"POST /mod/c/:slug/people/:subject/purge":        {allowed: mods},
	"POST /mod/c/:slug/people/:subject/notes":        {allowed: mods},
	"POST /mod/c/:slug/undo/:audit":                  {allowed: mods},
	"POST /mod/c/:slug/staff-chat":                   {allowed: mods},
	"POST /mod/c/:slug/messages/:id/reports/dismiss": {allowed: mods},
	"POST /mod/messages/bulk":                        {allowed: signedIn},
	// Attachments on the wall (att-moderation).
	"POST /mod/c/:slug/attachments/:id/remove": {allowed: mods},
	"POST /mod/settings/blur":                  {allowed: signedIn},

	// Direct messages: search and export (a non-member's 404 is in TestInboxExportNotFound).
	"GET /inbox/search":                    {allowed: signedIn},
	"GET /inbox/:id/export.:format":        {allowed: signedIn},
	"GET /api/v1/inbox/search":             {allowed: signedIn},
	"GET /api/v1/conversations/:id/export": {allowed: signedIn},

	"GET /search":                {allowed: signedIn},
	"GET /search/export/:format": {allowed: signedIn},
	"POST /search/tag":           {allowed: signedIn},

	"GET /transcripts":                               {allowed: signedIn},
	"GET /transcripts/:slug":                         {allowed: signedIn},
	"GET /transcripts/:slug/:session":                {allowed: signedIn},
	"GET /transcripts/:slug/:session/export/:format": {allowed: signedIn},
	"GET /transcripts/:slug/:session/analytics":      {allowed: staff},

	"GET /admin":                           {allowed: admins},
	"GET /admin/users":                     {allowed: admins},
	"POST /admin/users/:id/role":           {allowed: admins},
	"POST /admin/users/:id/disable":        {allowed: admins},
	"POST /admin/users/:id/enable":         {allowed: admins},
	"GET /admin/settings":                  {allowed: admins},
	"POST /admin/settings":                 {allowed: admins},
	"POST /admin/invitations":              {allowed: admins},
	"GET /admin/roles":                     {allowed: admins},
	"POST /admin/roles/grant":              {allowed: admins},
	"POST /admin/roles/revoke":             {allowed: admins},
	"GET /admin/permissions":               {allowed: admins},
	"GET /admin/users/:id":                 {allowed: admins},
	"POST /admin/users/:id/reset-password": {allowed: admins},
	"GET /admin/guidelines":                {allowed: admins},
	"POST /admin/guidelines":               {allowed: admins},
	"GET /admin/filters":                   {allowed: admins},
	"POST /admin/filters":                  {allowed: admins},
	"POST /admin/filters/import":           {allowed: admins},
	"GET /admin/filters/export":            {allowed: admins},
	"POST /admin/filters/dry-run":          {allowed: admins},
	"POST /admin/filters/try":              {allowed: admins},
	"POST /admin/filters/:id/toggle":       {allowed: admins},
	"POST /admin/filters/:id/delete":       {allowed: admins},
	"GET /admin/audit":                     {allowed: admins},
	"GET /admin/audit.csv":                 {allowed: admins},
	"GET /admin/retention":                 {allowed: admins},
	"POST /admin/retention/preview":        {allowed: admins},
	"POST /admin/retention":                {allowed: admins},
	"POST /admin/retention/run":            {allowed: admins},

	"GET /api/v1/me":                        {allowed: signedIn},
	"POST /api/v1/uploads":                  {allowed: signedIn},
	"GET /api/v1/uploads/:id":               {allowed: signedIn},
	"DELETE /api/v1/uploads/:id":            {allowed: signedIn},
	"GET /api/v1/upload-settings":           {allowed: admins},
	"PUT /api/v1/upload-settings":           {allowed: admins},
	"GET /api/v1/users":                     {allowed: admins},
	"GET /api/v1/users/:id":                 {allowed: admins},
	"POST /api/v1/users/:id/reset-password": {allowed: admins},
	"POST /api/v1/roles":                    {allowed: admins},
	"DELETE /api/v1/roles":                  {allowed: admins},
	"GET /api/v1/permissions/explain":       {allowed: admins},

	"GET /api/v1/guidelines":                           {allowed: signedIn},
	"PUT /api/v1/guidelines":                           {allowed: admins},
	"PUT /api/v1/channels/:slug/guidelines":            {allowed: manage},
	"GET /api/v1/channels":                             {allowed: signedIn},
	"POST /api/v1/channels":                            {allowed: admins},
	"GET /api/v1/channels/:slug":                       {allowed: signedIn},
	"PATCH /api/v1/channels/:slug":                     {allowed: manage},
	"POST /api/v1/channels/:slug/join":                 {allowed: signedIn},
	"GET /api/v1/channels/:slug/guidelines":            {allowed: signedIn},
	"POST /api/v1/channels/:slug/guidelines/accept":    {allowed: signedIn},
	"GET /api/v1/channels/:slug/members":               {allowed: manage},
	"POST /api/v1/channels/:slug/members":              {allowed: manage},
	"DELETE /api/v1/channels/:slug/members/:user":      {allowed: manage},
	"POST /api/v1/channels/:slug/sessions":             {allowed: manage},
	"POST /api/v1/channels/:slug/sessions/current/end": {allowed: manage},
	"PATCH /api/v1/channels/:slug/sessions/:session":   {allowed: manage},
	"GET /api/v1/channels/:slug/events":                {allowed: signedIn},

	"GET /api/v1/channels/:slug/messages":                         {allowed: signedIn},
	"POST /api/v1/channels/:slug/messages":                        {allowed: signedIn},
	"PATCH /api/v1/channels/:slug/messages/:id":                   {allowed: signedIn},
	"DELETE /api/v1/channels/:slug/messages/:id":                  {allowed: signedIn},
	"PUT /api/v1/channels/:slug/messages/:id/reactions/:emoji":    {allowed: signedIn},
	"DELETE /api/v1/channels/:slug/messages/:id/reactions/:emoji": {allowed: signedIn},
	"PUT /api/v1/channels/:slug/messages/:id/vote":                {allowed: signedIn},
	"DELETE /api/v1/channels/:slug/messages/:id/vote":             {allowed: signedIn},
	"POST /api/v1/channels/:slug/messages/:id/report":             {allowed: signedIn},
	"POST /api/v1/channels/:slug/messages/:id/tags":               {allowed: staff},
	"DELETE /api/v1/channels/:slug/messages/:id/tags/:tag":        {allowed: staff},

	"GET /api/v1/channels/:slug/present":               {allowed: staff},
	"POST /api/v1/channels/:slug/present/messages/:id": {allowed: staff},

	"GET /api/v1/channels/:slug/queue":                         {allowed: mods},
	"POST /api/v1/channels/:slug/messages/:id/moderate":        {allowed: mods},
	"POST /api/v1/channels/:slug/sanctions":                    {allowed: mods},
	"DELETE /api/v1/channels/:slug/sanctions/:id":              {allowed: mods},
	"POST /api/v1/channels/:slug/purge":                        {allowed: mods},
	"POST /api/v1/channels/:slug/undo":                         {allowed: mods},
	"GET /api/v1/channels/:slug/people/:subject":               {allowed: mods},
	"POST /api/v1/channels/:slug/people/:subject/notes":        {allowed: mods},
	"GET /api/v1/channels/:slug/audit":                         {allowed: mods},
	"POST /api/v1/channels/:slug/messages/:id/reports/dismiss": {allowed: mods},
	"GET /api/v1/channels/:slug/messages/:id/original":         {allowed: mods},
	"GET /api/v1/audit":                                        {allowed: admins},
	"POST /api/v1/mod/messages/bulk":                           {allowed: signedIn},
	// Attachments on the wall (att-moderation).
	"POST /api/v1/channels/:slug/attachments/:id/remove": {allowed: mods},
	"GET /api/v1/mod/settings":                           {allowed: signedIn},
	"PUT /api/v1/mod/settings":                           {allowed: signedIn},

	"POST /api/v1/filters/dry-run":               {allowed: admins},
	"GET /api/v1/filters":                        {allowed: admins},
	"POST /api/v1/filters":                       {allowed: admins},
	"POST /api/v1/filters/import":                {allowed: admins},
	"GET /api/v1/filters/export":                 {allowed: admins},
	"PATCH /api/v1/filters/:id":                  {allowed: admins},
	"DELETE /api/v1/filters/:id":                 {allowed: admins},
	"GET /api/v1/channels/:slug/filters":         {allowed: manage},
	"POST /api/v1/channels/:slug/filters":        {allowed: manage},
	"POST /api/v1/channels/:slug/filters/import": {allowed: manage},
	"GET /api/v1/channels/:slug/filters/export":  {allowed: manage},
	"PATCH /api/v1/channels/:slug/filters/:id":   {allowed: manage},
	"DELETE /api/v1/channels/:slug/filters/:id":  {allowed: manage},

	"GET /api/v1/retention":          {allowed: admins},
	"PUT /api/v1/retention":          {allowed: admins},
	"POST /api/v1/retention/preview": {allowed: admins},

	// People: follows, blocks, your profile, the lookup.
	"POST /u/:handle/follow":               {allowed: signedIn},
	"POST /u/:handle/unfollow":             {allowed: signedIn},
	"POST /u/:handle/block":                {allowed: signedIn},
	"POST /u/:handle/unblock":              {allowed: signedIn},
	"POST /account/profile":                {allowed: signedIn},
	"POST /account/messages":               {allowed: signedIn},
	"POST /account/blocks/:handle/unblock": {allowed: signedIn},
	"GET /people/search":                   {allowed: signedIn},
	"PATCH /api/v1/me":                     {allowed: signedIn},
	"GET /api/v1/users/search":             {allowed: signedIn},
	"GET /api/v1/users/:handle":            {allowed: signedIn},
	"POST /api/v1/users/:handle/follow":    {allowed: signedIn},
	"DELETE /api/v1/users/:handle/follow":  {allowed: signedIn},
	"GET /api/v1/users/:handle/followers":  {allowed: signedIn},
	"GET /api/v1/users/:handle/following":  {allowed: signedIn},
	"GET /api/v1/blocks":                   {allowed: signedIn},
	"POST /api/v1/blocks":                  {allowed: signedIn},
	"DELETE /api/v1/blocks/:handle":        {allowed: signedIn},

	"GET /api/v1/search": {allowed: signedIn},
	"GET /api/v1/tags":   {allowed: signedIn},

	"GET /api/v1/channels/:slug/sessions":                     {allowed: signedIn},
	"GET /api/v1/channels/:slug/sessions/:session/transcript": {allowed: signedIn},
	"GET /api/v1/channels/:slug/sessions/:session/analytics":  {allowed: staff},

	// Direct messages: any account gets past the check; a conversation the
	// visitor is not in then answers 404 (TestConversationRoutesNotFound).
	"GET /api/v1/conversations":                                       {allowed: signedIn},
	"POST /api/v1/conversations":                                      {allowed: signedIn},
	"GET /api/v1/conversations/:id":                                   {allowed: signedIn},
	"PATCH /api/v1/conversations/:id":                                 {allowed: signedIn},
	"DELETE /api/v1/conversations/:id":                                {allowed: signedIn},
	"POST /api/v1/conversations/:id/members":                          {allowed: signedIn},
	"DELETE /api/v1/conversations/:id/members/:handle":                {allowed: signedIn},
	"POST /api/v1/conversations/:id/admin":                            {allowed: signedIn},
	"GET /api/v1/conversations/:id/messages":                          {allowed: signedIn},
	"POST /api/v1/conversations/:id/messages":                         {allowed: signedIn},
	"PATCH /api/v1/conversations/:id/messages/:mid":                   {allowed: signedIn},
	"DELETE /api/v1/conversations/:id/messages/:mid":                  {allowed: signedIn},
	"POST /api/v1/conversations/:id/messages/:mid/reactions/:emoji":   {allowed: signedIn},
	"DELETE /api/v1/conversations/:id/messages/:mid/reactions/:emoji": {allowed: signedIn},
	"POST /api/v1/conversations/:id/read":                             {allowed: signedIn},
	"GET /api/v1/requests":                                            {allowed: signedIn},
	"POST /api/v1/requests/:id/accept":                                {allowed: signedIn},
	"DELETE /api/v1/requests/:id":                                     {allowed: signedIn},

	// Direct messages, moderation: reports by members (the use case answers
	// 404 to non-members), site-wide moderators' reports and actions, admin
	// settings.
	"GET /inbox/:id/report":                   {allowed: signedIn},
	"POST /inbox/:id/report":                  {allowed: signedIn},
	"GET /mod/dm-reports":                     {allowed: siteMod | admin},
	"GET /mod/dm-reports/:id":                 {allowed: siteMod | admin},
	"POST /mod/dm-reports/:id/dismiss":        {allowed: siteMod | admin},
	"POST /mod/dm/people/:user/sanctions":     {allowed: siteMod | admin},
	"POST /mod/dm/undo/:audit":                {allowed: siteMod | admin},
	"GET /admin/direct-messages":              {allowed: admins},
	"POST /admin/direct-messages":             {allowed: admins},
	"GET /admin/attachments":                  {allowed: admins},
	"POST /admin/attachments":                 {allowed: admins},
	"GET /api/v1/conversations/:id/report":    {allowed: signedIn},
	"POST /api/v1/conversations/:id/report":   {allowed: signedIn},
	"GET /api/v1/mod/dm-reports":              {allowed: siteMod | admin},
	"GET /api/v1/mod/dm-reports/:id":          {allowed: siteMod | admin},
	"POST /api/v1/mod/dm-reports/:id/dismiss": {allowed: siteMod | admin},
	"POST /api/v1/mod/dm-sanctions":           {allowed: siteMod | admin},
	"DELETE /api/v1/mod/site-sanctions/:id":   {allowed: siteMod | admin},
	"POST /api/v1/mod/dm-undo":                {allowed: siteMod | admin},
	"GET /api/v1/settings/dm":                 {allowed: admins},
	"PUT /api/v1/settings/dm":                 {allowed: admins},
}

// Only the routes on the allowlist are public, and every other route has a
// row in the authorization matrix.
func TestPublicRoutesAllowlist(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range handlers.RouteTable() {
		key := r.Method + " " + r.Path
		seen[key] = true
		switch {
		case r.Perm == policies.Public && !publicRoutes[key]:
			t.Errorf("%s is public but not on the allowlist of public routes", key)
		case r.Perm != policies.Public && publicRoutes[key]:
			t.Errorf("%s is on the public allowlist but needs %s: take it off", key, r.Perm)
		case r.Perm != policies.Public:
			if _, ok := authzMatrix[key]; !ok {
				t.Errorf("%s has no row in the authorization matrix", key)
			}
		}
	}
	for key := range authzMatrix {
		if !seen[key] {
			t.Errorf("matrix row %s names no route", key)
		}
	}
	for key := range publicRoutes {
		if !seen[key] {
			t.Errorf("public allowlist names %s, which is not a route", key)
		}
	}
}

// matrixVisitor is one signed-in (or guest, or anonymous) cookie browser.
type matrixVisitor struct {
	who who
	b   *browser
}

// newMatrix makes channels alpha (guests allowed) and beta, and one visitor
// of each kind, each of whom accepted alpha's guidelines where they can.
func newMatrix(t *testing.T, s *testServer) []matrixVisitor {
	t.Helper()
	ctx := context.Background()
	s.newChannel(t, "alpha", chat.ChannelInput{})
	s.newChannel(t, "beta", chat.ChannelInput{})
	grants := []struct {
		w      who
		email  string
		role   model.Role
		grant  model.Role
		domain string
	}{
		{part, "part@example.org", model.RoleParticipant, "", ""},
		{host, "host-a@example.org", model.RoleParticipant, model.RoleHost, "alpha"},
		{modHere, "mod-a@example.org", model.RoleParticipant, model.RoleModerator, "alpha"},
		{modOther, "mod-b@example.org", model.RoleParticipant, model.RoleModerator, "beta"},
		{siteMod, "site-mod@example.org", model.RoleModerator, "", ""},
		{admin, "admin@example.org", model.RoleAdmin, "", ""},
	}
	a := s.browser(t)
	a.get("/login")
	g := s.browser(t)
	g.get("/c/alpha")
	if r := g.post("/c/alpha/join", url.Values{"name": {"Gus"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("guest join = %d", r.Status)
	}
	g.accept("alpha")
	out := []matrixVisitor{{anon, a}, {guest, g}}
	for _, x := range grants {
		u := s.createUser(t, x.email, x.role)
		if x.grant != "" {
			if err := s.Authz.Grant(ctx, u.ID, x.grant, x.domain); err != nil {
				t.Fatal(err)
			}
		}
		b := s.browser(t)
		b.signIn(x.email)
		b.accept("alpha")
		out = append(out, matrixVisitor{x.w, b})
	}
	return out
}

// matrixPath fills a route's parameters with alpha and ids that name no
// object, so that a request that gets past the check changes nothing.
func matrixPath(path string) string {
	r := strings.NewReplacer(
		":slug", "alpha", ":id", "987654", ":user", "987654", ":subject", "u:987654",
		":audit", "987654", ":session", "987654", ":tag", "nosuch", ":emoji", "%F0%9F%91%8D",
		":action", "hide", ":format", "csv")
	return r.Replace(path)
}

// probe sends one request as b would (its cookies and CSRF token) and returns
// the status and Location; an event stream is closed once its head is read.
func (b *browser) probe(method, path string, headers ...string) (int, string) {
	b.t.Helper()
	if b.csrf == "" {
		b.get("/login")
	}
	var body io.Reader
	ctype := "application/x-www-form-urlencoded"
	if strings.HasPrefix(path, "/api/") {
		ctype = "application/json"
	}
	if method != "GET" {
		if ctype == "application/json" {
			body = strings.NewReader("{}")
		} else {
			body = strings.NewReader("")
		}
	}
	req, _ := http.NewRequest(method, b.s.URL+path, body)
	if body != nil {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("X-CSRF-Token", b.csrf)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		_, _ = io.Copy(io.Discard, res.Body)
	}
	_ = res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}

// denied reports whether a response is a refusal of the permission check:
// 401, 403, or (an HTML page to someone not signed in) a redirect to sign in.
func denied(status int, loc string) bool {
	return status == http.StatusUnauthorized || status == http.StatusForbidden ||
		(status == http.StatusSeeOther && strings.HasPrefix(loc, "/login"))
}

// The authorization matrix: every route of the route table × every kind of
// visitor → let through or refused, as the hand-written rows say.
func TestAuthorizationMatrix(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		visitors := newMatrix(t, s)
		table := handlers.RouteTable()
		for _, r := range table {
			key := r.Method + " " + r.Path
			if publicRoutes[key] {
				continue
			}
			row, ok := authzMatrix[key]
			if !ok {
				t.Errorf("%s has no row in the authorization matrix", key)
				continue
			}
			path := matrixPath(r.Path)
			for _, v := range visitors {
				status, loc := v.b.probe(r.Method, path)
				switch {
				case row.allowed&v.who == 0 || row.refused&v.who != 0:
					if !denied(status, loc) {
						t.Errorf("%s %s as %s = %d %s, want refused (401/403)", r.Method, path, v.who, status, loc)
					}
				case denied(status, loc):
					t.Errorf("%s %s as %s = %d %s, want let through", r.Method, path, v.who, status, loc)
				}
				// A visitor is never asked to sign in again: the requests
				// above did not end anyone's sign-in.
				if v.who&signedIn != 0 && status == http.StatusSeeOther && strings.HasPrefix(loc, "/login") {
					t.Fatalf("%s lost their sign-in at %s %s", v.who, r.Method, path)
				}
			}
		}
	})
}

// Every non-GET route of the route table refuses a cookie-signed-in request
// that carries no CSRF token (403), also when it says it is an htmx request
// and when the browser says it comes from another site; the admin's sign-in
// survives all of them.
func TestCSRFOnEveryRoute(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		visitors := newMatrix(t, s)
		a := visitors[len(visitors)-1]
		if a.who != admin {
			t.Fatal("the last visitor is not the admin")
		}
		n := 0
		for _, r := range handlers.RouteTable() {
			if r.Method == "GET" {
				continue
			}
			path := matrixPath(r.Path)
			for _, h := range [][]string{
				{"X-CSRF-Token", ""},
				{"X-CSRF-Token", "", "HX-Request", "true"},
				{"X-CSRF-Token", "", "Sec-Fetch-Site", "cross-site"},
				{"X-CSRF-Token", "", "HX-Request", "true", "Sec-Fetch-Site", "same-site"},
			} {
				if status, loc := a.b.probe(r.Method, path, h...); status != http.StatusForbidden {
					t.Errorf("%s %s with no CSRF token (%v) = %d %s, want 403", r.Method, path, h[2:], status, loc)
				}
			}
			n++
		}
		if n < 50 {
			t.Errorf("only %d non-GET routes checked", n)
		}
		if r := a.b.get("/admin"); r.Status != http.StatusSeeOther || strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Errorf("admin after the token-less requests: GET /admin = %d %s", r.Status, r.Header.Get("Location"))
		}
		// The same requests with the token get past CSRF (a control: the
		// 403s above are CSRF's).
		if status, _ := a.b.probe("POST", "/c/alpha/sessions/start"); status == http.StatusForbidden {
			t.Errorf("POST with the CSRF token = 403")
		}
	})
}
