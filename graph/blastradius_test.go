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

// An admin-equivalent principal can become any principal (it can mint
// their keys or rewrite their trust), so once the forward search reaches one
// unconditionally it goes no deeper and says at which depth; through trust
// alone, or when the way to the admin is conditional, it goes on.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
func TestBecomesStopsAtTheFirstAdmin(t *testing.T) {
	f := fxNew(t, "111122223333")
	f.user("caller", nil, stmtDoc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`))
	f.user("office", nil, stmtDoc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`))
	f.role("Admin", fxTrust("arn:aws:iam::111122223333:root"), stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*"}`))
	f.role("Hop", fxTrust("arn:aws:iam::111122223333:root"), stmtDoc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`))
	f.role("Far", fxTrust(f.roleARN("Hop")), stmtDoc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`))
	g := fxBuild(t, f)
	cases := []struct {
		name       string
		from       string
		assumeOnly bool
		depth      int
		far        bool // role/Far (two hops, not through the admin) among the ways
	}{
		{"an unconditional way to admin at one hop ends the search there", "caller", false, 1, false},
		{"through trust alone the search goes on", "caller", true, 0, true},
		{"a conditional way to admin does not end it", "office", false, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := g.Becomes(fxNode(t, g, c.from), c.assumeOnly)
			if r.AdminDepth != c.depth {
				t.Errorf("AdminDepth %d, want %d", r.AdminDepth, c.depth)
			}
			far := slices.ContainsFunc(r.Ways, func(w Way) bool { return w.To.ARN == f.roleARN("Far") })
			if far != c.far {
				t.Errorf("role/Far among the ways %v, want %v", far, c.far)
			}
			if !slices.ContainsFunc(r.Ways, func(w Way) bool { return w.To.ARN == f.roleARN("Admin") && w.Admin }) {
				t.Error("the admin role is not among the ways")
			}
		})
	}
}
