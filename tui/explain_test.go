package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/model/policy"
)

// The Explain tab: type a request, see graph.Can's decision and trace.
func TestExplainTab(t *testing.T) {
	c := detailCommon(t)
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
	cases := []struct {
		name      string
		principal string
		action    string
		resource  string
		context   string
		want      []string // in order
		golden    string
	}{
		{"admin without MFA is denied by the group's MFA guard", "user/alice", "iam:CreateUser", "", "",
			[]string{"user/alice → iam:CreateUser on *", "RequireMFA", "Trace", "AdministratorAccess", "action ✓"}, "detail_explain_alice"},
		{"admin with MFA is allowed by AdministratorAccess", "user/alice", "iam:CreateUser", "", "aws:MultiFactorAuthPresent=true",
			[]string{"ALLOW", "Deciding statements", "AdministratorAccess"}, ""},
		{"boundary subtracts what the group grants", "user/bob", "iam:CreateUser", "", "",
			[]string{"user/bob → iam:CreateUser", "DENY"}, ""},
		{"sts:GetCallerIdentity needs no policy", "role/WebServerRole", "sts:GetCallerIdentity", "", "",
			[]string{"ALLOW", "always"}, ""},
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
		{"a request names one action, not a pattern", "user/alice", "iam:Create*", "", "",
			[]string{"not a pattern"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := detailSized(NewPrincipalPage(c, detailNode(t, c, tc.principal)), detailW, detailH)
			p, _ = detailPress(p, "6", "e")
			cp, ok := p.(Capturer)
			if !ok || !cp.Capturing() {
				t.Fatalf("e on Explain should focus the action input")
			}
			p = detailType(p, tc.action)
			p, _ = detailPress(p, "tab")
			p = detailType(p, tc.resource)
			p, _ = detailPress(p, "tab")
			p = detailType(p, tc.context)
			p, _ = detailPress(p, "enter")
			if cp.Capturing() {
				t.Fatalf("enter should evaluate and leave the inputs")
			}
			view := ansi.Strip(p.View())
			detailFits(t, tc.name, view, detailW, detailH)
			rest := view
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("view lacks %q (in order) in:\n%s", w, view)
				}
				rest = rest[i+len(w):]
			}
			if tc.golden != "" {
				detailGolden(t, tc.golden, view)
				detailScreen(t, tc.golden, view)
			}
		})
	}
}

// While an input is focused every key is text: q, :, / and the tab numbers
// go into the input, and esc leaves it without evaluating.
func TestExplainCapturesKeys(t *testing.T) {
	c := detailCommon(t)
	p := detailSized(NewPrincipalPage(c, detailNode(t, c, "alice")), detailW, detailH)
	p, _ = detailPress(p, "6", "enter")
	p = detailType(p, "q:/12")
	if !strings.Contains(ansi.Strip(p.View()), "q:/12") {
		t.Fatalf("typed keys did not reach the input:\n%s", p.View())
	}
	p, _ = detailPress(p, "backspace", "esc")
	if p.(Capturer).Capturing() {
		t.Fatal("esc should leave the input")
	}
	if v := ansi.Strip(p.View()); !strings.Contains(v, "q:/1") || strings.Contains(v, "q:/12") || strings.Contains(v, "Trace") {
		t.Fatalf("esc should keep the text and not evaluate:\n%s", v)
	}
	// Out of the input, tab switches tabs again.
	p, _ = detailPress(p, "tab")
	if !strings.Contains(ansi.Strip(p.View()), "ARN") {
		t.Fatalf("tab after esc should move to Overview:\n%s", p.View())
	}
}

// A missing context key the decision hinges on is named with the value that
// would change it: "allowed only with MFA" is the point of the view.
func TestExplainNamesMissingContext(t *testing.T) {
	c := detailCommon(t)
	res := c.Graph.Can(detailNode(t, c, "alice"), "iam:CreateUser", "*", nil, true)
	if len(res.MissingContext) == 0 {
		t.Skip("the demo's alice no longer depends on request context")
	}
	lines := renderDecision(c, detailNode(t, c, "alice"), "iam:CreateUser", "*", nil, res)
	var text strings.Builder
	for _, l := range lines {
		text.WriteString(l.plain + "\n")
	}
	if !strings.Contains(text.String(), "would be allowed with aws:MultiFactorAuthPresent=true") {
		t.Errorf("missing context not named:\n%s", text.String())
	}
}

// Context is typed as the CLI's -c flags: KEY=VALUE pairs, a repeated key
// is multi-valued, condition keys are case-insensitive.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
func TestParseContextPairs(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		key     string
		want    []string
		wantErr bool
	}{
		{"single-valued key", "aws:MultiFactorAuthPresent=true", "aws:multifactorauthpresent", []string{"true"}, false},
		{"repeated key is multi-valued", "aws:TagKeys=a aws:TagKeys=b", "aws:TagKeys", []string{"a", "b"}, false},
		{"value may contain =", "aws:userid=AIDA:x=y", "aws:userid", []string{"AIDA:x=y"}, false},
		{"empty value is a value", "sts:ExternalId=", "sts:ExternalId", []string{""}, false},
		{"pair without = is an error", "aws:SourceIp", "", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, err := parseContextPairs(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("parse %q: want an error", tc.in)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, ok := policy.Context(ctx).Get(tc.key)
			if !ok || strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("parse %q: %s = %v, want %v", tc.in, tc.key, got, tc.want)
			}
		})
	}
}

// The Can page is the Explain form filled in and evaluated.
func TestCanPage(t *testing.T) {
	c := detailCommon(t)
	p := detailSized(NewCanPage(c, detailNode(t, c, "carol"), "s3:GetObject", "arn:aws:s3:::acme-data/report.csv"), detailW, detailH)
	view := ansi.Strip(p.View())
	detailFits(t, "can page", view, detailW, detailH)
	for _, w := range []string{"s3:GetObject", "ALLOW", "ReadOnlyAccess", "Trace"} {
		if !strings.Contains(view, w) {
			t.Errorf("can page lacks %q:\n%s", w, view)
		}
	}
	if got := p.Title(); got != "can user/carol s3:GetObject" {
		t.Errorf("title %q", got)
	}
	detailGolden(t, "detail_can_carol", view)
}
