package live

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// Fake credentials, distinctive so a test can prove they never reach a snapshot.
const (
	testAccessKeyID = "AKIAIAMXTESTKEY00001"
	testSecretKey   = "iamx-test-secret-must-not-be-stored"
	testAccount     = "123456789012" // moto's default account
)

// liveEnv points the SDK's default chain at endpoint with fake static
// credentials and clears everything that could lead it to real AWS or to the
// developer's own profiles.
func liveEnv(t testing.TB, endpoint string) {
	t.Helper()
	for _, k := range []string{
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
		"AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS", "AWS_DEFAULT_REGION",
		"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_CA_BUNDLE", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS",
	} {
		t.Setenv(k, "")
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", testAccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", testSecretKey)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
}

// setupClient is an unrestricted IAM client for building the test account.
// It talks only to the emulator at endpoint and is never used by the capture.
func setupClient(endpoint string) *iam.Client {
	return iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(testAccessKeyID, testSecretKey, ""),
	})
}

// expected is what the test created, to compare with a capture.
type expected struct {
	users    map[string]*expUser
	groups   map[string]*expGroup
	roles    map[string]*expRole
	policies map[string]*expPolicy // customer managed, by ARN
	awsUsed  []string              // AWS managed policy ARNs attached somewhere
	alias    string
}

type expUser struct {
	path     string
	groups   []string
	inline   map[string]string // name → document
	attached []string
	tags     map[string]string
	keys     int
	keyIDs   []string // as CreateAccessKey returned them
	password bool
}

type expGroup struct {
	inline   map[string]string
	attached []string
}

type expRole struct {
	path             string
	trust            string
	inline           map[string]string
	attached         []string
	boundary         string
	instanceProfiles []string
	tags             map[string]string
}

type expPolicy struct {
	name, path     string
	versions       []string // documents, v1 first
	defaultVersion string
}

