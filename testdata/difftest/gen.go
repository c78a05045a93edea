package main

import (
	"math/rand/v2"
	"strings"
)

// The generator builds random but valid scenarios around one account
// (111122223333) and one foreign account (444455556666). Everything is drawn
// from small pools so that policies and requests collide often: a random
// ARN that never matches anything tests nothing.

const (
	acctA = "111122223333"
	acctB = "444455556666"
)

type gen struct {
	r *rand.Rand
}

func newGen(seed uint64, index int) *gen {
	// Each scenario has its own stream: scenario i is the same whatever -n is.
	return &gen{r: rand.New(rand.NewPCG(seed, uint64(index)))}
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }
func (g *gen) intn(n int) int        { return g.r.IntN(n) }
func pick[T any](g *gen, xs []T) T   { return xs[g.r.IntN(len(xs))] }

// action is a request action with the resource it targets and the resource
// patterns a policy might write for it.
type action struct {
	name     string
	resource func(g *gen, acct, user string) string
	patterns func(g *gen, acct string) []string
}

var actions = []action{
	{"s3:GetObject", s3Object, s3Patterns},
	{"s3:PutObject", s3Object, s3Patterns},
	{"s3:ListBucket", func(*gen, string, string) string { return "arn:aws:s3:::bucket-a" }, s3Patterns},
	{"iam:GetUser", func(g *gen, acct, user string) string {
		return "arn:aws:iam::" + acct + ":user/" + pick(g, []string{user, "bob", "carol"})
	}, iamPatterns},
	{"dynamodb:GetItem", func(_ *gen, acct, _ string) string {
		return "arn:aws:dynamodb:us-east-1:" + acct + ":table/Orders"
	}, func(g *gen, acct string) []string {
		return []string{"arn:aws:dynamodb:us-east-1:" + acct + ":table/Orders", "arn:aws:dynamodb:*:" + acct + ":table/*",
			"arn:aws:dynamodb:us-east-1:*:table/Ord?rs", "arn:aws:dynamodb:us-west-2:" + acct + ":table/Orders",
			"arn:aws:dynamodb:us-east-1:" + acct + ":table/orders", "arn:aws:dynamodb:*", "*",
			"arn:aws:dynamodb:us-east-1:" + acct + ":table/${aws:PrincipalTag/team}"}
	}},
	{"sqs:SendMessage", func(_ *gen, acct, _ string) string {
		return "arn:aws:sqs:us-east-1:" + acct + ":queue-1"
	}, func(g *gen, acct string) []string {
		return []string{"arn:aws:sqs:us-east-1:" + acct + ":queue-1", "arn:aws:sqs:*:*:queue-*", "arn:aws:sqs:us-east-1:" + acct + ":*",
			"arn:aws:sqs:us-east-1:" + acct + ":queue-2", "*", "arn:aws:sqs:us-east-1:" + acctA + ":queue-1"}
	}},
	{"ec2:DescribeInstances", func(*gen, string, string) string { return "*" }, func(*gen, string) []string {
		return []string{"*", "arn:aws:ec2:*:*:instance/*"}
	}},
	{"sts:AssumeRole", func(_ *gen, acct, _ string) string {
		return "arn:aws:iam::" + acct + ":role/Target"
	}, func(g *gen, acct string) []string {
		return []string{"arn:aws:iam::" + acct + ":role/Target", "arn:aws:iam::*:role/*", "arn:aws:iam::" + acct + ":role/T*",
			"arn:aws:iam::" + acct + ":role/Other", "*", "arn:aws:iam::" + acct + ":role/target"}
	}},
}

func s3Object(g *gen, _ string, user string) string {
	return "arn:aws:s3:::bucket-a/" + pick(g, []string{user, "dev", "shared"}) + "/" + pick(g, []string{"file.txt", "a:b.txt"})
}

func s3Patterns(g *gen, _ string) []string {
	return []string{"arn:aws:s3:::bucket-a/*", "arn:aws:s3:::bucket-a/${aws:username}/*", "arn:aws:s3:::bucket-?/*",
		"arn:aws:s3:::bucket-b/*", "arn:aws:s3:::Bucket-A/*", "arn:aws:s3:::*", "*", "arn:aws:s3:::bucket-a",
		"arn:aws:s3:::bucket-a/${aws:PrincipalTag/team}/*", "arn:aws:s3:::bucket-a/*/file.txt",
		"arn:aws:s3:::bucket-a/alice/file.txt", "arn:aws:s3:::bucket-a/${aws:username}/${*}",
		"arn:aws:s3:::bucket-a/shared/a:*", "arn:aws:s3:::bucket*", "arn:aws:s3:::bucket-a/${aws:PrincipalTag/team, 'shared'}/*"}
}

