package main

import "strings"

// Resource mode (-kind resources): random S3 bucket policies and KMS key
// policies, asked of principals of the resource's account and of another
// account and of an AWS service, with identity policies, a permissions
// boundary, RCPs and S3 Block Public Access. Ours answers through the graph
// (graph.Input: the loaded resource's policy, the key policy as mandatory,
// RestrictPublicBuckets, the organization's RCP levels), as `iamx can` does.
//
// A resource scenario carries an "iamx" member the peer never sees:
//
//	{"type": "AWS::S3::Bucket" | "AWS::KMS::Key", "holder": ARN of the bucket or key,
//	 "keyPolicyAbsent": true when ours is given no key policy (AWS's default is assumed)
//	 and the peer is given that default}

const (
	resBucket  = "arn:aws:s3:::data-bucket"
	keyID      = "1234abcd-12ab-34cd-56ef-1234567890ab"
	orgRoot    = "r-root"
	mgmtAcct   = "999988887777"
	typeBucket = "AWS::S3::Bucket"
	typeKey    = "AWS::KMS::Key"
)

func keyARN(acct string) string { return "arn:aws:kms:us-east-1:" + acct + ":key/" + keyID }

// requester is who sends the request: its ARN, the kind the graph knows it
// as, its account, and its name (a user's aws:username).
type requester struct {
	arn, kind, acct, name string
	tags                  map[string]string
}

var requesters = []requester{
	{"arn:aws:iam::" + acctA + ":user/alice", "user", acctA, "alice", map[string]string{"team": "dev"}},
	{"arn:aws:iam::" + acctA + ":user/bob", "user", acctA, "bob", nil},
	{"arn:aws:iam::" + acctA + ":role/Dev", "role", acctA, "Dev", map[string]string{"team": "ops"}},
	{"arn:aws:sts::" + acctA + ":assumed-role/Dev/sess1", "session", acctA, "Dev", map[string]string{"team": "ops"}},
	{"arn:aws:iam::" + acctB + ":user/carol", "user", acctB, "carol", map[string]string{"team": "dev"}},
	{"arn:aws:iam::" + acctB + ":role/Ext", "role", acctB, "Ext", nil},
	{"arn:aws:sts::" + acctB + ":assumed-role/Ext/sess1", "session", acctB, "Ext", nil},
	{"cloudtrail.amazonaws.com", "service", "", "cloudtrail.amazonaws.com", nil},
	{"*", "anonymous", "", "", nil}, // an unsigned request (S3 only)
}

// anonymousPrincipal is how the peer takes an unsigned request.
var anonymousPrincipal = map[string]any{"type": "Anonymous"}

// principalOf is a scenario request's principal as text: "*" for an
// unsigned request.
func principalOf(req map[string]any) string {
	if s, ok := req["principal"].(string); ok {
		return s
	}
	return "*"
}

var s3Actions = []struct{ name, target string }{
	{"s3:GetObject", "object"}, {"s3:PutObject", "object"}, {"s3:DeleteObject", "object"},
	{"s3:ListBucket", "bucket"}, {"s3:DeleteBucket", "bucket"}, {"s3:GetBucketTagging", "bucket"},
}

var kmsActions = []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"}

// resScen is what the generator decided about one resource scenario.
type resScen struct {
	req          requester
	typ, action  string
	owner        string // the resource's account
	resource     string // the request's resource (an object of the bucket, or the key)
	bucketPolicy bool
}

