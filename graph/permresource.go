package graph

import (
	"slices"
	"sort"
	"strings"

	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/policy"
)

// What resource-based policies add to effective permissions.
//
// Identity policies are one side of a request; a resource's own policy can
// grant on its own. In the same account a policy that names the principal
// ARN needs no identity allow, and for sts:AssumeRole* a role's trust policy
// must allow whatever the identity side says (role trust policies and KMS
// key policies are the exceptions to the same-account union). So perms asks
// the evaluator, as `can` does, about each resource whose policy may name the
// principal, and merges the answers into the identity side's rows.
//
// Today the resources with policies are the loaded roles (their trust
// policies). Other resource-based policies plug in through resourcePolicies:
// list each resource with the actions its policy governs, and have
// Graph.Input attach that policy to requests for it; perms, who-can and can
// then agree by construction.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html

// resourcePolicy is one resource whose own policy may grant access.
type resourcePolicy struct {
	arn     string
	label   string // for people: "trust policy of role/Deploy"
	src     *policy.Source
	actions []string // the actions the policy decides (Input attaches it for these)
}

// grantIndex finds the resource policies that may name a principal:
// those whose Allow statements name its account (account ID, root ARN, or
// one of its users' or roles' ARNs), and the open ones ("*", NotPrincipal).
type grantIndex struct {
	list      []resourcePolicy
	open      []int
	byAccount map[string][]int
}

// requiresResourcePolicy reports whether AWS requires the resource's own
// policy to allow action, so that identity policies alone grant it on no
// resource: sts:AssumeRole* and the role's trust policy.
func requiresResourcePolicy(action string) bool { return isAssumeAction(action) }

// resourcePolicies lists the resources of the graph with a policy of their
// own, built once.
func (g *Graph) resourcePolicies() *grantIndex {
	g.perm.resOnce.Do(func() {
		idx := &grantIndex{byAccount: map[string][]int{}}
		assume := []string{actionAssumeRole, actionAssumeWebID, actionAssumeSAML}
		for _, r := range g.roles {
			if src := trustSource(r); src != nil {
				idx.add(resourcePolicy{arn: r.ARN, label: "trust policy of " + r.Label(), src: src, actions: assume})
			}
		}
		g.perm.res = idx
	})
	return g.perm.res
}

func (idx *grantIndex) add(rp resourcePolicy) {
	i := len(idx.list)
	idx.list = append(idx.list, rp)
	var accounts []string
	for j := range rp.src.Policy.Statements {
		st := &rp.src.Policy.Statements[j]
		if st.Effect != policy.Allow {
			continue
		}
		if st.NotPrincipal != nil || (st.Principal != nil && st.Principal.Wildcard) {
			idx.open = append(idx.open, i)
			return
		}
		if st.Principal == nil {
			continue
		}
		for _, id := range st.Principal.AWS {
			id = strings.TrimSpace(id)
			if id == "*" {
				idx.open = append(idx.open, i)
				return
			}
			acct := id
			if !arn.IsAccountID(id) {
				acct = arn.AccountOf(id)
			}
			if acct != "" && !slices.Contains(accounts, acct) {
				accounts = append(accounts, acct)
			}
		}
	}
	for _, a := range accounts {
		idx.byAccount[a] = append(idx.byAccount[a], i)
	}
}

// naming returns the resource policies that may name n, in list order.
func (idx *grantIndex) naming(n *Node) []*resourcePolicy {
	ids := append(append([]int(nil), idx.open...), idx.byAccount[n.Account]...)
	sort.Ints(ids)
	out := make([]*resourcePolicy, 0, len(ids))
	for k, i := range ids {
		if k == 0 || ids[k-1] != i {
			out = append(out, &idx.list[i])
		}
	}
	return out
}

// resourceGrant is the evaluator's answer for one action on one resource
// with a policy.
type resourceGrant struct {
	rp  *resourcePolicy
	res policy.Result
}

// resourceGrants evaluates, as `can` does, every action (within filter) that
// a resource policy naming n may grant, on that resource. Refused requests
// are left out.
func (ps *permSet) resourceGrants(cat *actions.Catalogue, filter actions.Bitset) map[int][]resourceGrant {
	type job struct {
		rp  *resourcePolicy
		act *actions.Action
	}
	var jobs []job
	for _, rp := range ps.g.resourcePolicies().naming(ps.n) {
		for _, name := range rp.actions {
			act, ok := cat.Lookup(name)
			// The resource is of the type its policy governs (a trust
			// policy, a role): no ActionTakes test is needed.
			if !ok || (filter != nil && !filter.Has(act.ID)) || !mayAllow(rp.src.Policy, name, "") {
				continue
			}
			jobs = append(jobs, job{rp, act})
		}
	}
	results := make([]policy.Result, len(jobs))
	parallelFor(len(jobs), func(i int) {
		j := jobs[i]
		req := ps.g.requestShared(ps.n, j.act.String(), j.rp.arn, nil)
		in := ps.g.Input(ps.n, &req)
		results[i] = policy.Evaluate(&req, &in)
	})
	out := map[int][]resourceGrant{}
	for i, j := range jobs {
		if r := results[i]; r.Decision == policy.Allowed || r.Conditional {
			out[j.act.ID] = append(out[j.act.ID], resourceGrant{rp: j.rp, res: r})
		}
	}
	return out
}

