package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// sourceFlags are the SOURCE flags every command shares: where the account
// snapshot comes from, and the service control policies to apply.
type sourceFlags struct {
	demo        bool
	snapshots   listFlag
	profile     string
	region      string
	roleARN     string
	externalID  string
	sessionName string
	scps        listFlag
	resources   listFlag // --resources, read by source_resources.go
	org         string
	services    string // live: resource-policy services to capture (--services)
	regions     string // live: their regions (--regions)
}

func (s *sourceFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&s.demo, "demo", false, "use the embedded demo account")
	fs.Var(&s.snapshots, "snapshot", "load an iamx snapshot or GAAD `FILE`, every *.json and *.json.gz file in a directory, or - for standard input (repeatable)")
	fs.StringVar(&s.profile, "profile", "", "AWS profile `NAME` for live capture")
	fs.StringVar(&s.region, "region", "", "AWS region for live capture")
	fs.StringVar(&s.roleARN, "role-arn", "", "assume this role `ARN` before a live capture")
	fs.StringVar(&s.externalID, "external-id", "", "external ID for --role-arn")
	fs.StringVar(&s.sessionName, "session-name", "", "session name for --role-arn")
	fs.Var(&s.scps, "scp", "add a service control policy `FILE` (repeatable)")
	fs.Var(&s.resources, "resources", "add resource-based policies from a JSON Lines `FILE` (repeatable; see the README)")
	fs.StringVar(&s.org, "org", "", "the organization's structure, SCPs and RCPs from `FILE` (see the README)")
	fs.StringVar(&s.services, "services", "", "live: also capture the resource policies of `LIST` (s3,kms,sqs,sns,lambda,secretsmanager,ecr,organizations or all)")
	fs.StringVar(&s.regions, "regions", "", "live: the regions `LIST` for --services (default: the configured region)")
}

// validate rejects combinations that name more than one kind of source.
func (s *sourceFlags) validate() error {
	live := s.profile != "" || s.region != "" || s.roleARN != "" || s.externalID != "" || s.sessionName != ""
	switch {
	case s.demo && len(s.snapshots) > 0:
		return usagef("--demo and --snapshot cannot be combined")
	case (s.demo || len(s.snapshots) > 0) && live:
		return usagef("--profile, --region and --role-arn are for live capture; they cannot be combined with --demo or --snapshot")
	case (s.services != "" || s.regions != "") && !s.isLive():
		return usagef("--services and --regions are for live capture; they cannot be combined with --demo or --snapshot")
	case s.regions != "" && s.services == "":
		return usagef("--regions needs --services")
	case s.services != "" && checkServices(s.services) != nil:
		return usagef("%v", checkServices(s.services))
	case (s.externalID != "" || s.sessionName != "") && s.roleARN == "":
		return usagef("--external-id and --session-name need --role-arn")
	}
	return nil
}

// isLive reports whether the source is a live capture.
func (s *sourceFlags) isLive() bool { return !s.demo && len(s.snapshots) == 0 }

// describe names the source for messages and the explorer's header.
func (s *sourceFlags) describe() string {
	switch {
	case s.demo:
		return "demo"
	case len(s.snapshots) == 1 && s.snapshots[0] == "-":
		return stdinName
	case len(s.snapshots) == 1:
		return s.snapshots[0]
	case len(s.snapshots) > 1:
		return fmt.Sprintf("%d snapshots", len(s.snapshots))
	}
	return "live"
}

// stdinName names standard input (--snapshot -) in messages and headers.
const stdinName = "standard input"

