package main

import (
	"context"
	"errors"
)

func runCan(ctx context.Context, e *env, args []string) int {
	return fail(e, errors.New("can: not built yet"))
}