func iamPatterns(g *gen, acct string) []string {
	return []string{"arn:aws:iam::" + acct + ":user/${aws:username}", "arn:aws:iam::" + acct + ":user/*", "arn:aws:iam::*:user/alice",
		"arn:aws:iam::" + acct + ":user/b?b", "arn:aws:iam::" + acct + ":user/Alice", "*", "arn:aws:iam::" + acct + ":*",
		"arn:aws:iam::" + acctB + ":user/*"}
}

// keyType is a condition key's type, which decides its operators and values.
type keyType uint8

const (
	tString keyType = iota
	tARN
	tNumeric
	tDate
	tBool
	tIP
)

type condKey struct {
	name  string
	typ   keyType
	multi bool // an ArrayOf… key in the peer's catalogue
	// ctx draws a request value (single) or values (multi).
	ctx func(g *gen, sc *scen) []string
	// pol is the pool of policy values.
	pol []string
}

// scen holds what the generator decided about the request, which some
// context values depend on.
type scen struct {
	principal, kind, name  string // kind: user, role, session
	action                 action
	resource, resourceAcct string
}

func fixed(vs ...string) func(*gen, *scen) []string {
	return func(g *gen, _ *scen) []string { return []string{pick(g, vs)} }
}

var condKeys = []condKey{
	{"aws:SourceIp", tIP, false, fixed("10.1.2.3", "192.168.1.10", "203.0.113.7", "2001:db8::5", "::ffff:192.168.1.10"),
		[]string{"10.0.0.0/8", "192.168.1.0/24", "203.0.113.7/32", "2001:db8::/32", "203.0.113.0/24"}},
	{"aws:MultiFactorAuthPresent", tBool, false, fixed("true", "false"), []string{"true", "false", "True"}},
	{"aws:SecureTransport", tBool, false, fixed("true", "false"), []string{"true", "false"}},
	{"aws:MultiFactorAuthAge", tNumeric, false, fixed("30", "3600", "86400"), []string{"60", "3600", "100000", "3600.0", "-1", "03600"}},
	{"aws:CurrentTime", tDate, false, fixed("2024-06-01T12:00:00Z", "2019-01-01T00:00:00Z", "2030-06-01T00:00:00Z"),
		[]string{"2024-01-01T00:00:00Z", "2024-06-01T12:00:00Z", "2030-01-01T00:00:00Z", "2019-01-01T00:00:00Z", "1717243200", "2024-06-01"}},
	{"aws:PrincipalTag/team", tString, false, fixed("dev", "ops", "Dev"), []string{"dev", "ops", "d*", "DEV", "*", "${aws:username}"}},
	{"aws:RequestTag/env", tString, false, fixed("prod", "test"), []string{"prod", "pr?d", "*", "Prod", "test"}},
	{"aws:username", tString, false, func(g *gen, sc *scen) []string { return []string{sc.name} },
		[]string{"alice", "bob", "al*", "${aws:PrincipalTag/team}", "ALICE"}},
	{"aws:PrincipalArn", tARN, false, func(g *gen, sc *scen) []string { return []string{sc.principal} },
		[]string{"arn:aws:iam::111122223333:user/*", "arn:aws:iam::111122223333:role/Dev", "arn:aws:iam::*:user/alice",
			"arn:aws:iam::444455556666:*", "arn:aws:iam::111122223333:user/${aws:username}", "arn:aws:iam::111122223333:*"}},
	{"aws:SourceArn", tARN, false, fixed("arn:aws:sns:us-east-1:111122223333:topic1", "arn:aws:sns:us-east-1:444455556666:topic2"),
		[]string{"arn:aws:sns:us-east-1:111122223333:topic1", "arn:aws:sns:*:111122223333:*", "arn:aws:sns:us-east-1:*:topic?", "arn:aws:*:*:444455556666:*"}},
	{"aws:PrincipalAccount", tString, false, fixed(acctA), []string{acctA, acctB, "1111*"}},
	{"aws:PrincipalOrgID", tString, false, fixed("o-abc123", "o-zzz999"), []string{"o-abc123", "o-*", "O-ABC123"}},
	{"aws:TagKeys", tString, true, func(g *gen, _ *scen) []string {
		return pick(g, [][]string{{"team", "env"}, {"team"}, {"env", "cost"}, {"Team"}})
	}, []string{"team", "env", "t*", "cost"}},
	{"aws:CalledVia", tString, true, func(g *gen, _ *scen) []string {
		return pick(g, [][]string{{"athena.amazonaws.com"}, {"athena.amazonaws.com", "dynamodb.amazonaws.com"}})
	}, []string{"athena.amazonaws.com", "dynamodb.amazonaws.com", "*.amazonaws.com"}},
}

