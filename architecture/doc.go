// Package architecture holds the test that keeps the project's layering: it
// reads `go list -json ./...` and fails when a package imports a package of a
// higher layer (or one of its own layer), when a project package is missing
// from the layer table, when SQL is built outside package store, or when a
// package has no package doc comment.
//
// The layer table is in architecture_test.go; a new package is added to it
// deliberately, in the layer where it belongs. The package has no non-test
// code and nothing may import it.
package architecture
