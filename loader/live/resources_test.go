package live

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/loader/live/internal/awsproxy"
	"github.com/iamx/iamx/loader/live/internal/motoserver"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

const outsideAccount = "999999999999"

// setupConfig is an unrestricted configuration for building the test
// resources in moto; the capture never uses it.
func setupConfig(endpoint string) aws.Config {
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(testAccessKeyID, testSecretKey, "")}
}

// must stops a setup step that moto refused: the test cannot go on, and the
// panic fails it with the step's stack.
func must[T any](v T, err error) T {
	if err != nil {
		panic("moto setup: " + err.Error())
	}
	return v
}

// rxWorld builds, in moto, what the acceptance tests of the resource
// capture ask about, and returns the ARNs.
type rxMoto struct {
	bucket, namedKey, defaultKey, queue, app, other string
	rcp                                             bool // moto took an RCP
}

func buildResources(t *testing.T, endpoint string) rxMoto {
	ctx := context.Background()
	cfg := setupConfig(endpoint)
	var w rxMoto
	ic := setupClient(endpoint)
	kmsAll := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	for _, name := range []string{"App", "Other"} {
		r := must(ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}))
		must(ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("kms"), PolicyDocument: aws.String(kmsAll)}))
		if name == "App" {
			w.app = aws.ToString(r.Role.Arn)
		} else {
			w.other = aws.ToString(r.Role.Arn)
		}
	}

	sc := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	must(sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("shared-data")}))
	w.bucket = "arn:aws:s3:::shared-data"
	must(sc.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared-data"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + outsideAccount + `:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-data/*"}]}`)}))

	kc := kms.NewFromConfig(cfg)
	named := must(kc.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"AppOnly","Effect":"Allow","Principal":{"AWS":"` + w.app + `"},"Action":"kms:*","Resource":"*"}]}`), BypassPolicyLockoutSafetyCheck: true}))
	w.namedKey = aws.ToString(named.KeyMetadata.Arn)
	def := must(kc.CreateKey(ctx, &kms.CreateKeyInput{}))
	w.defaultKey = aws.ToString(def.KeyMetadata.Arn)

	qc := sqs.NewFromConfig(cfg)
	q := must(qc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("jobs")}))
	w.queue = "arn:aws:sqs:us-east-1:" + testAccount + ":jobs"
	must(qc.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl, Attributes: map[string]string{"Policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + outsideAccount + `"},"Action":"sqs:SendMessage","Resource":"` + w.queue + `"}]}`}}))

	smc := secretsmanager.NewFromConfig(cfg)
	must(smc.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("db"), SecretString: aws.String("hunter2")}))

	oc := organizations.NewFromConfig(cfg)
	must(oc.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}))
	roots := must(oc.ListRoots(ctx, &organizations.ListRootsInput{}))
	root := aws.ToString(roots.Roots[0].Id)
	ou := must(oc.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(root), Name: aws.String("Prod")}))
	must(oc.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(root), PolicyType: orgtypes.PolicyTypeServiceControlPolicy}))
	scp := must(oc.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("DenyLeaving"), Description: aws.String("d"), Type: orgtypes.PolicyTypeServiceControlPolicy,
		Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`)}))
	must(oc.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: scp.Policy.PolicySummary.Id, TargetId: ou.OrganizationalUnit.Id}))
	if _, err := oc.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(root), PolicyType: orgtypes.PolicyTypeResourceControlPolicy}); err == nil {
		rcp := must(oc.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("Perimeter"), Description: aws.String("d"), Type: orgtypes.PolicyTypeResourceControlPolicy,
			Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)}))
		must(oc.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: rcp.Policy.PolicySummary.Id, TargetId: aws.String(root)}))
		w.rcp = true
	} else {
		t.Logf("moto does not take RCPs (%v): the RCP half of the organization check is skipped", err)
	}
	return w
}

