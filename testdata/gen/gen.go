// Package gen generates large, realistic IAM accounts for benchmarks and
// stress tests: get-account-authorization-details output (CLI form) with
// thousands of users, roles, groups and customer managed policies, real AWS
// managed policies in use, assume-role chains (multi-hop, cycles,
// cross-account, OIDC, SAML, services), permissions boundaries, conditions
// and policy variables. The same Options always give the same bytes.
package gen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/testdata/awsmanaged"
)

// Options sizes the account. Zero counts are allowed.
type Options struct {
	Users, Roles, Groups, Policies int
	Seed                           uint64
	AccountID                      string // default 123456789012
}

// Reference is the scale of DESIGN.md §8: 10,000 principals.
var Reference = Options{Users: 5000, Roles: 5000, Groups: 300, Policies: 1500, Seed: 1}

// Account generates the account and loads it as a snapshot, exactly as
// loading GAAD(o) from a file would.
// The snapshot also has a credential report and a capture time, which GAAD
// output does not carry.
func Account(o Options) (*model.Snapshot, error) {
	g, err := newGenerator(o)
	if err != nil {
		return nil, err
	}
	gaad, report := g.build()
	data, err := json.Marshal(gaad)
	if err != nil {
		return nil, err
	}
	s, err := loader.ParseGAAD(data, fmt.Sprintf("gen(seed %d)", o.Seed))
	if err != nil {
		return nil, err
	}
	rows, err := json.Marshal(report)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(rows, &s.CredentialReport); err != nil {
		return nil, err
	}
	s.CapturedAt = captured
	return s, nil
}

// captured is the generated account's capture time; dates are before it.
var captured = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// GAAD generates the account as get-account-authorization-details output in
// the CLI's form (documents as JSON objects, indented like the CLI prints).
func GAAD(o Options) ([]byte, error) {
	g, err := newGenerator(o)
	if err != nil {
		return nil, err
	}
	gaad, _ := g.build()
	return json.MarshalIndent(gaad, "", "  ")
}

type (
	obj  = map[string]any
	list = []any
)

type generator struct {
	o       Options
	r       *rand.Rand
	account string
	aws     []awsmanaged.Policy
	weights []int // how often each AWS managed policy is attached, relative

	policyARNs []string
	roleARNs   []string
	roleNames  []string
	userARNs   []string
	teams      []string
}

func newGenerator(o Options) (*generator, error) {
	if o.AccountID == "" {
		o.AccountID = "123456789012"
	}
	aws, err := awsmanaged.Policies()
	if err != nil {
		return nil, err
	}
	g := &generator{o: o, r: rand.New(rand.NewPCG(o.Seed, 0x1a3c5e7f)), account: o.AccountID, aws: aws}
	g.weights = make([]int, len(aws))
	for i, p := range aws {
		switch p.Name {
		case "ReadOnlyAccess", "AWSLambdaBasicExecutionRole", "AmazonSSMManagedInstanceCore":
			g.weights[i] = 12
		case "AdministratorAccess", "AmazonS3ReadOnlyAccess", "IAMUserChangePassword", "AmazonECSTaskExecutionRolePolicy":
			g.weights[i] = 6
		default:
			g.weights[i] = 1
		}
	}
	g.teams = []string{"payments", "search", "platform", "data", "mobile", "growth", "security", "infra", "ml", "web"}
	return g, nil
}

func (g *generator) intn(n int) int {
	if n <= 0 {
		return 0
	}
	return g.r.IntN(n)
}
func (g *generator) chance(p float64) bool { return g.r.Float64() < p }
func pick[T any](g *generator, xs []T) T   { return xs[g.intn(len(xs))] }

func (g *generator) date(maxDaysBack int) string {
	d := captured.Add(-time.Duration(1+g.intn(maxDaysBack*24*3600)) * time.Second)
	return d.Format("2006-01-02T15:04:05+00:00")
}

// id returns an IAM unique ID: prefix plus 17 characters, deterministic.
func (g *generator) id(prefix string) string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var b strings.Builder
	b.WriteString(prefix)
	for range 17 {
		b.WriteByte(chars[g.intn(len(chars))])
	}
	return b.String()
}

