package graph

import (
	"slices"
	"sort"
	"strings"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/policy"
)

// Exposure: whom outside its own account a loaded resource's policy lets
// in, for the explorer's resource list and for findings. One function
// decides it, so both say the same.
//
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies-cross-account-resource-access.html
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html

// Exposure is what a resource's policy opens it to.
type Exposure struct {
	Resource *model.Resource
	// Public: an Allow statement names anyone ("*" or NotPrincipal) with no
	// condition fixing the caller (S3's definition of a public policy),
	// and Block Public Access's RestrictPublicBuckets does not cut it
	// (PublicRestricted).
	Public           bool
	PublicRestricted bool
	Accounts         []string // other accounts an Allow statement names, sorted
	Services         []string // service principals an Allow statement names, sorted
	// Statements are the Allow statements that expose it (Sid or #index).
	Statements []string
	Unknown    string // why the policy is unknown; "" when known (or there is none)
}

// Marks are the exposure's labels: PUBLIC, CROSS-ACCOUNT, SERVICE.
func (e *Exposure) Marks() []string {
	var out []string
	if e.Public {
		out = append(out, "PUBLIC")
	}
	if len(e.Accounts) > 0 {
		out = append(out, "CROSS-ACCOUNT")
	}
	if len(e.Services) > 0 {
		out = append(out, "SERVICE")
	}
	return out
}

// LoadedResources returns the loaded resources, by ARN.
func (g *Graph) LoadedResources() []*model.Resource {
	out := make([]*model.Resource, 0, len(g.res.byARN))
	for _, e := range g.res.byARN {
		out = append(out, e.r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
	return out
}

// ResourceExposure returns the exposure of the loaded resource arn; false
// when no resource of that ARN is loaded.
func (g *Graph) ResourceExposure(resource string) (Exposure, bool) {
	e := g.res.byARN[resource]
	if e == nil {
		return Exposure{}, false
	}
	x := Exposure{Resource: e.r, Unknown: e.unknown}
	if e.src == nil {
		return x, true
	}
	public := e.src.Policy.PublicStatements()
	x.PublicRestricted = len(public) > 0 && e.restrict
	x.Public = len(public) > 0 && !e.restrict
	for i := range e.src.Policy.Statements {
		st := &e.src.Policy.Statements[i]
		if st.Effect != policy.Allow {
			continue
		}
		exposes := slices.Contains(public, st) && x.Public
		if st.Principal != nil {
			for _, id := range st.Principal.AWS {
				acct := strings.TrimSpace(id)
				if !arn.IsAccountID(acct) {
					acct = arn.AccountOf(acct)
				}
				if acct != "" && e.r.Account != "" && acct != e.r.Account {
					x.Accounts = appendUnique(x.Accounts, acct)
					exposes = true
				}
			}
			for _, s := range st.Principal.Service {
				x.Services = appendUnique(x.Services, strings.TrimSpace(s))
				exposes = true
			}
		}
		if exposes {
			x.Statements = append(x.Statements, st.Label())
		}
	}
	sort.Strings(x.Accounts)
	sort.Strings(x.Services)
	return x, true
}

// KeyDelegates reports whether a loaded key's policy delegates to its own
// account (an Allow statement naming the account's root or ID), so that
// IAM policies of the account can grant use of the key; known is false
// when the key or its policy is not loaded.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
func (g *Graph) KeyDelegates(key string) (delegates, known bool) {
	e := g.res.byARN[key]
	if e == nil || e.src == nil || e.r.Account == "" {
		return false, false
	}
	for i := range e.src.Policy.Statements {
		st := &e.src.Policy.Statements[i]
		if st.Effect != policy.Allow || st.Principal == nil {
			continue
		}
		for _, id := range st.Principal.AWS {
			id = strings.TrimSpace(id)
			if id == e.r.Account || (strings.HasSuffix(id, ":root") && arn.AccountOf(id) == e.r.Account) {
				return true, true
			}
		}
	}
	return false, true
}

// LoadedResource returns the loaded resource of that ARN, or nil.
func (g *Graph) LoadedResource(resource string) *model.Resource {
	if e := g.res.byARN[resource]; e != nil {
		return e.r
	}
	return nil
}

// RepresentativeAction is the action the explorer asks who-can about for a
// resource of this type, with the resource to ask on (a bucket's objects).
func RepresentativeAction(r *model.Resource) (action, resource string) {
	switch r.Type {
	case model.TypeS3Bucket:
		return "s3:GetObject", r.ARN + "/*"
	case model.TypeKMSKey:
		return "kms:Decrypt", r.ARN
	case model.TypeSQSQueue:
		return "sqs:SendMessage", r.ARN
	case model.TypeSNSTopic:
		return "sns:Publish", r.ARN
	case model.TypeLambdaFunction:
		return "lambda:InvokeFunction", r.ARN
	case model.TypeSecret:
		return "secretsmanager:GetSecretValue", r.ARN
	case model.TypeECRRepository:
		return "ecr:BatchGetImage", r.ARN
	}
	return "", ""
}

// ResourceKind names a resource type for people: "bucket", "key" ….
func ResourceKind(typ string) string {
	switch typ {
	case model.TypeS3Bucket:
		return "bucket"
	case model.TypeKMSKey:
		return "key"
	case model.TypeSQSQueue:
		return "queue"
	case model.TypeSNSTopic:
		return "topic"
	case model.TypeLambdaFunction:
		return "function"
	case model.TypeSecret:
		return "secret"
	case model.TypeECRRepository:
		return "repository"
	case model.TypeECRRegistry:
		return "registry"
	}
	return "resource"
}
