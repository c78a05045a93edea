package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/principal"
)

// What an answer rests on that the snapshot lacks, in words for the
// answer's assumptions and coverage, and what a principal a resource policy
// names stands for.

// Assumptions says what an answer about action on resource by n (nil for
// who-can) rests on that the snapshot lacks: an unknown or missing
// resource policy, the default key policy assumed, organization levels
// left out, attributes iamx does not evaluate.
func (g *Graph) Assumptions(n *Node, action, resource string) []string {
	var out []string
	svc := serviceOf(action)
	if strings.HasPrefix(resource, "arn:") && hasResourcePolicies(svc) {
		e := g.resourceFor(resource)
		kms := svc == "kms" && isKMSKey(resource)
		switch {
		case e == nil && kms:
			out = append(out, "the key policy of "+resource+" is not in the snapshot: AWS's default key policy (delegating to the account's IAM policies) is assumed")
		case e == nil:
			out = append(out, "the resource policy of "+policyHolder(resource)+" is not in the snapshot: only identity policies were evaluated; a resource policy could grant more (to other accounts too) or deny")
		case e.unknown != "" && kms:
			out = append(out, "the key policy of "+e.r.ARN+" "+e.unknown+": AWS's default key policy is assumed")
		case e.unknown != "":
			out = append(out, "the policy of "+e.r.ARN+" "+e.unknown+": only identity policies were evaluated")
		case e.r.ARN != resource && e.r.Type == model.TypeLambdaFunction:
			// A version or alias the snapshot does not hold (captured
			// before versions were read, an import without it, or
			// published since): its own policy may grant more. A
			// captured one is its own entry, merged with its function's
			// policy (mergeQualifiedLambda).
			out = append(out, "the policy of "+resource+" (a version or alias) is not in the snapshot: only its function's policy was evaluated")
		}
		if e != nil {
			out = append(out, e.attributeAssumptions()...)
		}
		if e == nil && svc == "s3" {
			out = append(out, "the bucket's account is not known (S3 ARNs carry none): requests were taken as same-account")
		}
	}
	if o := g.res.org; o != nil {
		accts := map[string]bool{}
		if n != nil {
			accts[n.Account] = true
		}
		if a := g.resourceAccount(resource); a != "" {
			accts[a] = true
		}
		list := make([]string, 0, len(accts))
		for a := range accts {
			list = append(list, a)
		}
		sort.Strings(list)
		for _, a := range list {
			if a == "" || a == o.ManagementAccountID {
				continue
			}
			if !inOrg(o, a) {
				if g.accounts[a] != nil {
					out = append(out, "account "+a+" is not in the loaded organization: no SCP or RCP was applied to it")
				}
				continue
			}
			for _, gap := range g.res.orgGaps[a] {
				out = append(out, "account "+a+": "+gap)
			}
		}
	}
	return out
}

func inOrg(o *model.Organization, account string) bool {
	for _, a := range o.Accounts {
		if a.ID == account {
			return true
		}
	}
	return false
}

func (e *resourceEntry) attributeAssumptions() []string {
	var out []string
	r := e.r
	switch r.Type {
	case model.TypeS3Bucket:
		switch {
		case r.S3 == nil || r.S3.BlockPublicAccess == nil && r.S3.AccountBlockPublicAccess == nil:
			if e.src != nil && e.src.Policy.IsPublic() {
				out = append(out, "Block Public Access settings of "+r.ARN+" are not in the snapshot: its public policy was taken at its word")
			}
		}
		if r.S3 != nil && r.S3.ObjectOwnership != "BucketOwnerEnforced" && len(r.S3.ACL) > 0 {
			out = append(out, "the bucket ACL of "+r.ARN+" is not evaluated")
		}
	case model.TypeKMSKey:
		if r.KMS != nil && len(r.KMS.Grants) > 0 {
			out = append(out, fmt.Sprintf("%s has %d grant(s), which are not evaluated: grantees may use the key beyond what the key policy says", r.ARN, len(r.KMS.Grants)))
		}
	}
	return out
}

// hasResourcePolicies reports whether a service's resources can carry a
// resource-based policy that iamx reads.
func hasResourcePolicies(svc string) bool {
	switch svc {
	case "s3", "kms", "sqs", "sns", "lambda", "secretsmanager", "ecr":
		return true
	}
	return false
}

// Coverage returns what the captures recorded as incomplete for the
// service of action in the account and region of resource.
func (g *Graph) Coverage(action, resource string) []model.Coverage {
	svc := serviceOf(action)
	acct := g.resourceAccount(resource)
	region := ""
	if a, err := arn.Parse(resource); err == nil {
		region = a.Region
	}
	var out []model.Coverage
	for _, s := range g.snaps {
		for _, c := range s.Coverage {
			if c.State == model.CoverageComplete || !strings.EqualFold(c.Service, svc) {
				continue
			}
			if (acct == "" || c.Account == "" || c.Account == acct) && (region == "" || c.Region == "" || c.Region == region) {
				out = append(out, c)
			}
		}
	}
	return out
}

// AccessNote says, for a principal who-can lists because a resource policy
// names it, what that means: an account stands for its principals, "*" is
// the public, a service is scoped by its conditions.
func (g *Graph) AccessNote(a *Access) string {
	n := a.Principal
	if n == nil || n.Kind != KindExternal || len(a.Via) > 0 {
		return ""
	}
	switch n.Principal.Kind {
	case principal.Account:
		return "any principal of account " + n.Account + " whose own policies allow it"
	case principal.Anyone:
		return "public: anyone, anonymous callers included"
	case principal.Service:
		if len(a.MissingContext) > 0 {
			return "AWS service, scoped by " + strings.Join(a.MissingContext, ", ")
		}
		return "AWS service, unscoped: any use of the service by any account (confused deputy)"
	case principal.Federated:
		return "users of this identity provider"
	case principal.User, principal.Role, principal.AssumedRole:
		return "of an account not loaded: its own policies are assumed to allow"
	}
	return ""
}