var opsByType = map[keyType][]string{
	tString:  {"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"},
	tARN:     {"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "StringLike", "StringEquals", "StringNotLike"},
	tNumeric: {"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"},
	tDate:    {"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"},
	tBool:    {"Bool"},
	tIP:      {"IpAddress", "NotIpAddress"},
}

// generate builds scenario number index of the run.
func generate(seed uint64, index int) scenario {
	g := newGen(seed, index)
	sc := &scen{}
	switch n := g.intn(100); {
	case n < 35:
		sc.kind, sc.name = "user", "alice"
	case n < 55:
		sc.kind, sc.name = "user", "bob"
	case n < 80:
		sc.kind, sc.name = "role", "Dev"
	case n < 90:
		sc.kind, sc.name = "session", "Dev"
	case n < 95:
		sc.kind, sc.name = "federated", "alice"
	default:
		sc.kind, sc.name = "service", "ec2.amazonaws.com"
	}
	switch sc.kind {
	case "user":
		sc.principal = "arn:aws:iam::" + acctA + ":user/" + sc.name
	case "role":
		sc.principal = "arn:aws:iam::" + acctA + ":role/" + sc.name
	case "session":
		sc.principal = "arn:aws:sts::" + acctA + ":assumed-role/" + sc.name + "/sess1"
	case "federated":
		sc.principal = "arn:aws:sts::" + acctA + ":federated-user/" + sc.name
	default:
		sc.principal = sc.name
	}
	sc.action = pick(g, actions)
	sc.resourceAcct = acctA
	if g.chance(0.2) {
		sc.resourceAcct = acctB
	}
	owner := sc.name
	if sc.kind == "service" {
		owner = "alice"
	}
	sc.resource = sc.action.resource(g, sc.resourceAcct, owner)

	ctx := map[string]any{}
	for _, k := range condKeys {
		if k.name == "aws:username" && sc.kind != "user" {
			continue // only IAM users have a user name
		}
		if sc.kind == "service" && strings.HasPrefix(k.name, "aws:Principal") {
			continue // AWS sends no aws:Principal… keys for a service principal
		}
		present := 0.5
		if k.name == "aws:username" || k.name == "aws:PrincipalArn" {
			present = 0.8 // AWS always sends these; absent ones still test the absent-key rules
		}
		if !g.chance(present) {
			continue
		}
		vs := k.ctx(g, sc)
		if k.multi {
			ctx[k.name] = toAny(vs)
		} else {
			ctx[k.name] = vs[0]
		}
	}

	s := scenario{
		"request": map[string]any{
			"principal":        sc.principal,
			"action":           sc.action.name,
			"resource":         map[string]any{"resource": sc.resource, "accountId": sc.resourceAcct},
			"contextVariables": ctx,
		},
		"serviceControlPolicies":  []any{},
		"resourceControlPolicies": []any{},
	}
	ids := []any{}
	service := sc.kind == "service" // a service principal has no identity policies, boundary or SCPs
	for i := range 1 + g.intn(4) {
		if service {
			break
		}
		ids = append(ids, map[string]any{"name": "identity" + itoa(i), "policy": g.policy(sc, 1+g.intn(3), "identity")})
	}
	s["identityPolicies"] = ids
	if !service && g.chance(0.3) {
		s["permissionBoundaryPolicies"] = []any{map[string]any{"name": "boundary", "policy": g.policy(sc, 1+g.intn(2), "boundary")}}
	}
	trust := sc.action.name == "sts:AssumeRole"
	if (trust && g.chance(0.85)) || (!trust && sc.action.name != "ec2:DescribeInstances" && g.chance(0.5)) {
		s["resourcePolicy"] = g.policy(sc, 1+g.intn(3), "resource")
	}
	if !service && g.chance(0.3) {
		var levels []any
		for i := range 1 + g.intn(2) {
			levels = append(levels, map[string]any{"orgIdentifier": "level" + itoa(i),
				"policies": []any{map[string]any{"name": "scp" + itoa(i), "policy": g.policy(sc, 1+g.intn(2), "scp")}}})
		}
		s["serviceControlPolicies"] = levels
	}
	return s
}

func (g *gen) policy(sc *scen, n int, kind string) map[string]any {
	version := "2012-10-17"
	if g.chance(0.03) {
		version = "2008-10-17"
	}
	var stmts []any
	for range n {
		stmts = append(stmts, g.statement(sc, kind))
	}
	if kind == "scp" && g.chance(0.7) {
		// Most organizations keep FullAWSAccess and add denies.
		stmts = append(stmts, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})
	}
	return map[string]any{"Version": version, "Statement": stmts}
}

