package main

import (
	"fmt"
	"strings"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/loader/live"
	"github.com/iamx/iamx/model"
)

// addResourceOptions reads the --resources and --org files into opts. Their
// warnings (a malformed policy document) join the first snapshot's, so the
// load summary and the explorer's :warnings show them. A bucket record
// without an account (S3 ARNs carry none) belongs to the one loaded
// account; with several loaded it must say which.
func (s *sourceFlags) addResourceOptions(snaps []*model.Snapshot, opts *graph.Options) error {
	var warnings []model.Warning
	for _, path := range s.resources {
		rs, ws, err := loader.ReadResourcesFile(path)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if r.Account != "" {
				continue
			}
			if len(snaps) != 1 || snaps[0].AccountID == "" {
				return fmt.Errorf("%s: %s: the ARN names no account and %d accounts are loaded; add \"account\" to the record", path, r.ARN, len(snaps))
			}
			r.Account = snaps[0].AccountID
		}
		opts.Resources = append(opts.Resources, rs...)
		warnings = append(warnings, ws...)
	}
	if s.org != "" {
		o, ws, err := loader.ReadOrgFile(s.org)
		if err != nil {
			return err
		}
		opts.Organization = o
		warnings = append(warnings, ws...)
	}
	if len(warnings) > 0 && len(snaps) > 0 {
		snaps[0].Warnings = append(snaps[0].Warnings, warnings...)
	}
	return nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// checkServices validates --services before any capture starts.
func checkServices(s string) error {
	_, err := live.CheckServices(splitList(s))
	return err
}
