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
// RCPs cover. Service-linked roles, AWS managed keys and kms:RetireGrant
// are exempt ("Resources and entities not restricted by RCPs").
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#actions-not-restricted-by-rcps
func (g *Graph) rcpsFor(n *Node, req *policy.Request, e *resourceEntry) []policy.Source {
	if len(g.res.rcps) == 0 || n.IsServiceLinked() || !model.RCPApplies(serviceOf(req.Action)) {
		return nil
	}
	if strings.EqualFold(req.Action, "kms:RetireGrant") {
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

// OrgLevel is one level of the organization above an account, root first:
// the root, an OU or the account itself, with the SCPs and RCPs attached
// there (by name).
type OrgLevel struct {
	ID, Name string
	Kind     string // "root", "ou" or "account"
	SCPs     []string
	RCPs     []string
}

// OrgPlacement is where an account sits in the loaded organization.
type OrgPlacement struct {
	Loaded     bool // an organization is loaded at all
	Member     bool // the account is one of its accounts, the management account included
	Management bool // the management account: no SCP or RCP binds it
	Levels     []OrgLevel
	// Gaps are levels left out of evaluation (no readable policy of a type
	// recorded there, or the account's place unknown), as answers say.
	Gaps []string
}

// OrgPlacement returns the levels root → OU → account of account in the
// loaded organization, the same levels evaluation applies.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
func (g *Graph) OrgPlacement(account string) OrgPlacement {
	o := g.res.org
	if o == nil {
		return OrgPlacement{}
	}
	pl := OrgPlacement{Loaded: true, Management: account != "" && account == o.ManagementAccountID,
		Gaps: append([]string(nil), g.res.orgGaps[account]...)}
	path := o.Path(account)
	for i := range o.Accounts {
		if o.Accounts[i].ID == account {
			pl.Member = true
		}
	}
	names := map[string]string{}
	for _, u := range o.Roots {
		names[u.ID] = u.Name
	}
	for _, u := range o.OUs {
		names[u.ID] = u.Name
	}
	for _, a := range o.Accounts {
		names[a.ID] = a.Name
	}
	for i, id := range path {
		l := OrgLevel{ID: id, Name: names[id], Kind: "ou"}
		switch {
		case i == 0:
			l.Kind = "root"
		case i == len(path)-1:
			l.Kind = "account"
		}
		for _, p := range o.Attached(id, model.SCPType) {
			l.SCPs = append(l.SCPs, orgPolicyName(p))
		}
		for _, p := range o.Attached(id, model.RCPType) {
			l.RCPs = append(l.RCPs, orgPolicyName(p))
		}
		pl.Levels = append(pl.Levels, l)
	}
	return pl
}

func orgPolicyName(p *model.OrgPolicy) string {
	name := p.Name
	if name == "" {
		name = p.ID
	}
	if p.Document.Policy == nil {
		name += " (unreadable)"
	}
	return name
}

// RCPsBind says whether the organization's RCPs bind requests on the
// loaded resource, and why not when they do not: the management account,
// an account outside the organization, a service RCPs do not cover, an AWS
// managed key.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#actions-not-restricted-by-rcps
func (g *Graph) RCPsBind(r *model.Resource) (bool, string) {
	pl := g.OrgPlacement(r.Account)
	svc := serviceOfResource(r.ARN)
	switch {
	case !pl.Loaded:
		return false, "no organization is loaded (--org, or a live capture that may read it): RCPs are unknown"
	case !g.res.org.HasPolicyType(model.RCPType):
		return false, "the organization records no RCP (the policy type is not enabled, or was not read)"
	case !pl.Member:
		return false, "account " + r.Account + " is not in the organization"
	case pl.Management:
		return false, "RCPs do not bind resources of the management account"
	case !model.RCPApplies(svc):
		return false, "RCPs do not cover " + svc + " (not on the RCP page's list of services)"
	case r.KMS != nil && strings.EqualFold(r.KMS.KeyManager, "AWS"):
		return false, "RCPs do not apply to AWS managed keys"
	}
	return true, ""
}

// serviceOfResource is the service segment of an ARN.
func serviceOfResource(a string) string {
	segs := strings.SplitN(a, ":", 4)
	if len(segs) < 3 {
		return ""
	}
	return strings.ToLower(segs[2])
}
