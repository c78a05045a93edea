package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/iamx/iamx/model/policy"
)

// comparison says how compare treats disagreements.
type comparison struct {
	minimise bool
	show     int      // minimised examples kept per class
	dump     *os.File // every disagreement as JSONL, or nil
}

// report is the outcome of a run.
type report struct {
	rejected, oursErr                                     map[string]int
	compared, agree, allowDeny, explicitImplicit, ignored int
	decisions                                             map[policy.Decision]int // agreed decisions
	classes                                               map[string]*class
	unexplained                                           int
}

// class is one kind of disagreement: a signature of the minimised scenario.
type class struct {
	count    int
	examples []scenario
	known    string // the verdict, "" when none applies
}

// compare runs scens through both evaluators, minimises every disagreement
// and names its verdict.
func compare(p *peer, scens []scenario, c comparison) (*report, error) {
	answers, err := p.askAll(scens, 0)
	if err != nil {
		return nil, err
	}
	r := &report{rejected: map[string]int{}, oursErr: map[string]int{}, decisions: map[policy.Decision]int{}, classes: map[string]*class{}}
	for i, a := range answers {
		pd, ok := peerDecision(a.Result)
		if a.Error != "" || !ok {
			r.rejected[a.Error]++
			continue
		}
		if len(a.Ignored) > 0 {
			r.ignored++
		}
		od, err := ours(scens[i], a.Ignored)
		if err != nil {
			r.oursErr[err.Error()]++
			continue
		}
		r.compared++
		if od == pd {
			r.agree++
			r.decisions[od]++
			continue
		}
		if (od == policy.Allowed) != (pd == policy.Allowed) {
			r.allowDeny++
		} else {
			r.explicitImplicit++
		}
		want := outcome{ours: od, peer: pd}
		min := scens[i]
		if c.minimise {
			if min, err = minimise(p, scens[i], want); err != nil {
				return nil, err
			}
		}
		sig := signature(min, want)
		cl := r.classes[sig]
		if cl == nil {
			cl = &class{known: classify(min, want)}
			r.classes[sig] = cl
		}
		cl.count++
		if cl.known == "" {
			r.unexplained++
		}
		if len(cl.examples) < c.show {
			cl.examples = append(cl.examples, min)
		}
		if c.dump != nil {
			b, _ := json.Marshal(map[string]any{"index": i, "signature": sig, "minimised": min, "original": scens[i]})
			c.dump.Write(append(b, '\n'))
		}
	}
	return r, nil
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "rejected by peer: %d; rejected by ours: %d; compared: %d\n", sum(r.rejected), sum(r.oursErr), r.compared)
	if r.compared > 0 {
		fmt.Fprintf(w, "agree: %d (%.2f%%: allow %d, explicit deny %d, implicit deny %d); disagree: %d (allow vs deny: %d, explicit vs implicit deny: %d)\n",
			r.agree, 100*float64(r.agree)/float64(r.compared), r.decisions[policy.Allowed], r.decisions[policy.ExplicitDeny], r.decisions[policy.ImplicitDeny],
			r.compared-r.agree, r.allowDeny, r.explicitImplicit)
	}
	if r.ignored > 0 {
		fmt.Fprintf(w, "scenarios where the peer ignored context keys (dropped on both sides): %d\n", r.ignored)
	}
	for _, m := range []map[string]int{r.rejected, r.oursErr} {
		for _, k := range sortedKeys(m) {
			fmt.Fprintf(w, "  rejected (%d): %s\n", m[k], k)
		}
	}
	sigs := make([]string, 0, len(r.classes))
	for s := range r.classes {
		sigs = append(sigs, s)
	}
	sort.Slice(sigs, func(i, j int) bool {
		ci, cj := r.classes[sigs[i]], r.classes[sigs[j]]
		if (ci.known == "") != (cj.known == "") {
			return ci.known == ""
		}
		if ci.count != cj.count {
			return ci.count > cj.count
		}
		return sigs[i] < sigs[j]
	})
	byVerdict := map[string]int{}
	for _, s := range sigs {
		c := r.classes[s]
		verdict := c.known
		if verdict == "" {
			verdict = "UNEXPLAINED"
		}
		for _, line := range strings.Split(verdict, "\n    AND ") {
			byVerdict[strings.SplitN(line, ":", 2)[0]+": "+shortVerdict(line)] += c.count
		}
		fmt.Fprintf(w, "\n[%d] %s\n    %s\n", c.count, s, verdict)
		for _, ex := range c.examples {
			b, _ := json.Marshal(ex)
			fmt.Fprintf(w, "    %s\n", b)
		}
	}
	fmt.Fprintf(w, "\ndisagreements by verdict (a scenario can show several causes):\n")
	for _, k := range sortedKeys(byVerdict) {
		fmt.Fprintf(w, "  %5d  %s\n", byVerdict[k], k)
	}
	fmt.Fprintf(w, "unexplained disagreements: %d\n", r.unexplained)
}