func generateResource(seed uint64, index int) scenario {
	g := newGen(seed^0x5eed_4e50, index)
	sc := &resScen{req: pick(g, requesters), owner: acctA}
	if g.chance(0.2) {
		sc.owner = acctB
	}
	if g.chance(0.55) || sc.req.kind == "anonymous" {
		sc.typ = typeBucket
		a := pick(g, s3Actions)
		sc.action = a.name
		sc.resource = resBucket
		if a.target == "object" {
			sc.resource += "/" + pick(g, []string{"alice/report.csv", "public/index.html", "logs/AWSLogs/" + acctA + "/x.gz"})
		}
	} else {
		sc.typ = typeKey
		sc.action = pick(g, kmsActions)
		sc.resource = keyARN(sc.owner)
	}

	var principal any = sc.req.arn
	if sc.req.kind == "anonymous" {
		principal = anonymousPrincipal
	}
	s := scenario{
		"request": map[string]any{
			"principal":        principal,
			"action":           sc.action,
			"resource":         map[string]any{"resource": sc.resource, "accountId": sc.owner},
			"contextVariables": g.resContext(sc),
		},
		"identityPolicies":        []any{},
		"serviceControlPolicies":  []any{},
		"resourceControlPolicies": []any{},
	}
	holder := resBucket
	if sc.typ == typeKey {
		holder = keyARN(sc.owner)
	}
	meta := map[string]any{"type": sc.typ, "holder": holder}
	s["iamx"] = meta

	if sc.req.kind != "service" && sc.req.kind != "anonymous" {
		ids := []any{}
		for i := range g.intn(3) + 1 {
			if i > 0 && g.chance(0.5) {
				break
			}
			ids = append(ids, map[string]any{"name": "identity" + itoa(i), "policy": g.resPolicy(sc, 1+g.intn(3), "identity")})
		}
		if g.chance(0.15) {
			ids = ids[:0] // no identity policy at all: only the resource policy can allow
		}
		s["identityPolicies"] = ids
		if g.chance(0.25) {
			s["permissionBoundaryPolicies"] = []any{map[string]any{"name": "boundary", "policy": g.resPolicy(sc, 1+g.intn(2), "boundary")}}
		}
	}
	switch {
	case sc.typ == typeKey && g.chance(0.12):
		// The key's policy is not in the snapshot: ours assumes AWS's
		// default key policy, which is what the peer is given.
		s["resourcePolicy"] = defaultKeyPolicyDoc(sc.owner)
		meta["keyPolicyAbsent"] = true
	case sc.typ == typeKey || g.chance(0.9):
		s["resourcePolicy"] = g.resPolicy(sc, 1+g.intn(3), "resource")
	}
	if sc.typ == typeBucket && g.chance(0.25) {
		s["additionalSettings"] = map[string]any{"s3": map[string]any{"blockPublicAccess": true}}
	}
	if g.chance(0.2) {
		var levels []any
		for _, target := range []string{orgRoot, sc.owner} {
			if g.chance(0.5) {
				continue
			}
			levels = append(levels, map[string]any{"orgIdentifier": target,
				"policies": []any{map[string]any{"name": "rcp-" + target, "policy": g.rcp(sc)}}})
		}
		if levels != nil {
			s["resourceControlPolicies"] = levels
		}
	}
	return s
}

// defaultKeyPolicyDoc is the key policy AWS gives a key created without one.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
func defaultKeyPolicyDoc(acct string) map[string]any {
	return map[string]any{"Version": "2012-10-17", "Id": "key-default-1", "Statement": []any{map[string]any{
		"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::" + acct + ":root"},
		"Action": "kms:*", "Resource": "*"}}}
}

// resContext is the request's context: the keys AWS sends for the
// principal (as the graph fills them) and some request keys.
func (g *gen) resContext(sc *resScen) map[string]any {
	ctx := map[string]any{}
	r := sc.req
	switch r.kind {
	case "anonymous":
	case "service":
		ctx["aws:PrincipalIsAWSService"] = "true"
		ctx["aws:PrincipalServiceName"] = r.arn
		if g.chance(0.7) {
			ctx["aws:SourceAccount"] = pick(g, []string{acctA, acctB})
		}
		if g.chance(0.6) {
			ctx["aws:SourceArn"] = pick(g, []string{"arn:aws:cloudtrail:us-east-1:" + acctA + ":trail/main", "arn:aws:cloudtrail:us-east-1:" + acctB + ":trail/x"})
		}
	default:
		principalArn := r.arn
		if r.kind == "session" {
			principalArn = "arn:aws:iam::" + r.acct + ":role/" + r.name // aws:PrincipalArn of a session is its role
		}
		ctx["aws:PrincipalArn"] = principalArn
		ctx["aws:PrincipalAccount"] = r.acct
		ctx["aws:PrincipalIsAWSService"] = "false"
		if r.kind == "user" {
			ctx["aws:PrincipalType"] = "User"
			ctx["aws:username"] = r.name
		} else {
			ctx["aws:PrincipalType"] = "AssumedRole"
		}
		for k, v := range r.tags {
			ctx["aws:PrincipalTag/"+k] = v
		}
		if g.chance(0.5) {
			ctx["aws:PrincipalOrgID"] = pick(g, []string{"o-abc123", "o-other"})
		}
		if g.chance(0.3) {
			ctx["aws:SourceIp"] = pick(g, []string{"10.1.2.3", "203.0.113.7"})
		}
		if g.chance(0.3) {
			ctx["aws:MultiFactorAuthPresent"] = pick(g, []string{"true", "false"})
		}
	}
	if g.chance(0.7) {
		ctx["aws:SecureTransport"] = pick(g, []string{"true", "true", "false"})
	}
	if sc.typ == typeKey && r.kind != "service" && g.chance(0.5) {
		ctx["kms:CallerAccount"] = r.acct
		if g.chance(0.4) {
			ctx["kms:ViaService"] = pick(g, []string{"s3.us-east-1.amazonaws.com", "ec2.us-east-1.amazonaws.com"})
		}
	}
	return ctx
}

