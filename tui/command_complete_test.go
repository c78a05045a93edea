package tui

import "testing"

// Tab completes command names, principal names and action names. Action
// names match case-insensitively, as IAM matches actions, and come back in
// the catalogue's canonical case.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func TestCompleteCommand(t *testing.T) {
	g := detailCommon(t).Graph
	cases := []struct{ name, line, want string }{
		{"command name", "who", "whocan "},
		{"principal after :can", "can ali", "can alice "},
		{"principal after :open", "open DeployR", "open DeployRole "},
		{"service prefix", "whocan sts", "whocan sts:"},
		{"unique action, any case", "whocan sts:getcaller", "whocan sts:GetCallerIdentity "},
		{"common prefix in canonical case", "whocan iam:passr", "whocan iam:PassRole "},
		{"action after :can's principal", "can alice s3:getobjectv", "can alice s3:GetObjectVersion"},
		{"ambiguous service prefix stays", "whocan s", "whocan s"},
		{"unknown service stays", "whocan nosuchservice:x", "whocan nosuchservice:x"},
		{"resource is not completed", "whocan s3:GetObject arn:aws:s3", "whocan s3:GetObject arn:aws:s3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := completeCommand(g, tc.line); got != tc.want {
				t.Errorf("completeCommand(%q) = %q, want %q", tc.line, got, tc.want)
			}
		})
	}
}
