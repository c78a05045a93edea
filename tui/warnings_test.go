package tui

import (
	"strings"
	"testing"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
)

// A load warning belongs to the entity the loader was reading, found by
// ARN: a user and a role of the same name, a role whose name starts with
// another's, and an inline policy named like a user each keep their own.
// (Matching the name in Where, as the explorer once did, gave user/Deploy
// the warnings of role/Deploy and user/audit those of role/ops's inline
// policy "audit".)
//
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
func TestWarningsBelongToTheirOwnEntity(t *testing.T) {
	const bad = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"aws:username":"x"}}}]}`
	const badTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEqualz":{"aws:SourceAccount":"1"}}}]}`
	const goodTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	gaad := `{"UserDetailList":[
		{"UserName":"Deploy","Arn":"arn:aws:iam::123456789012:user/Deploy","UserPolicyList":[{"PolicyName":"p","PolicyDocument":` + bad + `}]},
		{"UserName":"audit","Arn":"arn:aws:iam::123456789012:user/audit"}],
	"RoleDetailList":[
		{"RoleName":"Deploy","Arn":"arn:aws:iam::123456789012:role/Deploy","AssumeRolePolicyDocument":` + goodTrust + `},
		{"RoleName":"DeployProd","Arn":"arn:aws:iam::123456789012:role/DeployProd","AssumeRolePolicyDocument":` + badTrust + `},
		{"RoleName":"ops","Arn":"arn:aws:iam::123456789012:role/ops","AssumeRolePolicyDocument":` + goodTrust + `,
		 "RolePolicyList":[{"PolicyName":"audit","PolicyDocument":` + bad + `}]}]}`
	s, err := loader.ParseGAAD([]byte(gaad), "names.json")
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.Build([]*model.Snapshot{s}, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := &Common{Graph: g, Styles: NewStyles(true), Keys: DefaultKeyMap()}
	tests := []struct {
		name      string
		principal string
		want      []string // the Where of each load warning its Overview shows
	}{
		{"a user keeps its own inline policy's warning", "user/Deploy", []string{"users[0] (Deploy).UserPolicyList[0] (p)"}},
		{"a role named like a user gets none of the user's", "role/Deploy", nil},
		{"a role whose name extends another's keeps its own", "role/DeployProd", []string{"roles[1] (DeployProd).AssumeRolePolicyDocument"}},
		{"a user named like another role's inline policy gets none of it", "user/audit", nil},
		{"the role holding the inline policy keeps it", "role/ops", []string{"roles[2] (ops).RolePolicyList[0] (audit)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPrincipalPage(c, detailNode(t, c, tc.principal)).(*principalPage)
			var load []string
			for _, l := range p.warnings() {
				if strings.HasPrefix(l, "load: ") {
					load = append(load, l)
				}
			}
			if len(load) != len(tc.want) {
				t.Fatalf("load warnings %q, want %d", load, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(load[i], "load: "+w) {
					t.Errorf("warning %d = %q, want one at %s", i, load[i], w)
				}
			}
		})
	}
	// The Warnings page opens each row's own entity.
	page := NewWarningsPage(c).(*warningsPage)
	for _, r := range page.table.rows {
		if r.node == nil || r.node.ARN != r.w.Entity {
			t.Errorf("row %s opens %v, want %s", r.w.Where, r.node.Label(), r.w.Entity)
		}
	}
}