func (g *gen) statement(sc *scen, kind string) map[string]any {
	st := map[string]any{}
	deny := g.chance(0.3)
	if kind == "boundary" || kind == "scp" {
		deny = g.chance(0.25)
	}
	if deny {
		st["Effect"] = "Deny"
	} else {
		st["Effect"] = "Allow"
	}
	if kind == "resource" {
		// NotPrincipal is valid only with Deny, and never in a role trust
		// policy (reference_policies_elements_notprincipal.html).
		if sc.action.name != "sts:AssumeRole" && g.chance(0.15) {
			st["NotPrincipal"] = g.principalElem(sc, true)
			st["Effect"] = "Deny"
		} else {
			st["Principal"] = g.principalElem(sc, false)
		}
	}
	acts := g.actionPatterns(sc)
	if g.chance(0.15) {
		st["NotAction"] = acts
	} else {
		st["Action"] = acts
	}
	trust := kind == "resource" && sc.action.name == "sts:AssumeRole"
	if !trust {
		res := g.resourcePatterns(sc)
		if g.chance(0.12) {
			st["NotResource"] = res
		} else {
			st["Resource"] = res
		}
	}
	if g.chance(0.55) {
		st["Condition"] = g.conditions(sc)
	}
	return st
}

// oneOrMany writes a single value as a string half of the time.
func (g *gen) oneOrMany(vs []string) any {
	if len(vs) == 1 && g.chance(0.5) {
		return vs[0]
	}
	return toAny(vs)
}

func (g *gen) actionPatterns(sc *scen) any {
	a := sc.action.name
	svc, op, _ := strings.Cut(a, ":")
	pool := []string{
		a, a, strings.ToUpper(svc) + ":" + strings.ToLower(op), svc + ":*", svc + ":" + op[:3] + "*", "*",
		svc + ":" + "?" + op[1:], svc + ":" + op + "?", "s3:Get*", "iam:*User", "sts:Assume*", svc + ":*" + op[len(op)-4:],
		pick(g, actions).name, pick(g, actions).name,
	}
	n := 1 + g.intn(2)
	var out []string
	for range n {
		out = append(out, pick(g, pool))
	}
	return g.oneOrMany(out)
}

func (g *gen) resourcePatterns(sc *scen) any {
	pool := sc.action.patterns(g, sc.resourceAcct)
	n := 1 + g.intn(2)
	var out []string
	for range n {
		out = append(out, pick(g, pool))
	}
	return g.oneOrMany(out)
}

func (g *gen) principalElem(sc *scen, not bool) any {
	roleARN := "arn:aws:iam::" + acctA + ":role/Dev"
	var self any = map[string]any{"AWS": sc.principal}
	selfAndAccount := map[string]any{"AWS": []any{sc.principal, "arn:aws:iam::" + acctA + ":root"}}
	if sc.kind == "service" {
		self = map[string]any{"Service": sc.principal}
		selfAndAccount = map[string]any{"Service": sc.principal, "AWS": acctB}
	}
	forms := []any{
		"*",
		map[string]any{"AWS": "*"},
		map[string]any{"AWS": acctA},
		map[string]any{"AWS": "arn:aws:iam::" + acctA + ":root"},
		self,
		self,
		map[string]any{"AWS": "arn:aws:iam::" + acctA + ":user/carol"},
		map[string]any{"AWS": "arn:aws:iam::" + acctA + ":user/alice"},
		map[string]any{"AWS": acctB},
		map[string]any{"AWS": roleARN},
		map[string]any{"Service": "ec2.amazonaws.com"},
		selfAndAccount,
		map[string]any{"AWS": []any{"arn:aws:iam::" + acctA + ":user/alice", "arn:aws:iam::" + acctA + ":root"}},
		map[string]any{"AWS": []any{"arn:aws:iam::" + acctB + ":root", roleARN}},
	}
	if not {
		forms = forms[2:] // NotPrincipal "*" is not meaningful
	}
	return pick(g, forms)
}

func (g *gen) conditions(sc *scen) map[string]any {
	cond := map[string]any{}
	for range 1 + g.intn(2) {
		k := pick(g, condKeys)
		op := pick(g, opsByType[k.typ])
		if g.chance(0.08) {
			op = "Null"
		}
		if op != "Null" && g.chance(0.2) {
			op += "IfExists"
		}
		if k.multi && g.chance(0.7) || !k.multi && g.chance(0.06) {
			op = pick(g, []string{"ForAllValues:", "ForAnyValue:"}) + op
		}
		var vals []string
		if strings.HasSuffix(op, "Null") {
			vals = []string{pick(g, []string{"true", "false"})}
		} else {
			for range 1 + g.intn(2) {
				vals = append(vals, pick(g, k.pol))
			}
		}
		block, _ := cond[op].(map[string]any)
		if block == nil {
			block = map[string]any{}
			cond[op] = block
		}
		name := k.name
		if g.chance(0.1) {
			name = strings.ToUpper(name[:3]) + strings.ToLower(name[3:]) // key names ignore case
		}
		block[name] = g.oneOrMany(vals)
	}
	return cond
}

func toAny(vs []string) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
