package graph

import (
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/testdata/gen"
)

// fxAccount builds a small snapshot in Go for targeted tests.
type fxAccount struct {
	t *testing.T
	s *model.Snapshot
}

func fxNew(t *testing.T, account string) *fxAccount {
	t.Helper()
	return &fxAccount{t: t, s: &model.Snapshot{AccountID: account, Partition: "aws", Source: "fixture " + account}}
}

func fxDoc(t *testing.T, text string) model.Document {
	t.Helper()
	p, err := policy.Parse([]byte(text))
	if err != nil {
		t.Fatalf("fixture policy %s: %v", text, err)
	}
	return model.Document{JSON: []byte(text), Policy: p}
}

func (f *fxAccount) inline(docs []string) []model.InlinePolicy {
	var out []model.InlinePolicy
	for i, d := range docs {
		out = append(out, model.InlinePolicy{Name: "inline" + string(rune('0'+i)), Document: fxDoc(f.t, d)})
	}
	return out
}

// user adds a user with inline policies and group memberships.
func (f *fxAccount) user(name string, groups []string, docs ...string) *model.User {
	u := &model.User{Name: name, Path: "/", ID: "AIDA" + name, ARN: "arn:aws:iam::" + f.s.AccountID + ":user/" + name,
		Groups: groups, InlinePolicies: f.inline(docs)}
	f.s.Users = append(f.s.Users, u)
	return u
}

func (f *fxAccount) group(name string, docs ...string) *model.Group {
	g := &model.Group{Name: name, Path: "/", ID: "AGPA" + name, ARN: "arn:aws:iam::" + f.s.AccountID + ":group/" + name,
		InlinePolicies: f.inline(docs)}
	f.s.Groups = append(f.s.Groups, g)
	return g
}

// role adds a role with a trust policy and inline policies.
func (f *fxAccount) role(name, trust string, docs ...string) *model.Role {
	r := &model.Role{Name: name, Path: "/", ID: "AROA" + name, ARN: f.roleARN(name),
		TrustPolicy: fxDoc(f.t, trust), InlinePolicies: f.inline(docs)}
	f.s.Roles = append(f.s.Roles, r)
	return r
}

// managed adds a customer managed policy and returns its ARN.
func (f *fxAccount) managed(name, doc string) string {
	a := "arn:aws:iam::" + f.s.AccountID + ":policy/" + name
	f.s.Policies = append(f.s.Policies, &model.ManagedPolicy{Name: name, ARN: a, DefaultVersionID: "v1",
		Versions: []model.PolicyVersion{{VersionID: "v1", IsDefaultVersion: true, Document: fxDoc(f.t, doc)}}})
	return a
}

func (f *fxAccount) roleARN(name string) string {
	return "arn:aws:iam::" + f.s.AccountID + ":role/" + name
}
func (f *fxAccount) userARN(name string) string {
	return "arn:aws:iam::" + f.s.AccountID + ":user/" + name
}

func fxBuild(t *testing.T, accts ...*fxAccount) *Graph {
	t.Helper()
	var snaps []*model.Snapshot
	for _, a := range accts {
		snaps = append(snaps, a.s)
	}
	g, err := Build(snaps, Options{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return g
}

// Policy texts used across tests.
const (
	fxAllowAssumeAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`
	fxAdmin          = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	fxS3Read         = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`
)

// fxTrust returns a trust policy allowing sts:AssumeRole to one AWS principal.
func fxTrust(aws string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + aws + `"},"Action":"sts:AssumeRole"}]}`
}

// fxEdge finds the edge from → to, or nil.
func fxEdge(g *Graph, from, to string) *Edge {
	t := g.Node(to)
	if t == nil {
		return nil
	}
	in := g.AssumableBy(t)
	for i := range in {
		if in[i].From.ARN == from {
			return &in[i]
		}
	}
	return nil
}

func fxNode(t *testing.T, g *Graph, s string) *Node {
	t.Helper()
	n, err := g.Resolve(s)
	if err != nil {
		t.Fatalf("Resolve(%q): %v", s, err)
	}
	return n
}

// genGraph builds the graph of a generated account (testdata/gen).
func genGraph(t testing.TB, o gen.Options) *Graph {
	t.Helper()
	snap, err := gen.Account(o)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Build([]*model.Snapshot{snap}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}
