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
	"github.com/iamx/iamx/loader/live"
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
// A live capture is loadSnapshots' job.
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

// loadSnapshots returns the snapshots SOURCE names: a live capture when no
// file is given (its events go to p.capture), else the demo or the snapshot
// files (a "reading" step).
func (s *sourceFlags) loadSnapshots(ctx context.Context, e *env, p loadProgress) ([]*model.Snapshot, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if s.isLive() {
		capture := p.capture
		if capture == nil {
			capture = func(live.Progress) {}
		}
		snap, err := live.Capture(ctx, s.liveOptions(), capture)
		if p.captured != nil {
			p.captured()
		}
		if err != nil {
			return nil, err
		}
		return []*model.Snapshot{snap}, nil
	}
	name := "reading " + s.describe()
	p.stepTo(name, false, nil)
	snaps, err := s.loadFiles(ctx, e)
	p.stepTo(name, true, err)
	return snaps, err
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

// sourceGraph is the query commands' load: loadGraph with the load
// warnings summarised on stderr, so a query never hides that its answer
// rests on an incomplete snapshot (the full list is in the explorer's
// :warnings and in the file), and a live capture's progress on one line of
// a terminal. A query loads, answers and exits: garbage collection stays
// rare until it does (restoring the default pace after the build would
// start a collection of the whole fresh heap in the middle of the query).
func sourceGraph(ctx context.Context, e *env, src *sourceFlags) (*graph.Graph, error) {
	p := commandProgress(e)
	p.warn = func(w string) { termsafe.Fprintf(e.stderr, "iamx: warning: %s\n", w) }
	g, _, err := loadGraph(ctx, e, src, p)
	return g, err
}

// commandProgress shows a live capture's progress on one line of stderr
// when it is a terminal, cleared when the capture ends; pipes and files get
// nothing, so scripts see only the answer and real errors.
func commandProgress(e *env) loadProgress {
	line := newProgressLine(e.stderr)
	return loadProgress{capture: line.update, captured: line.clear}
}

// loadProgress is what the load pipeline tells its caller as it goes; a nil
// function hears nothing.
type loadProgress struct {
	step     func(name string, done bool, err error) // "reading FILE", "indexing"
	capture  func(live.Progress)                     // a live capture's events
	captured func()                                  // the live capture has ended
	warn     func(summary string)                    // a summary of load warnings
}

func (p loadProgress) stepTo(name string, done bool, err error) {
	if p.step != nil {
		p.step(name, done, err)
	}
}

// loadGraph is the one load pipeline of the query commands and the
// explorer: SCP files first (a mistyped path should not cost a whole live
// capture), then SOURCE (live, or the demo and snapshot files), the
// --resources and --org files, then the account graph. Load warnings are
// summarised through p.warn: each snapshot's count and first one, then the
// entities the build left out. restoreGC puts garbage collection back to
// its pace before the load (see loadingGC), for a caller that goes on
// running.
func loadGraph(ctx context.Context, e *env, src *sourceFlags, p loadProgress) (g *graph.Graph, restoreGC func(), err error) {
	warn := func(format string, a ...any) {
		if p.warn != nil {
			p.warn(fmt.Sprintf(format, a...))
		}
	}
	if err := src.validate(); err != nil {
		return nil, func() {}, err
	}
	restoreGC = tuneForLoad()
	scps, err := src.loadSCPs()
	if err != nil {
		return nil, restoreGC, err
	}
	snaps, err := src.loadSnapshots(ctx, e, p)
	if err != nil {
		return nil, restoreGC, err
	}
	opts := graph.Options{SCPs: scps}
	if err := src.addResourceOptions(snaps, &opts); err != nil {
		return nil, restoreGC, err
	}
	for _, s := range snaps {
		if n := len(s.Warnings); n > 0 {
			warn("%s (%s) loaded with %d warning(s); first: %s", s.Source, s.AccountID, n, oneLine(s.Warnings[0].String()))
		}
	}
	p.stepTo("indexing", false, nil)
	g, err = graph.Build(snaps, opts)
	if err != nil {
		err = fmt.Errorf("build the account graph from %s: %w", src.describe(), err)
		p.stepTo("indexing", true, err)
		return nil, restoreGC, err
	}
	p.stepTo("indexing", true, nil)
	if ws := g.Warnings(); len(ws) > 0 {
		warn("%d entities of accounts that are not loaded were left out; first: %s", len(ws), oneLine(ws[0].String()))
	}
	return g, restoreGC, nil
}

// tuneForLoad is the process tuning for loading an account, in one place:
// rare garbage collection (loadingGC) and huge pages for the heap
// (adviseHugePages). It returns the function that restores the collection
// pace. Only the load pipeline calls it: help and usage errors never pay.
func tuneForLoad() (restoreGC func()) {
	restore := loadingGC()
	adviseHugePages()
	return restore
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
