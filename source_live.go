package main

import (
	"context"
	"errors"

	"github.com/iamx/iamx/model"
)

// loadLive captures the account named by the live SOURCE flags.
func loadLive(ctx context.Context, s *sourceFlags, e *env) (*model.Snapshot, error) {
	return nil, errors.New("live capture is not available in this build yet; use --demo or --snapshot FILE")
}
