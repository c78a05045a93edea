package main

import (
	"context"
	"errors"
)

func runSnapshot(ctx context.Context, e *env, args []string) int {
	return fail(e, errors.New("snapshot: not built yet"))
}
