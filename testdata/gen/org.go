package gen

import (
	"encoding/json"
	"fmt"
	"strings"
)

// OrgOptions sizes an organization: Accounts workload accounts of Account's
// size, plus a CI account and a security account of the same size.
type OrgOptions struct {
	Accounts int
	Account  Options // the size of each account; its Seed seeds the whole organization
}

// The organization's well-known accounts and roles. Workload account k
// (0-based) is WorkloadAccount(k).
const (
	CIAccount       = "100000000001"
	SecurityAccount = "100000000002"
	VendorAccount   = "999988887777" // outside the organization: no snapshot
	CIRunnerRole    = "ci-runner"
	DeployRole      = "deploy"
	AuditRole       = "security-audit"
	VendorRole      = "vendor-integration"
)

// WorkloadAccount is the ID of workload account k.
func WorkloadAccount(k int) string { return fmt.Sprintf("2%011d", k) }

// VendorTrusted reports whether workload account k trusts the vendor: every
// third account does.
func VendorTrusted(k int) bool { return k%3 == 0 }

// OrgAccount is one account of a generated organization.
type OrgAccount struct {
	ID   string
	GAAD []byte // get-account-authorization-details output, CLI form
}

// Org generates the organization: the CI account (whose runner role may
// assume the deploy role in every workload account), the security account
// (whose audit role every account trusts), and the workload accounts, a
// third of which trust an outside vendor. Each account is an ordinary
// generated account (Options, with its own seed derived from the
// organization's) plus those roles. The same options give the same bytes.
func Org(o OrgOptions) ([]OrgAccount, error) {
	ids := OrgAccountIDs(o)
	out := make([]OrgAccount, 0, len(ids))
	for i, id := range ids {
		data, err := OrgAccountGAAD(o, i, id)
		if err != nil {
			return nil, err
		}
		out = append(out, OrgAccount{ID: id, GAAD: data})
	}
	return out, nil
}

// OrgAccountIDs lists the organization's accounts: CI, security, then the
// workload accounts.
func OrgAccountIDs(o OrgOptions) []string {
	ids := []string{CIAccount, SecurityAccount}
	for k := range o.Accounts {
		ids = append(ids, WorkloadAccount(k))
	}
	return ids
}

// OrgAccountGAAD generates account number i (0 CI, 1 security, 2+ workload)
// of the organization, so that a caller can write one account at a time.
func OrgAccountGAAD(o OrgOptions, i int, id string) ([]byte, error) {
	a := o.Account
	a.AccountID = id
	a.Seed = o.Account.Seed*1_000_003 + uint64(i)
	g, err := newGenerator(a)
	if err != nil {
		return nil, err
	}
	gaad, _ := g.build()
	roles := gaad["RoleDetailList"].(list)
	switch {
	case id == CIAccount:
		roles = append(roles, g.orgRole(CIRunnerRole, g.trustOIDC(), obj{
			"PolicyName": "assume-deploy", "PolicyDocument": obj{"Version": "2012-10-17", "Statement": list{obj{
				"Sid": "DeployEverywhere", "Effect": "Allow", "Action": "sts:AssumeRole",
				"Resource": "arn:aws:iam::*:role/" + DeployRole,
			}}},
		}))
	case id == SecurityAccount:
		roles = append(roles, g.orgRole(AuditRole, g.trustAccount(SecurityAccount, nil), obj{
			"PolicyName": "assume-audit", "PolicyDocument": obj{"Version": "2012-10-17", "Statement": list{obj{
				"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/" + AuditRole,
			}}},
		}))
	default:
		k := i - 2
		roles = append(roles, g.orgRole(DeployRole, g.trustPrincipal("arn:aws:iam::"+CIAccount+":role/"+CIRunnerRole, nil), obj{
			"PolicyName": "deploy", "PolicyDocument": obj{"Version": "2012-10-17", "Statement": list{obj{
				"Effect": "Allow", "Action": list{"cloudformation:*", "lambda:UpdateFunctionCode", "iam:PassRole"}, "Resource": "*",
			}}},
		}))
		// The security account's audit role reads every account.
		audit := g.orgRole(AuditRole, g.trustAccount(SecurityAccount, nil), nil)
		audit["AttachedManagedPolicies"] = list{obj{"PolicyName": "SecurityAudit", "PolicyArn": "arn:aws:iam::aws:policy/SecurityAudit"}}
		gaad["Policies"] = g.ensureAWS(gaad["Policies"].(list), "SecurityAudit")
		roles = append(roles, audit)
		if VendorTrusted(k) {
			roles = append(roles, g.orgRole(VendorRole, g.trustAccount(VendorAccount,
				obj{"StringEquals": obj{"sts:ExternalId": "vendor-" + strings.TrimLeft(id, "0")}}), nil))
		}
	}
	gaad["RoleDetailList"] = roles
	return json.MarshalIndent(gaad, "", "  ")
}

func (g *generator) orgRole(name string, trust obj, inline obj) obj {
	inlines := list{}
	if inline != nil {
		inlines = append(inlines, inline)
	}
	return obj{
		"Path": "/", "RoleName": name, "RoleId": g.id("AROA"), "Arn": g.arn("role/" + name),
		"CreateDate": g.date(1000), "AssumeRolePolicyDocument": trust, "InstanceProfileList": list{},
		"RolePolicyList": inlines, "AttachedManagedPolicies": list{}, "Tags": list{}, "RoleLastUsed": obj{},
	}
}

func (g *generator) trustPrincipal(arn string, cond obj) obj {
	st := obj{"Effect": "Allow", "Principal": obj{"AWS": arn}, "Action": "sts:AssumeRole"}
	if cond != nil {
		st["Condition"] = cond
	}
	return obj{"Version": "2012-10-17", "Statement": list{st}}
}

func (g *generator) trustAccount(account string, cond obj) obj {
	return g.trustPrincipal("arn:aws:iam::"+account+":root", cond)
}

// trustOIDC is the CI runner's trust: the CI system's OIDC provider.
func (g *generator) trustOIDC() obj {
	return obj{"Version": "2012-10-17", "Statement": list{obj{
		"Effect": "Allow", "Principal": obj{"Federated": g.arn("oidc-provider/token.actions.githubusercontent.com")},
		"Action": "sts:AssumeRoleWithWebIdentity",
		"Condition": obj{"StringEquals": obj{"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
			"token.actions.githubusercontent.com:sub": "repo:acme/deploy:ref:refs/heads/main"}},
	}}}
}

// ensureAWS adds the AWS managed policy name to the GAAD policy list when
// the account does not use it yet (GAAD lists the AWS managed policies in use).
func (g *generator) ensureAWS(policies list, name string) list {
	for _, p := range g.aws {
		if p.Name != name {
			continue
		}
		for _, q := range policies {
			if q.(obj)["Arn"] == p.ARN {
				return policies
			}
		}
		return append(policies, obj{
			"PolicyName": p.Name, "Arn": p.ARN, "Path": p.Path, "DefaultVersionId": p.DefaultVersionID,
			"AttachmentCount": 1, "PermissionsBoundaryUsageCount": 0, "IsAttachable": true,
			"CreateDate": p.CreateDate, "UpdateDate": p.UpdateDate,
			"PolicyVersionList": list{obj{"Document": p.Document, "VersionId": p.DefaultVersionID, "IsDefaultVersion": true, "CreateDate": p.VersionCreate}},
		})
	}
	return policies
}