// loadFiles loads the demo account or snapshot files; "-" is standard input.
// Live capture is loadLive's job.
func (s *sourceFlags) loadFiles(ctx context.Context, e *env) ([]*model.Snapshot, error) {
	if s.demo {
		snap, err := loader.Demo()
		if err != nil {
			return nil, err
		}
		return []*model.Snapshot{snap}, nil
	}
	out := make([]*model.Snapshot, 0, len(s.snapshots))
	stdinUsed := false
	for _, path := range s.snapshots {
		if st, err := os.Stat(path); path != "-" && err == nil && st.IsDir() {
			snaps, err := loader.ReadDir(path, nil)
			if err != nil {
				return nil, err
			}
			out = append(out, snaps...)
			continue
		}
		var snap *model.Snapshot
		var err error
		if path == "-" {
			if stdinUsed {
				return nil, usagef("--snapshot -: standard input can be read only once")
			}
			stdinUsed = true
			snap, err = loader.ReadContext(ctx, e.stdin, stdinName)
		} else {
			snap, err = loader.ReadFileContext(ctx, path)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, snap)
	}
	return out, nil
}

// load returns the snapshots SOURCE names, capturing live when no file is given.
func (s *sourceFlags) load(ctx context.Context, e *env) ([]*model.Snapshot, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if s.isLive() {
		snap, err := loadLive(ctx, s, e)
		if err != nil {
			return nil, err
		}
		return []*model.Snapshot{snap}, nil
	}
	return s.loadFiles(ctx, e)
}

// loadSCPs reads the --scp files, one organization level each.
func (s *sourceFlags) loadSCPs() ([]policy.Source, error) {
	out := make([]policy.Source, 0, len(s.scps))
	for _, path := range s.scps {
		p, err := loader.ReadPolicyFile(path, policy.KindSCP)
		if err != nil {
			return nil, err
		}
		out = append(out, policy.Source{Type: policy.SCPPolicy, Name: path, Policy: p})
	}
	return out, nil
}

// sourceGraph loads SOURCE and builds the account graph with its SCPs. Load
// warnings (a malformed policy, a denied optional call) are summarised on
// stderr so a query never hides that its answer rests on an incomplete
// snapshot; the full list is in the explorer's :warnings and in the file.
func sourceGraph(ctx context.Context, e *env, src *sourceFlags) (*graph.Graph, error) {
	// A query command loads, answers and exits: collect rarely throughout.
	// Restoring the default pace after the build would start a collection
	// of the whole fresh heap in the middle of the query.
	loadingGC()
	adviseHugePages()
	scps, err := src.loadSCPs()
	if err != nil {
		return nil, err
	}
	snaps, err := src.load(ctx, e)
	if err != nil {
		return nil, err
	}
	opts := graph.Options{SCPs: scps}
	if err := src.addResourceOptions(snaps, &opts); err != nil {
		return nil, err
	}
	for _, s := range snaps {
		if n := len(s.Warnings); n > 0 {
			termsafe.Fprintf(e.stderr, "iamx: warning: %s (%s) loaded with %d warning(s); first: %s\n",
				s.Source, s.AccountID, n, oneLine(s.Warnings[0].String()))
		}
	}
	g, err := graph.Build(snaps, opts)
	if err != nil {
		return nil, fmt.Errorf("build the account graph from %s: %w", src.describe(), err)
	}
	if ws := g.Warnings(); len(ws) > 0 {
		fmt.Fprintf(e.stderr, "iamx: warning: %d entities of accounts that are not loaded were left out; first: %s\n", len(ws), oneLine(ws[0].String()))
	}
	return g, nil
}

// loadingGC makes garbage collection rarer while an account loads and its
// graph is built, and returns the function that restores it (the explorer
// does, once loaded; query commands keep the pace until they exit). Nearly all
// that a load allocates stays live (the snapshot, then the graph), so each
// collection at the default pace (GOGC=100: whenever the heap doubles)
// scans a growing heap to free little: on the reference account that is a
// fifth of the CPU of a who-can. At 400 the heap may grow fivefold between
// collections; the peak grows by a tenth. An organization's live heap is
// gigabytes, so the pace eases toward the default as it grows (paceGC).
// A GOGC the user set wins.
func loadingGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	return paceGC(debug.SetGCPercent(400))
}
