package graph

import (
	"slices"
	"testing"
)

// perms --reach: a leaked key's blast radius is its own permissions and
// those of every principal it can become. A key for a user who may mint
// another user's key reaches what that user can assume.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
func TestBlastRadiusThroughEscalationAndTrust(t *testing.T) {
	f := fxNew(t, "111122223333")
	f.user("caller", nil, stmtDoc(`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*"}`))
	f.user("bridge", nil, stmtDoc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`))
	f.role("Reader", fxTrust(f.userARN("bridge")), stmtDoc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}`))
	g := fxBuild(t, f)
	caller := fxNode(t, g, "caller")
	cases := []struct {
		name       string
		assumeOnly bool
		holder     string   // who holds s3:GetObject in the radius; "" when it is not in it
		kinds      []string // the way's hops
	}{
		{"a role reached through CreateAccessKey → user → AssumeRole is in the radius", false, f.roleARN("Reader"),
			[]string{"iam:CreateAccessKey", "sts:AssumeRole"}},
		{"through trust alone it is not", true, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			br := g.BlastRadius(caller, PermFilter{}, c.assumeOnly)
			own := slices.ContainsFunc(br.Actions, func(a ReachedAction) bool { return a.Action == "iam:CreateAccessKey" && a.Way == nil })
			if !own {
				t.Error("the caller's own iam:CreateAccessKey is not in its radius")
			}
			i := slices.IndexFunc(br.Actions, func(a ReachedAction) bool { return a.Action == "s3:GetObject" })
			if (i >= 0) != (c.holder != "") {
				t.Fatalf("s3:GetObject in the radius %v, want %v", i >= 0, c.holder != "")
			}
			if i < 0 {
				return
			}
			a := br.Actions[i]
			if a.Holder.ARN != c.holder || a.Way == nil || !slices.Equal(hopKinds(a.Way.Hops), c.kinds) {
				t.Errorf("held by %s via %v", a.Holder.ARN, a.Way)
			}
			if !slices.Equal(a.Resources, []string{"arn:aws:s3:::data/*"}) || a.Conditional {
				t.Errorf("resources %v conditional %v: the holder's row, unconditional", a.Resources, a.Conditional)
			}
		})
	}
}

// No two answers disagree about admin: the forward search behind chains
// and perms (Becomes) finds a way to admin-equivalence exactly for the
// principals the escalation analysis (privesc) finds admin-reachable.
func TestBecomesAgreesWithPrivesc(t *testing.T) {
	g := demoGraph(t)
	pv := g.Escalation()
	checked := 0
	for _, n := range g.actors {
		if pv.Admin(n) {
			continue
		}
		r := g.Becomes(n, false)
		got := r.Grant != nil || slices.ContainsFunc(r.Ways, func(w Way) bool { return w.Admin })
		if want := pv.Hops(n) > 0; got != want {
			t.Errorf("%s: Becomes reaches admin %v, privesc %v", n.Label(), got, want)
		}
		if got {
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no principal of the demo reaches admin: the test checks nothing")
	}
}
