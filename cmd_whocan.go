package main

import (
	"context"
	"errors"
)

func runWhoCan(ctx context.Context, e *env, args []string) int {
	return fail(e, errors.New("whocan: not built yet"))
}
