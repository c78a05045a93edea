package main

import (
	"context"
	"errors"
)

func runExplorer(ctx context.Context, e *env, args []string) int {
	return fail(e, errors.New("explore: not built yet"))
}