func doc(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + joinComma(statements) + `]}`
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

func allow(action, resource string) string {
	return fmt.Sprintf(`{"Effect":"Allow","Action":%q,"Resource":%q}`, action, resource)
}

func trust(principal string) string {
	return doc(`{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"}`)
}

const (
	awsReadOnly  = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	awsIAMRead   = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
	awsAdmin     = "arn:aws:iam::aws:policy/AdministratorAccess"
	policyPrefix = "arn:aws:iam::" + testAccount + ":policy"
)

// buildAccount creates an account with every kind of entity the capture must
// carry, plus bulkUsers plain users so that streams need several pages.
func buildAccount(t testing.TB, c *iam.Client, bulkUsers int) *expected {
	t.Helper()
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("setup: %s: %v", what, err)
		}
	}
	e := &expected{
		users: map[string]*expUser{}, groups: map[string]*expGroup{}, roles: map[string]*expRole{},
		policies: map[string]*expPolicy{}, awsUsed: []string{awsReadOnly, awsIAMRead, awsAdmin}, alias: "iamx-test",
	}

	// Customer managed policies. "deploy" has three versions with v2 the
	// default, so "default" is not simply "latest". The "+" and "%" in its
	// condition catch QueryUnescape-style decoding (+ → space, %xx → byte).
	deployV := []string{
		doc(allow("ecs:UpdateService", "*")),
		doc(`{"Effect":"Allow","Action":"ecs:*","Resource":"*","Condition":{"StringEquals":{"aws:userid":"AIDA+EXAMPLE%20ID"}}}`),
		doc(allow("ecs:*", "*"), allow("ecr:*", "*")),
	}
	newPolicy := func(name, path string, versions []string, defaultVersion string) string {
		out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), Path: aws.String(path), PolicyDocument: aws.String(versions[0])})
		must("CreatePolicy "+name, err)
		arn := aws.ToString(out.Policy.Arn)
		for _, v := range versions[1:] {
			_, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(v), SetAsDefault: true})
			must("CreatePolicyVersion "+name, err)
		}
		if defaultVersion != fmt.Sprintf("v%d", len(versions)) {
			_, err := c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(defaultVersion)})
			must("SetDefaultPolicyVersion "+name, err)
		}
		e.policies[arn] = &expPolicy{name: name, path: path, versions: versions, defaultVersion: defaultVersion}
		return arn
	}
	deploy := newPolicy("deploy", "/app/", deployV, "v2")
	boundaryARN := newPolicy("boundary", "/", []string{doc(allow("s3:*", "*"), allow("logs:*", "*"))}, "v1")
	opsPolicy := newPolicy("ops-policy", "/", []string{doc(allow("cloudwatch:*", "*")), doc(allow("cloudwatch:Get*", "*"))}, "v2")
	newPolicy("unused", "/", []string{doc(allow("sqs:*", "*"))}, "v1")

	// Groups.
	newGroup := func(name string, inline map[string]string, attached ...string) {
		_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(name)})
		must("CreateGroup "+name, err)
		for n, d := range inline {
			_, err := c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String(name), PolicyName: aws.String(n), PolicyDocument: aws.String(d)})
			must("PutGroupPolicy "+n, err)
		}
		for _, a := range attached {
			_, err := c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String(name), PolicyArn: aws.String(a)})
			must("AttachGroupPolicy "+a, err)
		}
		e.groups[name] = &expGroup{inline: inline, attached: attached}
	}
	newGroup("dev", map[string]string{"dev-logs": doc(allow("logs:Get*", "*"))}, awsIAMRead)
	newGroup("ops", nil, opsPolicy)

	// Users.
	newUser := func(name, path string, groups []string, inline map[string]string, attached []string, tags map[string]string, keys int, password bool) {
		in := &iam.CreateUserInput{UserName: aws.String(name), Path: aws.String(path)}
		for k, v := range tags {
			in.Tags = append(in.Tags, types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		_, err := c.CreateUser(ctx, in)
		must("CreateUser "+name, err)
		for _, g := range groups {
			_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String(name), GroupName: aws.String(g)})
			must("AddUserToGroup "+g, err)
		}
		for n, d := range inline {
			_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(n), PolicyDocument: aws.String(d)})
			must("PutUserPolicy "+n, err)
		}
		for _, a := range attached {
			_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(name), PolicyArn: aws.String(a)})
			must("AttachUserPolicy "+a, err)
		}
		var keyIDs []string
		for range keys {
			out, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
			must("CreateAccessKey "+name, err)
			keyIDs = append(keyIDs, aws.ToString(out.AccessKey.AccessKeyId))
		}
		if password {
			_, err := c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String(name), Password: aws.String("Correct-Horse-9")})
			must("CreateLoginProfile "+name, err)
		}
		e.users[name] = &expUser{path: path, groups: groups, inline: inline, attached: attached, tags: tags, keys: keys, keyIDs: keyIDs, password: password}
	}
	newUser("alice", "/eng/", []string{"dev", "ops"},
		map[string]string{"s3-read": doc(allow("s3:GetObject", "arn:aws:s3:::reports/*"))},
		[]string{awsReadOnly, deploy}, map[string]string{"team": "platform", "cost-centre": "a+b 42%"}, 1, true)
	newUser("bob", "/", []string{"dev"}, nil, nil, nil, 2, false)
	newUser("carol", "/contractors/", nil, map[string]string{"assume-deploy": doc(allow("sts:AssumeRole", "arn:aws:iam::"+testAccount+":role/Deploy"))}, nil, nil, 0, false)
	for i := range bulkUsers {
		newUser(fmt.Sprintf("bulk-%03d", i), "/bulk/", nil, nil, nil, nil, 0, false)
	}

	// Roles with a trust chain: carol → Deploy → Admin; an EC2 role with
	// an instance profile and a boundary; a cross-account role with an
	// external ID. (moto keeps role boundaries; it rejects user ones.)
	newRole := func(name, path, trustDoc string, inline map[string]string, attached []string, boundary string, tags map[string]string) {
		in := &iam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String(path), AssumeRolePolicyDocument: aws.String(trustDoc)}
		if boundary != "" {
			in.PermissionsBoundary = aws.String(boundary)
		}
		for k, v := range tags {
			in.Tags = append(in.Tags, types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		_, err := c.CreateRole(ctx, in)
		must("CreateRole "+name, err)
		for n, d := range inline {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(n), PolicyDocument: aws.String(d)})
			must("PutRolePolicy "+n, err)
		}
		for _, a := range attached {
			_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String(a)})
			must("AttachRolePolicy "+a, err)
		}
		e.roles[name] = &expRole{path: path, trust: trustDoc, inline: inline, attached: attached, boundary: boundary, tags: tags}
	}
	newRole("Deploy", "/", trust(`{"AWS":"arn:aws:iam::`+testAccount+`:user/contractors/carol"}`),
		map[string]string{"assume-admin": doc(allow("sts:AssumeRole", "arn:aws:iam::"+testAccount+":role/ops/Admin"))},
		[]string{deploy}, "", map[string]string{"owner": "platform"})
	newRole("Admin", "/ops/", trust(`{"AWS":"arn:aws:iam::`+testAccount+`:role/Deploy"}`), nil, []string{awsAdmin}, "", nil)
	newRole("EC2App", "/", trust(`{"Service":"ec2.amazonaws.com"}`), nil, nil, boundaryARN, nil)
	newRole("Auditor", "/", doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x+y/z"}}}`),
		nil, []string{awsReadOnly}, "", nil)

	_, err := c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("app-profile")})
	must("CreateInstanceProfile", err)
	_, err = c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("app-profile"), RoleName: aws.String("EC2App")})
	must("AddRoleToInstanceProfile", err)
	e.roles["EC2App"].instanceProfiles = []string{"app-profile"}

	_, err = c.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String(e.alias)})
	must("CreateAccountAlias", err)
	return e
}

// sameJSON reports whether two JSON texts hold the same value.
func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
