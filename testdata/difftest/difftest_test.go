package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamx/iamx/model/policy"
)

// The differential test in the suite: a few hundred scenarios of each kind
// through both evaluators, failing on any disagreement no verdict in
// classify.go explains (each verdict cites the AWS documentation). It needs
// Node.js and the pinned peer in node_modules (`npm ci` here, or
// `go run ./testdata/difftest -install`); without them it skips, saying so,
// except under CI=true, where .ci/run has installed them and their absence
// is a failure.
// Larger runs: `go run ./testdata/difftest -kind resources -n 6000`.
func TestAgreesWithIAMSimulate(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the differential test starts Node.js")
	}
	skip := t.Skip
	if os.Getenv("CI") == "true" {
		skip = t.Fatal
	}
	if _, err := os.Stat(filepath.Join("node_modules", "@cloud-copilot", "iam-simulate", "package.json")); err != nil {
		skip("node_modules/@cloud-copilot/iam-simulate is absent: run `npm ci` in testdata/difftest")
	}
	if _, err := exec.LookPath("node"); err != nil {
		skip("node is not on PATH")
	}
	p, err := startPeer(".")
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	for _, kind := range []string{"resources", "policies"} {
		t.Run(kind, func(t *testing.T) {
			scens := make([]scenario, 600)
			for i := range scens {
				scens[i] = generators[kind](1, i)
			}
			rep, err := compare(p, scens, comparison{minimise: true, show: 1})
			if err != nil {
				t.Fatal(err)
			}
			if rep.compared < len(scens)*9/10 {
				t.Errorf("only %d of %d scenarios compared (the rest rejected by one side)", rep.compared, len(scens))
			}
			for _, d := range []int{rep.decisions[policy.Allowed], rep.decisions[policy.ExplicitDeny], rep.decisions[policy.ImplicitDeny]} {
				if d == 0 {
					t.Errorf("the agreed decisions miss a kind (allow, explicit deny, implicit deny): %v; the generator tests too little", rep.decisions)
				}
			}
			if rep.unexplained > 0 {
				var b strings.Builder
				rep.print(&b)
				t.Errorf("%d disagreements no verdict explains:\n%s", rep.unexplained, b.String())
			}
		})
	}
}