func (g *generator) arn(resource string) string {
	return "arn:aws:iam::" + g.account + ":" + resource
}

func (g *generator) build() (gaad obj, report list) {
	// Names and ARNs first, so documents can refer to any entity.
	for i := range g.o.Policies {
		g.policyARNs = append(g.policyARNs, g.arn(fmt.Sprintf("policy/%s", policyName(i))))
	}
	for i := range g.o.Roles {
		name := roleName(i)
		g.roleNames = append(g.roleNames, name)
		g.roleARNs = append(g.roleARNs, g.arn("role/"+rolePath(i)[1:]+name))
	}
	for i := range g.o.Users {
		g.userARNs = append(g.userARNs, g.arn("user/"+userPath(i)[1:]+userName(i)))
	}
	// Count attachments as IAM reports them.
	attach := map[string]int{}
	boundary := map[string]int{}

	groups := make(list, 0, g.o.Groups)
	groupNames := make([]string, 0, g.o.Groups)
	for i := range g.o.Groups {
		name := fmt.Sprintf("%s-%s-%d", pick(g, g.teams), pick(g, []string{"engineers", "oncall", "readers", "admins", "analysts"}), i)
		groupNames = append(groupNames, name)
		att := g.attachments(1+g.intn(4), attach)
		groups = append(groups, obj{
			"Path": "/", "GroupName": name, "GroupId": g.id("AGPA"), "Arn": g.arn("group/" + name),
			"CreateDate": g.date(3000), "GroupPolicyList": g.inlines(g.intn(3)), "AttachedManagedPolicies": att,
		})
	}

	users := make(list, 0, g.o.Users)
	report = make(list, 0, g.o.Users)
	for i := range g.o.Users {
		name := userName(i)
		u := obj{
			"Path": userPath(i), "UserName": name, "UserId": g.id("AIDA"), "Arn": g.userARNs[i],
			"CreateDate": g.date(3000), "UserPolicyList": g.inlines(g.weighted(6, 3, 1)),
			"GroupList": g.memberships(groupNames), "AttachedManagedPolicies": g.attachments(g.weighted(5, 3, 2, 1), attach),
			"Tags": list{obj{"Key": "team", "Value": pick(g, g.teams)}},
		}
		if g.chance(0.12) && len(g.policyARNs) > 0 {
			b := pick(g, g.policyARNs)
			boundary[b]++
			u["PermissionsBoundary"] = obj{"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": b}
		}
		users = append(users, u)
		report = append(report, g.reportRow(name, g.userARNs[i]))
	}

	roles := make(list, 0, g.o.Roles)
	for i := range g.o.Roles {
		r := obj{
			"Path": rolePath(i), "RoleName": g.roleNames[i], "RoleId": g.id("AROA"), "Arn": g.roleARNs[i],
			"CreateDate": g.date(2500), "AssumeRolePolicyDocument": g.trust(i),
			"InstanceProfileList": list{}, "RolePolicyList": g.roleInlines(i),
			"AttachedManagedPolicies": g.attachments(g.weighted(3, 4, 2, 1), attach),
			"Tags":                    list{obj{"Key": "team", "Value": pick(g, g.teams)}, obj{"Key": "environment", "Value": pick(g, []string{"prod", "staging", "dev"})}},
			"RoleLastUsed":            obj{},
		}
		if g.chance(0.7) {
			r["RoleLastUsed"] = obj{"LastUsedDate": g.date(400), "Region": pick(g, []string{"us-east-1", "eu-west-1", "ap-southeast-2"})}
		}
		if g.chance(0.05) && len(g.policyARNs) > 0 {
			b := pick(g, g.policyARNs)
			boundary[b]++
			r["PermissionsBoundary"] = obj{"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": b}
		}
		if strings.Contains(g.roleNames[i], "ec2") {
			r["InstanceProfileList"] = list{obj{
				"Path": "/", "InstanceProfileName": g.roleNames[i], "InstanceProfileId": g.id("AIPA"),
				"Arn": g.arn("instance-profile/" + g.roleNames[i]), "CreateDate": r["CreateDate"],
				"Roles": list{obj{"RoleName": g.roleNames[i], "Arn": g.roleARNs[i], "Path": rolePath(i), "RoleId": r["RoleId"], "CreateDate": r["CreateDate"], "AssumeRolePolicyDocument": r["AssumeRolePolicyDocument"]}},
			}}
		}
		roles = append(roles, r)
	}

	policies := make(list, 0, g.o.Policies+len(g.aws))
	for i := range g.o.Policies {
		policies = append(policies, g.customerPolicy(i, attach[g.policyARNs[i]], boundary[g.policyARNs[i]]))
	}
	for _, p := range g.aws {
		if attach[p.ARN] == 0 {
			continue // GAAD lists the AWS managed policies in use
		}
		policies = append(policies, obj{
			"PolicyName": p.Name, "Arn": p.ARN, "Path": p.Path, "DefaultVersionId": p.DefaultVersionID,
			"AttachmentCount": attach[p.ARN], "PermissionsBoundaryUsageCount": 0, "IsAttachable": true,
			"CreateDate": p.CreateDate, "UpdateDate": p.UpdateDate,
			"PolicyVersionList": list{obj{"Document": p.Document, "VersionId": p.DefaultVersionID, "IsDefaultVersion": true, "CreateDate": p.VersionCreate}},
		})
	}
	return obj{"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies, "IsTruncated": false}, report
}

func policyName(i int) string {
	return fmt.Sprintf("%s-%s-%d", []string{"app", "svc", "team", "data", "ci"}[i%5], []string{"access", "read", "write", "deploy", "ops", "boundary"}[(i/5)%6], i)
}

func userName(i int) string { return fmt.Sprintf("user%05d", i) }

func userPath(i int) string {
	switch i % 10 {
	case 0:
		return "/contractors/"
	case 1:
		return "/automation/"
	}
	return "/"
}

// roleName encodes the trust kind in the name so chains are easy to read.
func roleName(i int) string {
	return fmt.Sprintf("%s-role-%05d", trustKinds[i%len(trustKinds)], i)
}

func rolePath(i int) string {
	if trustKinds[i%len(trustKinds)] == "lambda" || trustKinds[i%len(trustKinds)] == "ecs" {
		return "/service-role/"
	}
	return "/"
}

// trustKinds is the mix of trust policies: services dominate real accounts,
// then same-account chains, then cross-account and federation.
var trustKinds = []string{"lambda", "ec2", "chain", "lambda", "ecs", "chain", "root-mfa", "ec2", "chain", "xacct", "lambda", "oidc", "chain", "saml", "open-org"}

func (g *generator) weighted(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.intn(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return 0
}

func (g *generator) memberships(groups []string) list {
	out := list{}
	if len(groups) == 0 {
		return out
	}
	for range g.weighted(1, 5, 3, 1) {
		out = append(out, pick(g, groups))
	}
	return out
}

func (g *generator) attachments(n int, count map[string]int) list {
	out := list{}
	seen := map[string]bool{}
	for range n {
		var name, a string
		if len(g.policyARNs) > 0 && g.chance(0.6) {
			i := g.intn(len(g.policyARNs))
			name, a = policyName(i), g.policyARNs[i]
		} else {
			p := g.aws[g.weightedAWS()]
			name, a = p.Name, p.ARN
		}
		if seen[a] {
			continue
		}
		seen[a] = true
		count[a]++
		out = append(out, obj{"PolicyName": name, "PolicyArn": a})
	}
	return out
}

func (g *generator) weightedAWS() int { return g.weighted(g.weights...) }

func (g *generator) inlines(n int) list {
	out := list{}
	for j := range n {
		out = append(out, obj{"PolicyName": fmt.Sprintf("inline-%d-%s", j, pick(g, []string{"s3", "ops", "data", "extra", "legacy"})), "PolicyDocument": g.document(1 + g.intn(4))})
	}
	return out
}

// roleInlines gives chain roles the permission to assume further roles, so
// that paths are several hops long and some loop back.
func (g *generator) roleInlines(i int) list {
	out := g.inlines(g.weighted(4, 4, 1))
	if trustKinds[i%len(trustKinds)] == "chain" || g.chance(0.08) {
		var targets list
		for range 1 + g.intn(3) {
			targets = append(targets, g.roleARNs[g.intn(len(g.roleARNs))])
		}
		if g.chance(0.1) {
			targets = append(targets, g.arn("role/chain-role-*"))
		}
		out = append(out, obj{"PolicyName": "assume-next", "PolicyDocument": obj{
			"Version":   "2012-10-17",
			"Statement": list{obj{"Sid": "AssumeNext", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": targets}},
		}})
	}
	return out
}

func (g *generator) trust(i int) obj {
	stmt := obj{"Effect": "Allow", "Action": "sts:AssumeRole"}
	switch trustKinds[i%len(trustKinds)] {
	case "lambda":
		stmt["Principal"] = obj{"Service": "lambda.amazonaws.com"}
	case "ec2":
		stmt["Principal"] = obj{"Service": "ec2.amazonaws.com"}
	case "ecs":
		stmt["Principal"] = obj{"Service": "ecs-tasks.amazonaws.com"}
		stmt["Condition"] = obj{"StringEquals": obj{"aws:SourceAccount": g.account}}
	case "chain":
		// Trusted by earlier and later roles and by users: multi-hop paths
		// and cycles.
		var aws list
		for range 1 + g.intn(2) {
			aws = append(aws, g.roleARNs[g.intn(len(g.roleARNs))])
		}
		if len(g.userARNs) > 0 && g.chance(0.5) {
			aws = append(aws, pick(g, g.userARNs))
		}
		stmt["Principal"] = obj{"AWS": aws}
		stmt["Action"] = list{"sts:AssumeRole", "sts:TagSession"}
	case "root-mfa":
		stmt["Principal"] = obj{"AWS": "arn:aws:iam::" + g.account + ":root"}
		stmt["Condition"] = obj{"Bool": obj{"aws:MultiFactorAuthPresent": "true"}}
	case "xacct":
		stmt["Principal"] = obj{"AWS": fmt.Sprintf("arn:aws:iam::%012d:root", int64(100000000000)+int64(g.intn(5))*111111111)}
		stmt["Condition"] = obj{"StringEquals": obj{"sts:ExternalId": fmt.Sprintf("ext-%08x", g.r.Uint32())}}
	case "oidc":
		stmt["Principal"] = obj{"Federated": g.arn("oidc-provider/token.actions.githubusercontent.com")}
		stmt["Action"] = "sts:AssumeRoleWithWebIdentity"
		stmt["Condition"] = obj{
			"StringEquals": obj{"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
			"StringLike":   obj{"token.actions.githubusercontent.com:sub": fmt.Sprintf("repo:acme/%s-%d:*", pick(g, g.teams), g.intn(50))},
		}
	case "saml":
		stmt["Principal"] = obj{"Federated": g.arn("saml-provider/okta")}
		stmt["Action"] = "sts:AssumeRoleWithSAML"
		stmt["Condition"] = obj{"StringEquals": obj{"SAML:aud": "https://signin.aws.amazon.com/saml"}}
	case "open-org":
		stmt["Principal"] = obj{"AWS": "*"}
		stmt["Condition"] = obj{"StringEquals": obj{"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
	}
	return obj{"Version": "2012-10-17", "Statement": list{stmt}}
}

func (g *generator) customerPolicy(i, attachments, boundaries int) obj {
	versions := list{}
	n := g.weighted(5, 3, 2, 1) + 1
	def := n // the newest is the default
	for v := n; v >= 1; v-- {
		versions = append(versions, obj{
			"Document": g.document(1 + g.weighted(2, 4, 3, 2, 1, 1)), "VersionId": fmt.Sprintf("v%d", v),
			"IsDefaultVersion": v == def, "CreateDate": g.date(2000),
		})
	}
	return obj{
		"PolicyName": policyName(i), "PolicyId": g.id("ANPA"), "Arn": g.policyARNs[i], "Path": "/",
		"DefaultVersionId": fmt.Sprintf("v%d", def), "AttachmentCount": attachments, "PermissionsBoundaryUsageCount": boundaries,
		"IsAttachable": true, "CreateDate": g.date(3000), "UpdateDate": g.date(300), "PolicyVersionList": versions,
	}
}

// services are realistic action families with the resources they take.
var services = []struct {
	prefix    string
	actions   []string
	resources []string // %[1]s = account, %[2]d = a number
}{
	{"s3", []string{"GetObject", "PutObject", "DeleteObject", "ListBucket", "Get*", "List*", "*", "GetBucketPolicy", "PutBucketPolicy"},
		[]string{"arn:aws:s3:::acme-data-%[2]d/*", "arn:aws:s3:::acme-data-%[2]d", "arn:aws:s3:::acme-home/${aws:username}/*", "arn:aws:s3:::logs-%[2]d/${aws:PrincipalTag/team}/*", "*"}},
	{"ec2", []string{"Describe*", "StartInstances", "StopInstances", "RunInstances", "TerminateInstances", "CreateTags", "*"},
		[]string{"arn:aws:ec2:*:%[1]s:instance/*", "arn:aws:ec2:us-east-1:%[1]s:volume/*", "*"}},
	{"dynamodb", []string{"GetItem", "PutItem", "Query", "Scan", "UpdateItem", "DeleteItem", "BatchWriteItem", "*"},
		[]string{"arn:aws:dynamodb:us-east-1:%[1]s:table/app-%[2]d", "arn:aws:dynamodb:*:%[1]s:table/app-%[2]d/index/*"}},
	{"lambda", []string{"InvokeFunction", "CreateFunction", "UpdateFunctionCode", "GetFunction", "List*"},
		[]string{"arn:aws:lambda:us-east-1:%[1]s:function:svc-%[2]d", "arn:aws:lambda:*:%[1]s:function:*"}},
	{"sqs", []string{"SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes"}, []string{"arn:aws:sqs:eu-west-1:%[1]s:queue-%[2]d"}},
	{"logs", []string{"CreateLogStream", "PutLogEvents", "GetLogEvents", "FilterLogEvents", "Describe*"}, []string{"arn:aws:logs:*:%[1]s:log-group:/app/%[2]d:*", "*"}},
	{"kms", []string{"Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey"}, []string{"arn:aws:kms:us-east-1:%[1]s:key/0000%04[2]d-aaaa-bbbb-cccc-000000000000"}},
	{"secretsmanager", []string{"GetSecretValue", "DescribeSecret", "PutSecretValue"}, []string{"arn:aws:secretsmanager:us-east-1:%[1]s:secret:app/%[2]d-*"}},
	{"iam", []string{"GetRole", "PassRole", "CreateAccessKey", "ListUsers", "Get*", "List*", "AttachRolePolicy", "PutUserPolicy"},
		[]string{"arn:aws:iam::%[1]s:role/app-%[2]d", "arn:aws:iam::%[1]s:user/${aws:username}", "arn:aws:iam::%[1]s:role/*", "*"}},
	{"sts", []string{"AssumeRole"}, []string{"arn:aws:iam::%[1]s:role/chain-role-*"}},
	{"cloudwatch", []string{"PutMetricData", "GetMetricData", "ListMetrics"}, []string{"*"}},
	{"ssm", []string{"GetParameter", "GetParameters", "GetParametersByPath", "StartSession"}, []string{"arn:aws:ssm:*:%[1]s:parameter/app/%[2]d/*"}},
}

// document returns a policy document with n statements.
func (g *generator) document(n int) obj {
	stmts := make(list, 0, n)
	for k := range n {
		svc := pick(g, services)
		st := obj{"Effect": "Allow"}
		if g.chance(0.6) {
			st["Sid"] = fmt.Sprintf("S%d%s", k, strings.ToUpper(svc.prefix[:1])+svc.prefix[1:])
		}
		var actions list
		for range 1 + g.intn(4) {
			actions = append(actions, svc.prefix+":"+pick(g, svc.actions))
		}
		switch {
		case g.chance(0.1):
			st["Effect"] = "Deny"
			st["Action"] = actions
		case g.chance(0.04):
			st["NotAction"] = list{"iam:*", "organizations:*"}
		case len(actions) == 1 && g.chance(0.5):
			st["Action"] = actions[0]
		default:
			st["Action"] = actions
		}
		var res list
		for range 1 + g.intn(2) {
			res = append(res, fillResource(pick(g, svc.resources), g.account, g.intn(400)))
		}
		if g.chance(0.03) {
			st["NotResource"] = res
		} else if len(res) == 1 {
			st["Resource"] = res[0]
		} else {
			st["Resource"] = res
		}
		if g.chance(0.3) {
			st["Condition"] = g.condition()
		}
		stmts = append(stmts, st)
	}
	doc := obj{"Version": "2012-10-17"}
	if len(stmts) == 1 && g.chance(0.2) {
		doc["Statement"] = stmts[0] // a single statement as an object, as AWS allows
	} else {
		doc["Statement"] = stmts
	}
	return doc
}

func (g *generator) condition() obj {
	switch g.intn(8) {
	case 0:
		return obj{"StringEquals": obj{"aws:RequestedRegion": list{"us-east-1", "eu-west-1"}}}
	case 1:
		return obj{"IpAddress": obj{"aws:SourceIp": list{"203.0.113.0/24", "198.51.100.0/24"}}}
	case 2:
		return obj{"Bool": obj{"aws:MultiFactorAuthPresent": "true"}}
	case 3:
		return obj{"StringEquals": obj{"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}
	case 4:
		return obj{"StringLike": obj{"s3:prefix": list{"home/${aws:username}/*", ""}}}
	case 5:
		return obj{"DateLessThan": obj{"aws:CurrentTime": "2027-01-01T00:00:00Z"}, "NumericLessThanEquals": obj{"aws:MultiFactorAuthAge": 3600}}
	case 6:
		return obj{"ForAnyValue:StringEquals": obj{"aws:TagKeys": list{"team", "owner"}}}
	}
	return obj{"StringNotEqualsIfExists": obj{"aws:PrincipalTag/environment": "prod"}, "Null": obj{"aws:TokenIssueTime": "false"}}
}

func (g *generator) reportRow(name, a string) obj {
	row := obj{}
	for _, c := range model.CredentialReportColumns {
		row[c] = "N/A"
	}
	row["user"], row["arn"], row["user_creation_time"] = name, a, g.date(3000)
	row["password_enabled"], row["mfa_active"] = "false", "false"
	for _, k := range []string{"access_key_1_active", "access_key_2_active", "cert_1_active", "cert_2_active"} {
		row[k] = "false"
	}
	if g.chance(0.6) {
		row["password_enabled"] = "true"
		row["password_last_used"] = g.date(500)
		row["password_last_changed"] = g.date(900)
		row["mfa_active"] = fmt.Sprint(g.chance(0.7))
	}
	if g.chance(0.4) {
		row["access_key_1_active"] = "true"
		row["access_key_1_last_rotated"] = g.date(900)
		row["access_key_1_last_used_date"] = g.date(60)
		row["access_key_1_last_used_region"] = "us-east-1"
		row["access_key_1_last_used_service"] = pick(g, []string{"s3", "sts", "ec2", "lambda"})
	}
	return row
}

// fillResource fills a resource template: %[1]s is the account, %[2]d a
// number, %04[2]d the number zero-padded. Replacement rather than Sprintf, so
// a template that uses neither ("*") stays as written instead of gaining
// "%!(EXTRA …)".
func fillResource(tmpl, account string, n int) string {
	return strings.NewReplacer("%[1]s", account, "%04[2]d", fmt.Sprintf("%04d", n), "%[2]d", strconv.Itoa(n)).Replace(tmpl)
}