// The resource capture's acceptance, against moto: the outside account a
// bucket or queue policy names shows in who-can; a key whose policy names
// only one role denies another role holding kms:*, and a default-policy key
// allows it; the organization's SCPs (and RCPs, where moto takes them) are in
// the snapshot; and only List, Get and Describe operations are sent.
func TestCaptureResources(t *testing.T) {
	srv := motoserver.Start(t)
	w := buildResources(t, srv.URL)
	var mu sync.Mutex
	var ops []string
	opts := testOptions()
	opts.Services = []string{"all"}
	opts.observe = func(svc, op string) {
		mu.Lock()
		ops = append(ops, svc+"|"+op)
		mu.Unlock()
	}
	snap, _ := captureVia(t, srv.URL, opts)

	for _, op := range ops {
		svc, name, _ := strings.Cut(op, "|")
		if !isAllowedResource(svc, name) && !isAllowed(svc, name) {
			t.Errorf("sent %s, which the allowlist does not hold", op)
		}
		if !strings.HasPrefix(name, "List") && !strings.HasPrefix(name, "Get") && !strings.HasPrefix(name, "Describe") {
			t.Errorf("sent %s, which is not a read", op)
		}
		if name == "GetSecretValue" {
			t.Errorf("read a secret's value")
		}
	}
	if len(ops) == 0 {
		t.Fatal("no resource operation was observed: the test proves nothing")
	}

	byARN := map[string]*model.Resource{}
	for _, r := range snap.Resources {
		byARN[r.ARN] = r
	}
	for _, a := range []string{w.bucket, w.namedKey, w.defaultKey, w.queue} {
		if r := byARN[a]; r == nil || r.Error != "" {
			t.Errorf("%s not captured cleanly: %+v", a, r)
		}
	}
	if snap.Organization == nil {
		t.Fatal("no organization in the snapshot")
	}
	types := map[string]int{}
	for _, p := range snap.Organization.Policies {
		types[p.Type]++
		if p.Document.Policy == nil {
			t.Errorf("organization policy %s: document not parsed", p.Name)
		}
	}
	if types[model.SCPType] < 2 { // FullAWSAccess and DenyLeaving
		t.Errorf("SCPs in the snapshot: %v", types)
	}
	if w.rcp && types[model.RCPType] < 1 {
		t.Errorf("RCPs in the snapshot: %v", types)
	}
	if len(snap.Organization.OUs) != 1 || len(snap.Organization.Accounts) == 0 {
		t.Errorf("organization structure: %+v", snap.Organization)
	}

	g, err := graph.Build([]*model.Snapshot{snap}, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	listed := func(action, resource, arn string) bool {
		for _, a := range g.WhoCan(action, resource, nil) {
			if a.Principal.ARN == arn {
				return true
			}
		}
		return false
	}
	outsideRoot := "arn:aws:iam::" + outsideAccount + ":root"
	if !listed("s3:GetObject", w.bucket+"/x", outsideRoot) {
		t.Error("the bucket policy's outside account is not in who-can")
	}
	if !listed("sqs:SendMessage", w.queue, outsideRoot) {
		t.Error("the queue policy's outside account is not in who-can")
	}
	other := g.Node(w.other)
	if res := g.Can(other, "kms:Decrypt", w.namedKey, nil, false); res.Decision != policy.ImplicitDeny {
		t.Errorf("a role holding kms:* on a key whose policy names another role: %s", res.Decision)
	}
	if res := g.Can(g.Node(w.app), "kms:Decrypt", w.namedKey, nil, false); res.Decision != policy.Allowed {
		t.Errorf("the role the key policy names: %s", res.Decision)
	}
	if res := g.Can(other, "kms:Decrypt", w.defaultKey, nil, false); res.Decision != policy.Allowed {
		t.Errorf("a role holding kms:* on a default-policy key: %s", res.Decision)
	}
}

// The allowlist refuses, before sending, what the resource capture must
// never do: read data, read a secret's value, change a policy.
func TestAllowlistRefusesResourceWrites(t *testing.T) {
	for _, c := range []struct{ svc, op string }{
		{"S3", "GetObject"}, {"S3", "PutBucketPolicy"}, {"S3", "DeleteBucketPolicy"}, {"KMS", "Decrypt"}, {"KMS", "PutKeyPolicy"},
		{"KMS", "CreateGrant"}, {"SQS", "ReceiveMessage"}, {"SQS", "SetQueueAttributes"}, {"SNS", "Publish"}, {"Lambda", "Invoke"},
		{"Lambda", "AddPermission"}, {"Secrets Manager", "GetSecretValue"}, {"Secrets Manager", "PutResourcePolicy"},
		{"ECR", "SetRepositoryPolicy"}, {"Organizations", "AttachPolicy"}, {"Organizations", "LeaveOrganization"},
	} {
		if isAllowed(c.svc, c.op) {
			t.Errorf("%s %s is allowed", c.svc, c.op)
		}
	}
	for svc, ops := range allowedResources {
		for op := range ops {
			if !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Get") && !strings.HasPrefix(op, "Describe") {
				t.Errorf("%s %s in the allowlist is not a List, Get or Describe call", svc, op)
			}
		}
	}
}

