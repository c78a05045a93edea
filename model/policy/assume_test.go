package policy

import (
	"strings"
	"testing"
)

// A role's trust policy is the resource policy of the sts:AssumeRole*
// actions; a trust statement lets someone assume the role only when its
// Action (or NotAction) covers one of them.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
func TestMayAssumeRole(t *testing.T) {
	tests := []struct {
		name   string
		action string // the statement's action element, as JSON
		want   bool
	}{
		{"sts:AssumeRole itself", `"Action":"sts:AssumeRole"`, true},
		{"actions are case-insensitive", `"Action":"STS:assumerolewithwebidentity"`, true},
		{"a wildcard covering the assume actions", `"Action":"sts:Assume*"`, true},
		{"a ? wildcard", `"Action":"sts:AssumeRoleWith????"`, true},
		{"every action", `"Action":"*"`, true},
		{"a service wildcard", `"Action":"sts:*"`, true},
		{"another STS action only", `"Action":"sts:TagSession"`, false},
		{"a wildcard that stops short", `"Action":"sts:AssumeRoot*"`, false},
		{"NotAction of something else covers assume", `"NotAction":"iam:*"`, true},
		{"NotAction of every assume action covers none", `"NotAction":"sts:AssumeRole*"`, false},
		{"NotAction of one assume action leaves the others", `"NotAction":"sts:AssumeRole"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",`+tt.action+`}]}`)
			st := &p.Statements[0]
			if got := st.MayAssumeRole(); got != tt.want {
				t.Errorf("MayAssumeRole = %v, want %v", got, tt.want)
			}
			// The compiled answer against the slow one: the statement
			// matching each assume action, uncompiled.
			slow := false
			hand := &Statement{Action: st.Action, NotAction: st.NotAction}
			for _, a := range assumeRoleActions {
				slow = slow || hand.MatchesAction(a)
			}
			if slow != tt.want {
				t.Errorf("MatchesAction over the assume actions = %v, want %v", slow, tt.want)
			}
		})
	}
}

func TestIsAssumeRoleAction(t *testing.T) {
	// https://docs.aws.amazon.com/STS/latest/APIReference/API_Operations.html
	for _, a := range []string{"sts:AssumeRole", "STS:ASSUMEROLE", "sts:AssumeRoleWithSAML", "sts:assumerolewithwebidentity"} {
		if !IsAssumeRoleAction(a) {
			t.Errorf("IsAssumeRoleAction(%q) = false", a)
		}
	}
	for _, a := range []string{"sts:AssumeRoot", "sts:GetFederationToken", "sts:AssumeRole*", "iam:PassRole", strings.Repeat("x", 20)} {
		if IsAssumeRoleAction(a) {
			t.Errorf("IsAssumeRoleAction(%q) = true", a)
		}
	}
}