func (g *gen) resPolicy(sc *resScen, n int, kind string) map[string]any {
	var stmts []any
	for range n {
		stmts = append(stmts, g.resStatement(sc, kind))
	}
	return map[string]any{"Version": "2012-10-17", "Statement": stmts}
}

func (g *gen) resStatement(sc *resScen, kind string) map[string]any {
	st := map[string]any{"Effect": "Allow"}
	deny := g.chance(0.25)
	if deny {
		st["Effect"] = "Deny"
	}
	if kind == "resource" {
		// NotPrincipal: only with Deny, and only in bucket policies here;
		// every key policy statement must name principals (PutKeyPolicy).
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
		if deny && sc.typ == typeBucket && g.chance(0.25) {
			st["NotPrincipal"] = g.resPrincipals(sc, true)
		} else {
			st["Principal"] = g.resPrincipals(sc, false)
		}
	}
	st["Action"] = g.oneOrMany(g.drawN(1+g.intn(2), g.resActionPool(sc)))
	res := g.drawN(1+g.intn(2), g.resResourcePool(sc, kind))
	if g.chance(0.08) {
		st["NotResource"] = g.oneOrMany(res)
	} else {
		st["Resource"] = g.oneOrMany(res)
	}
	if g.chance(0.45) {
		st["Condition"] = g.resConditions(sc)
	}
	return st
}

func (g *gen) drawN(n int, pool []string) []string {
	out := make([]string, 0, n)
	for range n {
		out = append(out, pick(g, pool))
	}
	return out
}

