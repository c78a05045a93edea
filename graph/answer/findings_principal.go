package answer

import "github.com/iamx/iamx/graph"

// Review is what deserves a second look about one principal: the findings
// about it (the same Findings `iamx findings` prints, so the explorer's
// Overview and the command line cannot disagree) and the load warnings about
// it. The Overview renders it.
type Review struct {
	Findings     []Finding     `json:"findings"`
	LoadWarnings []LoadWarning `json:"load_warnings"`
}

// ReviewOf picks from the findings and w what is about principal n.
// Findings are asked for (findings is called) only for users and roles,
// the principals they are about (a role's trust findings included): an
// external principal's Overview does not wait for the account's findings.
func ReviewOf(findings func() Findings, w *Warnings, n *graph.Node) Review {
	r := Review{Findings: []Finding{}, LoadWarnings: []LoadWarning{}}
	if n == nil {
		return r
	}
	if n.Kind == graph.KindUser || n.Kind == graph.KindRole {
		r.Findings = append(r.Findings, findings().About(n.ARN)...)
	}
	if w != nil {
		r.LoadWarnings = append(r.LoadWarnings, w.About(n.ARN)...)
	}
	return r
}

// Line is a finding in one line, as the Overview lists it:
// "critical: can reach admin-equivalent access without having it — 1 hop(s): …".
func (f *Finding) Line() string {
	return string(f.Severity) + ": " + f.Title + " — " + f.Detail
}