// mergeResourceGrants folds the resource-side answers into out.Actions. An
// action whose resource policy AWS requires (sts:AssumeRole*) is allowed
// only on the resources whose policy allows it; the identity side's
// patterns stay as UnknownResources where they can name resources outside
// the loaded accounts, whose policies the snapshot lacks. Any other action
// gains the resources whose policy allows it beyond the identity patterns.
func (ps *permSet) mergeResourceGrants(cat *actions.Catalogue, filter actions.Bitset, out *Permissions) {
	grants := ps.resourceGrants(cat, filter)
	// The actions to merge: those with grants, and those whose resource
	// policy is required (their identity rows change even without grants).
	want := map[int]bool{}
	for id := range grants {
		want[id] = true
	}
	for _, name := range []string{actionAssumeRole, actionAssumeWebID, actionAssumeSAML} {
		if act, ok := cat.Lookup(name); ok && requiresResourcePolicy(name) {
			want[act.ID] = true
		}
	}
	rows := map[int]int{}
	for i := range out.Actions {
		if id := out.Actions[i].ID; want[id] {
			rows[id] = i
		}
	}
	ids := make([]int, 0, len(want))
	for id := range want {
		_, had := rows[id]
		if had || len(grants[id]) > 0 {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	drop := map[int]bool{}
	appended := false
	for _, id := range ids {
		act := cat.Action(id)
		row := ActionPerm{ID: id, Action: act.String(), Service: act.Service, Level: act.Level}
		i, had := rows[id]
		if had {
			row = out.Actions[i]
		}
		merged, unknown := ps.mergeRow(row, requiresResourcePolicy(act.String()), grants[id])
		switch {
		case had && merged == nil:
			drop[i] = true
		case had:
			out.Actions[i] = *merged
		case merged != nil:
			out.Actions = append(out.Actions, *merged)
			appended = true
		}
		if len(unknown) > 0 {
			out.Unknown = append(out.Unknown, UnknownAction{ID: id, Action: act.String(), Level: act.Level, Resources: unknown, Sources: row.Sources})
		}
		if merged != nil && len(merged.Resources) > 0 {
			out.Removed = slices.DeleteFunc(out.Removed, func(r RemovedAction) bool { return r.ID == id })
		}
	}
	if len(drop) > 0 {
		kept := out.Actions[:0]
		for i, a := range out.Actions {
			if !drop[i] {
				kept = append(kept, a)
			}
		}
		out.Actions = kept
	}
	if appended {
		sort.Slice(out.Actions, func(i, j int) bool { return out.Actions[i].Action < out.Actions[j].Action })
	}
	sort.Slice(out.Unknown, func(i, j int) bool { return out.Unknown[i].Action < out.Unknown[j].Action })
}

// mergeRow returns row with the resource grants added, in new slices (a
// row's slices are shared with its class), or nil when nothing is allowed;
// and, when the resource policy is required, the identity side's patterns
// that can name resources outside the loaded accounts.
func (ps *permSet) mergeRow(row ActionPerm, required bool, grants []resourceGrant) (_ *ActionPerm, unknown []string) {
	var res, cond, keys []string
	var sources []StatementRef
	if row.Conditional {
		cond = slices.Clone(row.Resources)
	} else {
		res, cond = slices.Clone(row.Resources), slices.Clone(row.ConditionalResources)
	}
	if required {
		for _, p := range append(res, cond...) {
			if ps.g.mayNameOutside(p) {
				unknown = appendUnique(unknown, p)
			}
		}
		res, cond, row.NotResources = nil, nil, nil
	} else {
		keys = slices.Clone(row.ConditionKeys)
		sources = slices.Clone(row.Sources)
	}
	// Each resource has one grant per action: only the identity side's
	// patterns can already cover it.
	baseRes, baseCond := res, cond
	for _, gr := range grants {
		r := gr.rp.arn
		if !gr.res.Conditional {
			if !coveredBy(r, baseRes) {
				res = append(res, r)
			}
		} else {
			if coveredBy(r, baseRes) || coveredBy(r, baseCond) {
				continue
			}
			cond = append(cond, r)
			for _, k := range gr.res.MissingContext {
				if !slices.ContainsFunc(keys, func(x string) bool { return strings.EqualFold(x, k) }) {
					keys = append(keys, k)
				}
			}
		}
		for _, rs := range gr.res.Reasons {
			sources = appendRef(sources, ps.reasonRef(rs, gr.rp))
		}
	}
	if len(res) == 0 && len(cond) == 0 {
		return nil, unknown
	}
	row.Conditional = len(res) == 0
	if row.Conditional {
		res, cond = cond, nil
	}
	sort.Strings(keys)
	row.Resources, row.ConditionalResources, row.ConditionKeys, row.Sources = res, cond, keys, sources
	return &row, unknown
}

// reasonRef names an evaluator reason: an identity statement as refFor
// does, a resource policy's statement by the resource.
func (ps *permSet) reasonRef(r policy.Reason, rp *resourcePolicy) StatementRef {
	if r.PolicyType != policy.ResourcePolicy {
		return ps.refFor(r)
	}
	return StatementRef{Policy: r.Policy, PolicyName: rp.label, PolicyType: r.PolicyType,
		Sid: r.Sid, Index: r.Index, Effect: r.Effect, Via: r.Via}
}

// mayNameOutside reports whether a resource pattern can name a resource
// outside the loaded accounts: its account segment is not one loaded
// account written out.
func (g *Graph) mayNameOutside(pattern string) bool {
	segs := strings.SplitN(pattern, ":", 6)
	if len(segs) < 6 {
		return true
	}
	acct := segs[4]
	if strings.ContainsAny(acct, "*?") {
		return true
	}
	return g.accounts[acct] == nil
}
