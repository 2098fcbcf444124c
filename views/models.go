package views

// Page is what every full page needs: title, who is signed in, navigation,
// the CSRF token for forms, and a flash message.
type Page struct {
	Title  string
	User   *User // nil when nobody is signed in
	Nav    []NavItem
	Active string // href of the current navigation entry
	CSRF   string
	Flash  *Flash
	// AssetVersion is appended to static URLs, which are cached for a year.
	AssetVersion string
	// InboxUnread is the header badge's count of unread direct messages
	// (requests never count); InboxSince the inbox stream's start;
	// InboxLive whether the page opens the stream.
	InboxUnread int
	InboxSince  int64
	InboxLive   bool
}

// User is the signed-in person as the header shows them.
type User struct {
	ID    int64
	Name  string
	Email string
	Role  string // strongest site-wide role
}

// NavItem is one entry of the header navigation.
type NavItem struct {
	Label string
	Href  string
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind    string // "success", "info" or "error"
	Message string
}

// Form carries values typed by the person and errors by field name, so that a
// rejected form comes back filled in with the message beside the field.
type Form struct {
	Values map[string]string
	Errors map[string]string
}

// Value returns the typed value of field.
func (f Form) Value(field string) string { return f.Values[field] }

// Error returns the error of field ("" when none).
func (f Form) Error(field string) string { return f.Errors[field] }

// HasErrors reports whether any field has an error.
func (f Form) HasErrors() bool { return len(f.Errors) > 0 }

// ErrorPage describes an error shown as a page or a fragment.
type ErrorPage struct {
	Status  int
	Heading string
	Message string
	// SignIn is where "sign in again" goes (with ?next= back to the page
	// the person was on), for a sign-in that ended.
	SignIn string
}
