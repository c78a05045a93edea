package live

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/iamx/iamx/graph"
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
