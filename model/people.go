package model

import "fmt"

// ErrHandleTaken is the ErrConflict of a handle another account holds.
var ErrHandleTaken = fmt.Errorf("handle taken: %w", ErrConflict)
