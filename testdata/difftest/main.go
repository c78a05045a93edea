// Command difftest compares iamx's policy evaluator (model/policy) with an
// independent one, @cloud-copilot/iam-simulate (npm), on random scenarios:
// identity policies, permissions boundary, resource policy and SCPs with
// wildcards, variables and conditions, and a request in account
// 111122223333. Each disagreement is minimised and grouped by its shape.
//
//	go run ./testdata/difftest -n 5000 -seed 1            # needs testdata/difftest/node_modules
//	go run ./testdata/difftest -install -n 5000 -seed 1   # runs npm ci there first
//
// It lives under testdata so that `go test ./...` and CI never build or run
// it: it needs Node.js and the npm package at run time. Scenarios that found
// real bugs are kept as table cases in model/policy's tests instead.
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

	scens := make([]scenario, *n)
	for i := range scens {
		scens[i] = generate(*seed, i)
	}
	answers, err := p.askAll(scens, 0)
	if err != nil {
		fmt.Fprintf(os.Stderr, "difftest: %v\n", err)
		return 2
	}

	var dumpFile *os.File
	if *dump != "" {
		if dumpFile, err = os.Create(*dump); err != nil {
			fmt.Fprintf(os.Stderr, "difftest: %v\n", err)
			return 2
		}
		defer dumpFile.Close()
	}

	rejected := map[string]int{}
	oursErr := map[string]int{}
	var compared, agree, allowDeny, explicitImplicit, ignoredKeys int
	type class struct {
		count    int
		examples []scenario
		known    string
	}
	classes := map[string]*class{}
	for i, a := range answers {
		pd, ok := peerDecision(a.Result)
		if a.Error != "" || !ok {
			rejected[a.Error]++
			continue
		}
		if len(a.Ignored) > 0 {
			ignoredKeys++
		}
		od, err := ours(scens[i], a.Ignored)
		if err != nil {
			oursErr[err.Error()]++
			continue
		}
		compared++
		if od == pd {
			agree++
			continue
		}
		if (od.String() == "allow") != (pd.String() == "allow") {
			allowDeny++
		} else {
			explicitImplicit++
		}
		want := outcome{ours: od, peer: pd}
		min := scens[i]
		if !*noMin {
			if min, err = minimise(p, scens[i], want); err != nil {
				fmt.Fprintf(os.Stderr, "difftest: %v\n", err)
				return 2
			}
		}
		sig := signature(min, want)
		c := classes[sig]
		if c == nil {
			c = &class{known: classify(min)}
			classes[sig] = c
		}
		c.count++
		if len(c.examples) < *show {
			c.examples = append(c.examples, min)
		}
		if dumpFile != nil {
			b, _ := json.Marshal(map[string]any{"index": i, "signature": sig, "minimised": min, "original": scens[i]})
			dumpFile.Write(append(b, '\n'))
		}
	}

	fmt.Printf("peer: @cloud-copilot/iam-simulate %s (strict mode)\n", meta.Version)
	fmt.Printf("scenarios: %d (seed %d); rejected by peer: %d; rejected by ours: %d; compared: %d\n",
		*n, *seed, sum(rejected), sum(oursErr), compared)
	if compared > 0 {
		fmt.Printf("agree: %d (%.2f%%); disagree: %d (allow vs deny: %d, explicit vs implicit deny: %d)\n",
			agree, 100*float64(agree)/float64(compared), compared-agree, allowDeny, explicitImplicit)
	}
	if ignoredKeys > 0 {
		fmt.Printf("scenarios where the peer ignored context keys (dropped on both sides): %d\n", ignoredKeys)
	}
	for _, m := range []map[string]int{rejected, oursErr} {
		for _, k := range sortedKeys(m) {
			fmt.Printf("  rejected (%d): %s\n", m[k], k)
		}
	}
	sigs := make([]string, 0, len(classes))
	for s := range classes {
		sigs = append(sigs, s)
	}
	sort.Slice(sigs, func(i, j int) bool {
		ci, cj := classes[sigs[i]], classes[sigs[j]]
		if (ci.known == "") != (cj.known == "") {
			return ci.known == ""
		}
		if ci.count != cj.count {
			return ci.count > cj.count
		}
		return sigs[i] < sigs[j]
	})
	unexplained := 0
	byVerdict := map[string]int{}
	for _, s := range sigs {
		c := classes[s]
		verdict := c.known
		if verdict == "" {
			verdict = "UNEXPLAINED"
			unexplained += c.count
		}
		for _, line := range strings.Split(verdict, "\n    AND ") {
			byVerdict[strings.SplitN(line, ":", 2)[0]+": "+shortVerdict(line)] += c.count
		}
		fmt.Printf("\n[%d] %s\n    %s\n", c.count, s, verdict)
		for _, ex := range c.examples {
			b, _ := json.Marshal(ex)
			fmt.Printf("    %s\n", b)
		}
	}
	fmt.Printf("\ndisagreements by verdict (a scenario can show several causes):\n")
	for _, k := range sortedKeys(byVerdict) {
		fmt.Printf("  %5d  %s\n", byVerdict[k], k)
	}
	fmt.Printf("unexplained disagreements: %d\n", unexplained)
	if unexplained > 0 {
		return 1
	}
	return 0
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
