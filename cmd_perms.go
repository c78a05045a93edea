package main

import (
	"context"
	"errors"
)

func runPerms(ctx context.Context, e *env, args []string) int {
	return fail(e, errors.New("perms: not built yet"))
}
