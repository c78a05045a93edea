package main

import (
	"context"
	"errors"
)

func runChains(ctx context.Context, e *env, args []string) int {
	return fail(e, errors.New("chains: not built yet"))
}