// zipOf is a deployment package of one file, for moto's CreateFunction.
func zipOf(t *testing.T, name, body string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, body)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Lambda aliases and published versions have resource policies of their
// own (GetPolicy with the alias or version as Qualifier; $LATEST is the
// function itself), and an ECR registry has a registry policy
// (GetRegistryPolicy): the capture records all three; an alias whose policy
// could not be read is recorded with its error, and answers about it say
// the policy is unknown instead of reading the function's.
// https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html
func TestCaptureLambdaAliasesAndRegistryPolicy(t *testing.T) {
	moto := motoserver.Start(t)
	ctx := context.Background()
	cfg := setupConfig(moto.URL)
	ic := setupClient(moto.URL)
	role := must(ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("fn-role"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}))
	lc := lambda.NewFromConfig(cfg)
	fn := must(lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("worker"), Role: role.Role.Arn,
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("app.handler"), Code: &lambdatypes.FunctionCode{ZipFile: zipOf(t, "app.py", "def handler(e, c):\n    return 1\n")}}))
	function := aws.ToString(fn.FunctionArn)
	version := must(lc.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("worker")}))
	for _, alias := range []string{"live", "locked"} {
		must(lc.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("worker"), Name: aws.String(alias), FunctionVersion: version.Version}))
	}
	// The root ARN, not the bare account ID: AWS stores either as
	// {"AWS":"arn:…:root"}, moto keeps a bare ID as a string Principal.
	must(lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("worker"), Qualifier: aws.String("live"), StatementId: aws.String("Partner"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("arn:aws:iam::" + outsideAccount + ":root")}))
	// A published version has a policy of its own too (the version number
	// as Qualifier); this one names a second outside account (a root ARN:
	// moto keeps a user ARN as a string Principal, which AWS would wrap).
	versionPrincipal := "arn:aws:iam::111122223333:root"
	must(lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("worker"), Qualifier: version.Version, StatementId: aws.String("Release"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(versionPrincipal)}))
	must(ecr.NewFromConfig(cfg).PutRegistryPolicy(ctx, &ecr.PutRegistryPolicyInput{PolicyText: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"Replicate","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + outsideAccount + `:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":"arn:aws:ecr:us-east-1:` + testAccount + `:repository/*"}]}`)}))

	proxy := awsproxy.Start(t, moto.URL, awsproxy.Options{DenyRequest: func(op string, r *http.Request) bool {
		return strings.HasPrefix(op, "lambda:GET ") && strings.HasSuffix(r.URL.Path, "/policy") && r.URL.Query().Get("Qualifier") == "locked"
	}})
	opts := testOptions()
	opts.Services = []string{"lambda", "ecr"}
	snap, _ := captureVia(t, proxy.URL, opts)
	if _, _, denied := proxy.Injected(); denied != 1 {
		t.Fatalf("the proxy refused %d requests, want the one GetPolicy of alias locked; operations %v", denied, proxy.Operations())
	}

	byARN := map[string]*model.Resource{}
	for _, r := range snap.Resources {
		byARN[r.ARN] = r
	}
	live, locked := byARN[function+":live"], byARN[function+":locked"]
	published := byARN[aws.ToString(version.FunctionArn)]
	registry := byARN["arn:aws:ecr:us-east-1:"+testAccount+":registry"]
	switch {
	case byARN[function] == nil:
		t.Fatalf("the function is not captured: %v", keys(byARN))
	case live == nil || live.Error != "" || live.Policy == nil:
		t.Fatalf("alias live: %+v", live)
	case locked == nil || !strings.Contains(locked.Error, "lambda:GetPolicy: AccessDenied"):
		t.Fatalf("alias locked, whose policy was refused, must carry the error: %+v", locked)
	case published == nil || published.ARN != function+":"+aws.ToString(version.Version) || published.Error != "" || published.Policy == nil ||
		published.Type != model.TypeLambdaFunction || !strings.Contains(string(published.Policy.JSON), versionPrincipal):
		t.Fatalf("published version %s with its own policy: %+v; captured %v; operations %v", aws.ToString(version.Version), published, keys(byARN), proxy.Operations())
	case byARN[function+":$LATEST"] != nil:
		t.Fatalf("$LATEST is the function itself, not a version of its own: %+v", byARN[function+":$LATEST"])
	case registry == nil || registry.Error != "" || registry.Policy == nil || registry.Type != model.TypeECRRegistry:
		t.Fatalf("registry policy: %+v", registry)
	}
	var lambdaCov *model.Coverage
	for i := range snap.Coverage {
		if snap.Coverage[i].Service == "lambda" {
			lambdaCov = &snap.Coverage[i]
		}
	}
	if lambdaCov == nil || lambdaCov.State != model.CoveragePartial {
		t.Errorf("lambda coverage with one alias unreadable: %+v", lambdaCov)
	}

	g, err := graph.Build([]*model.Snapshot{snap}, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	outsideRoot := "arn:aws:iam::" + outsideAccount + ":root"
	listed := false
	for _, a := range g.WhoCan("lambda:InvokeFunction", function+":live", nil) {
		listed = listed || a.Principal.ARN == outsideRoot
	}
	if !listed {
		t.Errorf("the account the alias policy names is not in who-can for the alias; its policy %s", live.Policy.JSON)
	}
	listed = false
	for _, a := range g.WhoCan("lambda:InvokeFunction", published.ARN, nil) {
		listed = listed || a.Principal.ARN == versionPrincipal
	}
	if !listed {
		t.Errorf("the account the version policy names is not in who-can for the version; its policy %s", published.Policy.JSON)
	}
	if as := g.Assumptions(nil, "lambda:InvokeFunction", published.ARN); len(as) != 0 {
		t.Errorf("a captured version needs no assumption: %q", as)
	}
	as := strings.Join(g.Assumptions(nil, "lambda:InvokeFunction", function+":locked"), "; ")
	if !strings.Contains(as, "could not be read") || !strings.Contains(as, "AccessDenied") {
		t.Errorf("an answer about the unreadable alias does not say its policy is unknown: %q", as)
	}
	if x, _ := g.ResourceExposure(registry.ARN); len(x.Accounts) != 1 || x.Accounts[0] != outsideAccount {
		t.Errorf("the registry policy's outside account: %+v", x)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
