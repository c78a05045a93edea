package answer

import (
	"strings"

	"github.com/iamx/iamx/graph"

	"github.com/iamx/iamx/model"
)

// Findings about loaded resource policies (graph.ResourceExposure decides,
// as the explorer's resource list shows it): a resource open to the public,
// a key open to other accounts, and a key policy that does not delegate to
// its account.
const (
	refPublicPolicy  = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status"
	refKeyExternal   = "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html"
	refKeyDelegation = "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam"
)

// resources checks every loaded resource with a policy.
func (c *checker) resources() {
	for _, r := range c.g.LoadedResources() {
		if !c.wants(r.ARN) || r.Policy == nil || r.Policy.Policy == nil {
			continue
		}
		x, _ := c.g.ResourceExposure(r.ARN)
		what := graph.ResourceKind(r.Type)
		policyRef := r.ARN + "#" + what + " policy"
		evidence := func() []Evidence {
			var ev []Evidence
			for _, s := range x.Statements {
				ev = append(ev, Evidence{Kind: "statement", Policy: policyRef, Statement: s, Text: "statement " + s + " of the " + what + " policy"})
			}
			return ev
		}
		if x.Public {
			c.add(Finding{ID: "resource-public", Severity: High, Resource: r.ARN,
				Title:     "The " + what + " policy lets anyone in",
				Detail:    "An Allow statement names any principal (\"*\" or NotPrincipal) with no condition fixing the caller's account, organization, source or network, and Block Public Access does not restrict it: anyone, in any account or none, gets what it allows.",
				Evidence:  evidence(),
				Reference: refPublicPolicy})
		}
		if r.Type != model.TypeKMSKey {
			continue
		}
		if len(x.Accounts) > 0 {
			c.add(Finding{ID: "kms-key-other-accounts", Severity: Medium, Resource: r.ARN,
				Title:     "The key policy lets other accounts use the key: " + strings.Join(x.Accounts, ", "),
				Detail:    "Principals of those accounts whose own IAM policies allow it may use the key; review that each account is meant to.",
				Evidence:  evidence(),
				Reference: refKeyExternal})
		}
		// AWS managed keys are AWS's to manage: their policies allow the
		// account's callers through kms:CallerAccount, not the root.
		awsManaged := r.KMS != nil && strings.EqualFold(r.KMS.KeyManager, "AWS")
		if delegates, known := c.g.KeyDelegates(r.ARN); known && !delegates && !awsManaged {
			c.add(Finding{ID: "kms-key-no-delegation", Severity: Low, Resource: r.ARN,
				Title:     "The key policy does not delegate to its account",
				Detail:    "No statement names the account (its root or ID): IAM policies grant nothing on this key, only the principals the key policy names may use or manage it, and if they are deleted the key becomes unmanageable.",
				Evidence:  []Evidence{{Kind: "statement", Policy: policyRef, Text: "no Allow statement names " + r.Account + " or arn:aws:iam::" + r.Account + ":root"}},
				Reference: refKeyDelegation})
		}
	}
}
