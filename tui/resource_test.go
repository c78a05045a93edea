package tui

import (
	"strings"
	"testing"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
)

// :whocan and :can read RESOURCE as the command line does (one graph
// function): a path-less role ARN is the role, whose trust policy decides; a
// role ARN that names nothing in the loaded account is refused with the
// candidate; a role of an account that is not loaded is never allowed, and
// the page says why.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestCommandsResolveResource(t *testing.T) {
	snap, err := loader.Demo()
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.Build([]*model.Snapshot{snap}, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const acct = "arn:aws:iam::111122223333:"
	cases := []struct {
		name, command string
		want          string // on the screen
	}{
		{"who-can on a path-less role ARN answers for the role", "whocan sts:AssumeRole " + acct + "role/GitHubActionsDeploy",
			"sts:AssumeRole " + acct + "role/ci/GitHubActionsDeploy"},
		{"can on a path-less role ARN consults the role's trust policy", "can old-contractor sts:AssumeRole " + acct + "role/GitHubActionsDeploy",
			"IMPLICIT-DENY"},
		{"who-can on a role the account lacks names the candidate", "whocan sts:AssumeRole " + acct + "role/cd/GitHubActionsDeploy",
			"did you mean"},
		{"who-can on a role of an account not loaded says its trust policy is unknown", "whocan sts:AssumeRole arn:aws:iam::555566667777:role/X",
			"not in the snapshot"},
		{"can on a role of an account not loaded says its trust policy is unknown", "can old-contractor sts:AssumeRole arn:aws:iam::555566667777:role/X",
			"not in the snapshot"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newTestModel(t, g, 160, 40)
			h.keys(":" + c.command)
			h.keys("enter")
			screen := strings.Join(strings.Fields(h.screen()), " ")
			if !strings.Contains(screen, c.want) {
				t.Errorf("screen lacks %q:\n%s", c.want, h.screen())
			}
		})
	}
}
