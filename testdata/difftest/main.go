// Command difftest compares iamx's policy evaluator (model/policy) with an
// independent one, @cloud-copilot/iam-simulate (npm), on random scenarios:
// identity policies, permissions boundary, resource policy and SCPs with
// wildcards, variables and conditions, and a request in account
// 111122223333 (-kind policies); or S3 bucket policies and KMS key policies
// asked of principals of the same account, of another account and of a
// service, with RCPs and Block Public Access, answered through the graph as
// `iamx can` answers (-kind resources). Each disagreement is minimised and
// grouped by its shape.
//
//	go run ./testdata/difftest -n 5000 -seed 1            # needs testdata/difftest/node_modules
//	go run ./testdata/difftest -install -n 5000 -seed 1   # runs npm ci there first
//
// `go test ./testdata/difftest` (run by .ci/run, which names every package
// under testdata) compares a few hundred scenarios of each kind and fails on
// a disagreement no verdict explains; it skips when Node.js or node_modules
// is absent. Scenarios that found real bugs are kept as table cases in
// model/policy's and graph's tests.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

func main() {
	os.Exit(run())
}

func run() int {
	n := flag.Int("n", 5000, "number of scenarios")
	seed := flag.Uint64("seed", 1, "generator seed (scenario i depends only on seed and i)")
	install := flag.Bool("install", false, "run `npm ci` in the driver directory first")
	dir := flag.String("dir", defaultDir(), "directory of driver.mjs and node_modules")
	show := flag.Int("show", 2, "minimised examples to print per disagreement class")
	noMin := flag.Bool("nominimise", false, "do not minimise disagreements (faster)")
	dump := flag.String("dump", "", "write every disagreement (original and minimised) as JSONL to this file")
	kind := flag.String("kind", "policies", "scenarios: policies (identity, boundary, resource policy, SCPs through model/policy) or resources (bucket and key policies, RCPs, Block Public Access through the graph)")
	flag.Parse()

	if *install {
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir, cmd.Stdout, cmd.Stderr = *dir, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "difftest: npm ci in %s: %v\n", *dir, err)
			return 2
		}
	}
	pkg := filepath.Join(*dir, "node_modules", "@cloud-copilot", "iam-simulate", "package.json")
	raw, err := os.ReadFile(pkg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "difftest: skipped: %s is absent; run with -install (needs npm and Node.js) or `npm ci` in %s\n", pkg, *dir)
		return 0
	}
	var meta struct{ Version string }
	json.Unmarshal(raw, &meta)
	if _, err := exec.LookPath("node"); err != nil {
		fmt.Fprintln(os.Stderr, "difftest: skipped: node is not on PATH")
		return 0
	}

	p, err := startPeer(*dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "difftest: %v\n", err)
		return 2
	}
	defer p.close()

	gen, ok := generators[*kind]
	if !ok {
		fmt.Fprintf(os.Stderr, "difftest: -kind %s: expected policies or resources\n", *kind)
		return 2
	}
	scens := make([]scenario, *n)
	for i := range scens {
		scens[i] = gen(*seed, i)
	}
	var dumpFile *os.File
	if *dump != "" {
		if dumpFile, err = os.Create(*dump); err != nil {
			fmt.Fprintf(os.Stderr, "difftest: %v\n", err)
			return 2
		}
		defer dumpFile.Close()
	}
	rep, err := compare(p, scens, comparison{minimise: !*noMin, show: *show, dump: dumpFile})
	if err != nil {
		fmt.Fprintf(os.Stderr, "difftest: %v\n", err)
		return 2
	}
	fmt.Printf("peer: @cloud-copilot/iam-simulate %s (strict mode)\n", meta.Version)
	fmt.Printf("scenarios: %d (seed %d, %s)\n", *n, *seed, *kind)
	rep.print(os.Stdout)
	if rep.unexplained > 0 {
		return 1
	}
	return 0
}

// generators are the kinds of scenario, by -kind.
var generators = map[string]func(seed uint64, index int) scenario{
	"policies":  generate,
	"resources": generateResource,
}

// defaultDir is the directory of this source file when run with `go run`,
// else testdata/difftest under the working directory.
func defaultDir() string {
	if _, file, _, ok := runtime.Caller(0); ok {
		if _, err := os.Stat(filepath.Join(filepath.Dir(file), "driver.mjs")); err == nil {
			return filepath.Dir(file)
		}
	}
	return filepath.Join("testdata", "difftest")
}

func sum(m map[string]int) int {
	t := 0
	for _, v := range m {
		t += v
	}
	return t
}

func sortedKeys(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// shortVerdict is the first clause of a verdict, for the summary table.
func shortVerdict(v string) string {
	_, rest, _ := strings.Cut(v, ": ")
	if i := strings.Index(rest, ";"); i > 0 {
		rest = rest[:i]
	}
	return rest
}
