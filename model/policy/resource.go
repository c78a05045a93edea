package policy

import (
	"net/netip"
	"strings"

	"github.com/iamx/iamx/model/principal"
)

// Rules of resource-based policies beyond the Principal element: S3 Block
// Public Access, the bucket owner's hold on its bucket policy, and what
// makes a bucket policy "public".

// restrictedByBPA reports whether RestrictPublicBuckets cuts p's grants from
// a public bucket policy: it keeps access "to only AWS service principals and
// authorized users within the bucket owner's account".
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
func restrictedByBPA(p *principal.Principal, resourceAccount string) bool {
	switch {
	case p.Kind == principal.Service:
		return false
	case p.Kind == principal.Anyone || p.Kind == principal.Federated || p.Kind == principal.CanonicalUser || p.Account == "":
		return true
	}
	return resourceAccount != "" && resourceAccount != p.Account
}

// bucketPolicyActions are what the bucket owner's root user may always do:
// "the root user of the account that owns the bucket can always use
// GetBucketPolicy, PutBucketPolicy and DeleteBucketPolicy", even when the
// bucket policy denies it.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
var bucketPolicyActions = [...]string{"s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"}

func isBucketPolicyOwnerOp(p *principal.Principal, action, resourceAccount string) bool {
	if p.Kind != principal.Account || (resourceAccount != "" && resourceAccount != p.Account) {
		return false
	}
	for _, a := range bucketPolicyActions {
		if strings.EqualFold(action, a) {
			return true
		}
	}
	return false
}

func resourceRuleNote(restricted bool) string {
	if restricted {
		return "S3 Block Public Access (RestrictPublicBuckets) ignores this public policy's grants outside the bucket's account"
	}
	return "the bucket owner's root user may always read, replace and delete the bucket policy"
}

// fixingKeys are the condition keys whose fixed values make a statement
// with a wildcard principal non-public in S3's sense ("The meaning of
// public"). aws:PrincipalOrgID, aws:PrincipalAccount and aws:PrincipalArn
// are counted as fixing too: they limit the principal as surely as naming
// it, and counting them keeps iamx from cutting grants that AWS may keep.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
var fixingKeys = map[string]bool{
	"aws:sourcearn": true, "aws:sourcevpc": true, "aws:sourcevpce": true, "aws:sourceowner": true,
	"aws:sourceaccount": true, "s3:x-amz-server-side-encryption-aws-kms-key-id": true, "aws:userid": true,
	"aws:principalorgid": true, "aws:principalaccount": true, "aws:principalarn": true,
	"s3:dataaccesspointarn": true, "s3:dataaccesspointaccount": true,
}

// IsPublic reports whether a bucket (or other resource) policy is public in
// S3's sense: some Allow statement grants to a wildcard principal (or uses
// NotPrincipal) without a condition that fixes the caller's source, account,
// organization or network. A policy whose statements name fixed principals
// is not public, even when they are in other accounts.
func (p *Policy) IsPublic() bool {
	if p == nil {
		return false
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != Allow {
			continue
		}
		if st.NotPrincipal == nil && (st.Principal == nil || !wildcardPrincipal(st.Principal)) {
			continue
		}
		if !fixedByCondition(st.Conditions) {
			return true
		}
	}
	return false
}

// PublicStatements returns the statements that make p public (see IsPublic).
func (p *Policy) PublicStatements() []*Statement {
	if p == nil {
		return nil
	}
	var out []*Statement
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect == Allow && (st.NotPrincipal != nil || st.Principal != nil && wildcardPrincipal(st.Principal)) && !fixedByCondition(st.Conditions) {
			out = append(out, st)
		}
	}
	return out
}

func wildcardPrincipal(ps *Principals) bool {
	if ps.Wildcard {
		return true
	}
	for _, list := range [][]string{ps.AWS, ps.Service, ps.Federated, ps.CanonicalUser} {
		for _, id := range list {
			if strings.ContainsAny(id, "*?") {
				return true
			}
		}
	}
	return false
}

// fixedByCondition reports whether some condition pins a fixing key to
// values without wildcards (aws:SourceIp to ranges narrower than the whole
// internet). An …IfExists condition fixes nothing: a request without the
// key passes it.
func fixedByCondition(conds []Condition) bool {
	for i := range conds {
		c := &conds[i]
		if c.IfExists || c.Qualifier == ForAllValues || len(c.Values) == 0 {
			continue
		}
		key := strings.ToLower(c.Key)
		if key == "aws:sourceip" {
			if c.Base == "IpAddress" && narrowRanges(c.Values) {
				return true
			}
			continue
		}
		if !fixingKeys[key] {
			continue
		}
		switch c.Base {
		case "StringEquals", "StringEqualsIgnoreCase", "ArnEquals":
			return true
		case "StringLike", "ArnLike":
			if fixedValues(key, c.Values) {
				return true
			}
		}
	}
	return false
}

// fixedValues: no wildcard, except aws:userid's "ROLEID:*" (every session of
// one role), which S3 counts as fixed.
func fixedValues(key string, values []string) bool {
	for _, v := range values {
		if key == "aws:userid" && strings.HasSuffix(v, ":*") {
			v = strings.TrimSuffix(v, ":*")
		}
		if strings.ContainsAny(v, "*?") {
			return false
		}
	}
	return true
}

func narrowRanges(values []string) bool {
	for _, v := range values {
		pfx, err := netip.ParsePrefix(v)
		if err != nil {
			if _, err := netip.ParseAddr(v); err == nil {
				continue
			}
			return false
		}
		if pfx.Bits() == 0 {
			return false
		}
	}
	return true
}
