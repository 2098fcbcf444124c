package main

import (
	"context"
	"fmt"
	"io"
)

// benchCmd runs the benchmark tools. Placeholder until written.
func benchCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return usageErr(fmt.Errorf("bench: not written yet"))
}
