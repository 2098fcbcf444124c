// Package views holds Backchannel's pages and fragments as templ components
// (the *.templ files, with the generated *_templ.go committed beside them)
// and the view models they render: plain structs the handlers fill in. Views
// do no I/O and import nothing of the project: page components are exported,
// their parts are not, and what differs per viewer on a live page is marked
// by data attributes for the page's own script.
package views