func (g *gen) resActionPool(sc *resScen) []string {
	if sc.typ == typeBucket {
		return []string{sc.action, sc.action, "s3:*", "s3:Get*", "s3:PutObject", "s3:ListBucket", "s3:Delete*", "*", "s3:GetObject"}
	}
	return []string{sc.action, sc.action, "kms:*", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:Describe*", "kms:Put*", "*"}
}

func (g *gen) resResourcePool(sc *resScen, kind string) []string {
	if sc.typ == typeBucket {
		return []string{resBucket, resBucket + "/*", resBucket + "/alice/*", resBucket + "/${aws:username}/*",
			"arn:aws:s3:::other-bucket/*", "arn:aws:s3:::data-*", "*", resBucket + "*"}
	}
	if kind == "resource" {
		return []string{"*", "*", "*", keyARN(sc.owner)} // key policies say "*" (this key)
	}
	return []string{keyARN(sc.owner), "arn:aws:kms:*:" + sc.owner + ":key/*", "arn:aws:kms:us-east-1:" + acctA + ":key/*",
		"*", "arn:aws:kms:us-east-1:" + sc.owner + ":alias/app", "arn:aws:kms:*:*:key/" + keyID}
}

// resPrincipals draws a Principal (or NotPrincipal) element.
func (g *gen) resPrincipals(sc *resScen, not bool) any {
	aws := []string{
		"arn:aws:iam::" + acctA + ":user/alice", "arn:aws:iam::" + acctA + ":user/bob", "arn:aws:iam::" + acctA + ":role/Dev",
		"arn:aws:sts::" + acctA + ":assumed-role/Dev/sess1", "arn:aws:sts::" + acctA + ":assumed-role/Dev/other",
		acctA, "arn:aws:iam::" + acctA + ":root",
		"arn:aws:iam::" + acctB + ":user/carol", "arn:aws:iam::" + acctB + ":role/Ext", "arn:aws:sts::" + acctB + ":assumed-role/Ext/sess1",
		acctB, "arn:aws:iam::" + acctB + ":root",
	}
	if sc.req.kind != "service" && sc.req.kind != "anonymous" && g.chance(0.35) {
		aws = []string{sc.req.arn} // name the requester itself often enough to matter
	}
	if !not && g.chance(0.15) {
		return "*"
	}
	if !not && g.chance(0.08) {
		return map[string]any{"AWS": "*"}
	}
	if g.chance(0.15) {
		svc := map[string]any{"Service": pick(g, []string{"cloudtrail.amazonaws.com", "logs.amazonaws.com"})}
		if g.chance(0.4) {
			svc["AWS"] = pick(g, aws)
		}
		return svc
	}
	return map[string]any{"AWS": g.oneOrMany(g.drawN(1+g.intn(2), aws))}
}

var resCondKeys = []struct {
	key  string
	ops  []string
	vals []string
}{
	{"aws:PrincipalAccount", []string{"StringEquals", "StringNotEquals"}, []string{acctA, acctB}},
	{"aws:PrincipalArn", []string{"ArnLike", "ArnNotLike", "StringEquals"}, []string{"arn:aws:iam::" + acctA + ":role/Dev", "arn:aws:iam::*:user/*", "arn:aws:iam::" + acctB + ":*"}},
	{"aws:PrincipalOrgID", []string{"StringEquals", "StringNotEquals"}, []string{"o-abc123"}},
	{"aws:SourceAccount", []string{"StringEquals", "StringNotEquals"}, []string{acctA, acctB}},
	{"aws:SourceArn", []string{"ArnLike", "ArnEquals"}, []string{"arn:aws:cloudtrail:us-east-1:" + acctA + ":trail/*", "arn:aws:cloudtrail:*:*:trail/x"}},
	{"aws:SecureTransport", []string{"Bool"}, []string{"false", "true"}},
	{"aws:PrincipalIsAWSService", []string{"Bool"}, []string{"true", "false"}},
	{"aws:PrincipalTag/team", []string{"StringEquals", "StringLike"}, []string{"dev", "o*"}},
	{"aws:PrincipalType", []string{"StringEquals"}, []string{"User", "AssumedRole"}},
	{"aws:SourceIp", []string{"IpAddress", "NotIpAddress"}, []string{"10.0.0.0/8"}},
	{"aws:MultiFactorAuthPresent", []string{"Bool"}, []string{"true"}},
	{"kms:CallerAccount", []string{"StringEquals"}, []string{acctA, acctB}},
	{"kms:ViaService", []string{"StringEquals", "StringLike"}, []string{"s3.us-east-1.amazonaws.com", "ec2.*.amazonaws.com"}},
}

func (g *gen) resConditions(sc *resScen) map[string]any {
	cond := map[string]any{}
	for range 1 + g.intn(2) {
		k := pick(g, resCondKeys)
		if strings.HasPrefix(k.key, "kms:") && sc.typ != typeKey {
			continue
		}
		op := pick(g, k.ops)
		if g.chance(0.15) {
			op += "IfExists"
		}
		if g.chance(0.05) {
			op = "Null"
		}
		vals := g.drawN(1+g.intn(2), k.vals)
		if op == "Null" {
			vals = []string{pick(g, []string{"true", "false"})}
		}
		block, _ := cond[op].(map[string]any)
		if block == nil {
			block = map[string]any{}
			cond[op] = block
		}
		block[k.key] = g.oneOrMany(vals)
	}
	if len(cond) == 0 {
		return map[string]any{"Bool": map[string]any{"aws:SecureTransport": "true"}}
	}
	return cond
}

// rcp draws a resource control policy: Deny statements with Principal "*"
// (an RCP's only form besides RCPFullAWSAccess), usually a data perimeter.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
func (g *gen) rcp(sc *resScen) map[string]any {
	svc := "s3"
	if sc.typ == typeKey {
		svc = "kms"
	}
	st := map[string]any{"Effect": "Deny", "Principal": "*", "Action": pick(g, []string{svc + ":*", sc.action}), "Resource": "*"}
	switch g.intn(3) {
	case 0:
		st["Condition"] = map[string]any{"StringNotEqualsIfExists": map[string]any{"aws:PrincipalOrgID": "o-abc123"},
			"BoolIfExists": map[string]any{"aws:PrincipalIsAWSService": "false"}}
	case 1:
		st["Condition"] = map[string]any{"BoolIfExists": map[string]any{"aws:SecureTransport": "false"}}
	default:
		st["Condition"] = map[string]any{"StringNotEquals": map[string]any{"aws:PrincipalAccount": pick(g, []string{acctA, acctB})}}
	}
	return map[string]any{"Version": "2012-10-17", "Statement": []any{st}}
}
