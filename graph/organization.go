package graph

import (
	"fmt"
	"strings"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// The organization's SCP and RCP levels per account: every level root → OU
// → account must allow, the policies attached at one level merged.

// rcpsFor returns the RCP levels that bind a request: those of the
// resource's account when it is a member account and the service is one
// RCPs cover. Service-linked roles and AWS managed keys are exempt.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
func (g *Graph) rcpsFor(n *Node, req *policy.Request, e *resourceEntry) []policy.Source {
	if len(g.res.rcps) == 0 || n.IsServiceLinked() || !model.RCPApplies(serviceOf(req.Action)) {
		return nil
	}
	if e != nil && e.r.KMS != nil && e.r.KMS.KeyManager == "AWS" {
		return nil
	}
	acct := req.ResourceAccount
	if acct == "" {
		acct = n.Account
	}
	return g.res.rcps[acct]
}

// scpsFor returns the SCP levels that bind the principals of account:
// Options.SCPs, then the organization's levels for a member account.
func (g *Graph) scpsFor(account string) []policy.Source {
	if l, ok := g.res.scps[account]; ok {
		return l
	}
	return g.opts.SCPs
}

// indexOrganization merges, for every member account, the SCPs and RCPs
// attached at each level of its path.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
func (g *Graph) indexOrganization() {
	o := g.res.org
	if o == nil {
		return
	}
	g.res.scps, g.res.rcps, g.res.orgGaps = map[string][]policy.Source{}, map[string][]policy.Source{}, map[string][]string{}
	hasSCP, hasRCP := o.HasPolicyType(model.SCPType), o.HasPolicyType(model.RCPType)
	// One source per level, shared by every account below it: accounts
	// whose levels are the same hold the same sources (delegation shares
	// decisions between them).
	levels := map[[2]string]policy.Source{}
	for _, a := range o.Accounts {
		if a.ID == o.ManagementAccountID {
			continue // SCPs and RCPs do not affect the management account
		}
		path := o.Path(a.ID)
		if path == nil {
			g.res.orgGaps[a.ID] = append(g.res.orgGaps[a.ID], "its place in the organization is not recorded, so no SCP or RCP was applied")
			continue
		}
		if hasSCP {
			g.res.scps[a.ID] = append(append([]policy.Source(nil), g.opts.SCPs...), g.orgLevels(o, path, model.SCPType, policy.SCPPolicy, a.ID, levels)...)
		}
		if hasRCP {
			g.res.rcps[a.ID] = g.orgLevels(o, path, model.RCPType, policy.RCPPolicy, a.ID, levels)
		}
	}
}

func (g *Graph) orgLevels(o *model.Organization, path []string, typ string, pt policy.PolicyType, account string, levels map[[2]string]policy.Source) []policy.Source {
	var out []policy.Source
	for _, target := range path {
		if src, ok := levels[[2]string{typ, target}]; ok {
			out = append(out, src)
			continue
		}
		attached := o.Attached(target, typ)
		var parsed []*model.OrgPolicy
		for _, p := range attached {
			if p.Document.Policy != nil {
				parsed = append(parsed, p)
			}
		}
		if len(parsed) == 0 {
			word := "SCP"
			if pt == policy.RCPPolicy {
				word = "RCP"
			}
			g.res.orgGaps[account] = append(g.res.orgGaps[account], fmt.Sprintf("no readable %s is recorded at %s: that level was not applied", word, target))
			continue
		}
		src := mergeLevel(parsed, pt, target)
		levels[[2]string{typ, target}] = src
		out = append(out, src)
	}
	return out
}

// mergeLevel makes one source of the policies attached at one level: a
// level allows when any of them does, and any Deny among them denies. The
// statements keep their compiled form and their index in their own
// document.
func mergeLevel(ps []*model.OrgPolicy, pt policy.PolicyType, target string) policy.Source {
	if len(ps) == 1 {
		return policy.Source{Type: pt, ARN: ps[0].ARN, Name: ps[0].Name, Owner: target, Policy: ps[0].Document.Policy}
	}
	merged := &policy.Policy{Version: "2012-10-17"}
	names := make([]string, 0, len(ps))
	for _, p := range ps {
		merged.Statements = append(merged.Statements, p.Document.Policy.Statements...)
		names = append(names, p.Name)
	}
	return policy.Source{Type: pt, Name: strings.Join(names, " + "), Owner: target, Policy: merged}
}
