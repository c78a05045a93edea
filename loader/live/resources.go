package live

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/iamx/iamx/model"
)

// ResourceServices are the services whose resource-based policies a
// capture can read (--services), with "organizations" for the
// organization's structure, SCPs and RCPs.
var ResourceServices = []string{"s3", "kms", "sqs", "sns", "lambda", "secretsmanager", "ecr", "organizations"}

// perServiceRegion bounds the requests in flight for one service in one
// region (S3's buckets are one listing): enough to hide latency
// (BenchmarkCaptureResources: the 1,000 buckets, 500 keys and 500
// queues at 50 ms a request), few enough not to meet throttling first
// (adaptive retries slow the rest down when it comes).
const perServiceRegion = 16

// resourceCapture reads resource policies with guarded clients, one set per
// region, and collects what it could not read as coverage.
type resourceCapture struct {
	cfg     aws.Config
	account string
	guard   func(*[]func(*middleware.Stack) error)

	mu        sync.Mutex
	resources []*model.Resource
	coverage  []model.Coverage
	org       *model.Organization
}

func (rc *resourceCapture) add(r *model.Resource) {
	rc.mu.Lock()
	rc.resources = append(rc.resources, r)
	rc.mu.Unlock()
}

// cover records how one service in one region went: complete unless a call
// failed; denied when listing itself was refused.
func (rc *resourceCapture) cover(service, region string, listErr error, itemErrs int) {
	c := model.Coverage{Account: rc.account, Region: region, Service: service, State: model.CoverageComplete}
	switch {
	case listErr != nil && isAccessDenied(listErr):
		c.State, c.Error = model.CoverageDenied, listErr.Error()
	case listErr != nil:
		c.State, c.Error = model.CoveragePartial, listErr.Error()
	case itemErrs > 0:
		c.State, c.Error = model.CoveragePartial, fmt.Sprintf("%d resource(s) could not be read", itemErrs)
	}
	rc.mu.Lock()
	rc.coverage = append(rc.coverage, c)
	rc.mu.Unlock()
}

// parallel runs f over items with at most perServiceRegion at once and
// returns how many failed.
func parallel[T any](ctx context.Context, items []T, f func(context.Context, T) error) int {
	sem := make(chan struct{}, perServiceRegion)
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for _, it := range items {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := f(ctx, it); err != nil {
				mu.Lock()
				failed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return failed
}

// regionCfg is cfg in another region.
func (rc *resourceCapture) regionCfg(region string) aws.Config {
	c := rc.cfg.Copy()
	c.Region = region
	return c
}

// policyDoc turns a policy text into a document, nil for none.
func policyDoc(text *string) *model.Document {
	if text == nil || *text == "" {
		return nil
	}
	return &model.Document{JSON: []byte(*text)}
}

// notFound reports whether err means "there is none" (no policy, no
// configuration): a known absence, not a failure.
func notFound(err error) bool {
	switch errorCode(err) {
	case "NoSuchBucketPolicy", "NoSuchPublicAccessBlockConfiguration", "OwnershipControlsNotFoundError",
		"ResourceNotFoundException", "RepositoryPolicyNotFoundException", "NotFoundException", "NoSuchPublicAccessBlock",
		"RegistryPolicyNotFoundException":
		return true
	}
	return false
}

// readErr is a per-resource read error as the snapshot records it.
func readErr(action string, err error) string {
	if code := errorCode(err); code != "" {
		return action + ": " + code
	}
	return action + ": " + err.Error()
}

// captureResources reads the selected services in the selected regions.
// Nothing here fails the capture: what could not be read is coverage and
// per-resource errors, so answers can say so.
func (rc *resourceCapture) run(ctx context.Context, services, regions []string) {
	var wg sync.WaitGroup
	for _, svc := range services {
		switch svc {
		case "s3":
			wg.Go(func() { rc.s3(ctx) })
		case "organizations":
			wg.Go(func() { rc.organization(ctx) })
		default:
			for _, region := range regions {
				wg.Go(func() { rc.regional(ctx, svc, region) })
			}
		}
	}
	wg.Wait()
	slices.SortFunc(rc.resources, func(a, b *model.Resource) int { return strings.Compare(a.ARN, b.ARN) })
	slices.SortFunc(rc.coverage, func(a, b model.Coverage) int {
		return strings.Compare(a.Service+"|"+a.Region, b.Service+"|"+b.Region)
	})
}

func (rc *resourceCapture) regional(ctx context.Context, svc, region string) {
	cfg := rc.regionCfg(region)
	var listErr error
	failed := 0
	switch svc {
	case "kms":
		listErr, failed = rc.kms(ctx, kms.NewFromConfig(cfg, func(o *kms.Options) { rc.guard(&o.APIOptions) }), region)
	case "sqs":
		listErr, failed = rc.sqs(ctx, sqs.NewFromConfig(cfg, func(o *sqs.Options) { rc.guard(&o.APIOptions) }), region)
	case "sns":
		listErr, failed = rc.sns(ctx, sns.NewFromConfig(cfg, func(o *sns.Options) { rc.guard(&o.APIOptions) }), region)
	case "lambda":
		listErr, failed = rc.lambda(ctx, lambda.NewFromConfig(cfg, func(o *lambda.Options) { rc.guard(&o.APIOptions) }), region)
	case "secretsmanager":
		listErr, failed = rc.secrets(ctx, secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) { rc.guard(&o.APIOptions) }), region)
	case "ecr":
		listErr, failed = rc.ecr(ctx, ecr.NewFromConfig(cfg, func(o *ecr.Options) { rc.guard(&o.APIOptions) }), region)
	default:
		return
	}
	rc.cover(svc, region, listErr, failed)
}

// s3 reads every bucket: policy, policy status, Block Public Access (bucket
// and account), ownership controls and, where ACLs are enabled, the ACL.
// Behind an endpoint override (moto, a proxy) S3 needs path-style
// addressing.
func (rc *resourceCapture) s3(ctx context.Context) {
	pathStyle := rc.cfg.BaseEndpoint != nil
	newClient := func(region string) *s3.Client {
		return s3.NewFromConfig(rc.regionCfg(region), func(o *s3.Options) {
			rc.guard(&o.APIOptions)
			o.UsePathStyle = pathStyle
		})
	}
	home := newClient(rc.cfg.Region)
	var account *model.PublicAccessBlock
	ctl := s3control.NewFromConfig(rc.cfg, func(o *s3control.Options) { rc.guard(&o.APIOptions) })
	if out, err := ctl.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(rc.account)}); err == nil && out.PublicAccessBlockConfiguration != nil {
		c := out.PublicAccessBlockConfiguration
		account = &model.PublicAccessBlock{BlockPublicAcls: aws.ToBool(c.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(c.IgnorePublicAcls),
			BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets)}
	}
	var names []string
	var listErr error
	p := s3.NewListBucketsPaginator(home, &s3.ListBucketsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			listErr = err
			break
		}
		for _, b := range out.Buckets {
			names = append(names, aws.ToString(b.Name))
		}
	}
	clients := map[string]*s3.Client{rc.cfg.Region: home}
	var cmu sync.Mutex
	clientFor := func(region string) *s3.Client {
		cmu.Lock()
		defer cmu.Unlock()
		if c := clients[region]; c != nil {
			return c
		}
		c := newClient(region)
		clients[region] = c
		return c
	}
	failed := parallel(ctx, names, func(ctx context.Context, name string) error {
		r := &model.Resource{ARN: "arn:aws:s3:::" + name, Type: model.TypeS3Bucket, Account: rc.account, S3: &model.S3Attributes{AccountBlockPublicAccess: account}}
		defer rc.add(r)
		b := aws.String(name)
		// moto and old buckets answer GetBucketLocation; an empty
		// constraint is us-east-1.
		region := rc.cfg.Region
		if loc, err := home.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: b}); err == nil {
			region = string(loc.LocationConstraint)
			if region == "" {
				region = "us-east-1"
			}
		}
		r.Region = region
		c := clientFor(region)
		out, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
		switch {
		case err == nil:
			r.Policy = policyDoc(out.Policy)
		case !notFound(err):
			r.Error = readErr("s3:GetBucketPolicy", err)
		}
		// Policy status describes the bucket policy: without one there is
		// nothing to ask (S3 answers NoSuchBucketPolicy).
		if r.Policy != nil {
			if st, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b}); err == nil && st.PolicyStatus != nil && st.PolicyStatus.IsPublic != nil {
				r.S3.PolicyIsPublic = st.PolicyStatus.IsPublic // moto leaves it out
			}
		}
		if pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b}); err == nil && pab.PublicAccessBlockConfiguration != nil {
			x := pab.PublicAccessBlockConfiguration
			r.S3.BlockPublicAccess = &model.PublicAccessBlock{BlockPublicAcls: aws.ToBool(x.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(x.IgnorePublicAcls),
				BlockPublicPolicy: aws.ToBool(x.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(x.RestrictPublicBuckets)}
		}
		if own, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b}); err == nil && own.OwnershipControls != nil && len(own.OwnershipControls.Rules) > 0 {
			r.S3.ObjectOwnership = string(own.OwnershipControls.Rules[0].ObjectOwnership)
		}
		if r.S3.ObjectOwnership != "BucketOwnerEnforced" {
			if acl, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b}); err == nil {
				for _, g := range acl.Grants {
					if g.Grantee == nil {
						continue
					}
					id := aws.ToString(g.Grantee.ID)
					if g.Grantee.URI != nil {
						id = aws.ToString(g.Grantee.URI)
					}
					r.S3.ACL = append(r.S3.ACL, model.S3Grant{Grantee: id, Type: string(g.Grantee.Type), Permission: string(g.Permission)})
				}
			}
		}
		if r.Error != "" {
			return errors.New(r.Error)
		}
		return nil
	})
	rc.cover("s3", "", listErr, failed)
}

func (rc *resourceCapture) kms(ctx context.Context, c *kms.Client, region string) (error, int) {
	var ids []string
	p := kms.NewListKeysPaginator(c, &kms.ListKeysInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err, 0
		}
		for _, k := range out.Keys {
			ids = append(ids, aws.ToString(k.KeyArn))
		}
	}
	return nil, parallel(ctx, ids, func(ctx context.Context, keyARN string) error {
		r := &model.Resource{ARN: keyARN, Type: model.TypeKMSKey, Account: rc.account, Region: region, KMS: &model.KMSAttributes{}}
		defer rc.add(r)
		if d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyARN)}); err == nil && d.KeyMetadata != nil {
			r.KMS.KeyManager, r.KMS.KeyState = string(d.KeyMetadata.KeyManager), string(d.KeyMetadata.KeyState)
		}
		// "default" is the only key policy name there is.
		out, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default")})
		if err != nil {
			r.Error = readErr("kms:GetKeyPolicy", err)
		} else {
			r.Policy = policyDoc(out.Policy)
		}
		gp := kms.NewListGrantsPaginator(c, &kms.ListGrantsInput{KeyId: aws.String(keyARN)})
		for gp.HasMorePages() {
			page, err := gp.NextPage(ctx)
			if err != nil {
				break
			}
			for _, g := range page.Grants {
				grant := model.KMSGrant{GrantID: aws.ToString(g.GrantId), Name: aws.ToString(g.Name),
					GranteePrincipal: aws.ToString(g.GranteePrincipal), RetiringPrincipal: aws.ToString(g.RetiringPrincipal)}
				for _, op := range g.Operations {
					grant.Operations = append(grant.Operations, string(op))
				}
				r.KMS.Grants = append(r.KMS.Grants, grant)
			}
		}
		if r.Error != "" {
			return errors.New(r.Error)
		}
		return nil
	})
}

func (rc *resourceCapture) sqs(ctx context.Context, c *sqs.Client, region string) (error, int) {
	var urls []string
	p := sqs.NewListQueuesPaginator(c, &sqs.ListQueuesInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err, 0
		}
		urls = append(urls, out.QueueUrls...)
	}
	return nil, parallel(ctx, urls, func(ctx context.Context, url string) error {
		out, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{"QueueArn", "Policy"}})
		name := url[strings.LastIndexByte(url, '/')+1:]
		r := &model.Resource{ARN: "arn:" + partitionOf(rc.cfg) + ":sqs:" + region + ":" + rc.account + ":" + name, Type: model.TypeSQSQueue, Account: rc.account, Region: region}
		defer rc.add(r)
		if err != nil {
			r.Error = readErr("sqs:GetQueueAttributes", err)
			return err
		}
		if a := out.Attributes["QueueArn"]; a != "" {
			r.ARN = a
		}
		if pol, ok := out.Attributes["Policy"]; ok {
			r.Policy = policyDoc(&pol)
		}
		return nil
	})
}

func (rc *resourceCapture) sns(ctx context.Context, c *sns.Client, region string) (error, int) {
	var arns []string
	p := sns.NewListTopicsPaginator(c, &sns.ListTopicsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err, 0
		}
		for _, t := range out.Topics {
			arns = append(arns, aws.ToString(t.TopicArn))
		}
	}
	return nil, parallel(ctx, arns, func(ctx context.Context, a string) error {
		r := &model.Resource{ARN: a, Type: model.TypeSNSTopic, Account: rc.account, Region: region}
		defer rc.add(r)
		out, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(a)})
		if err != nil {
			r.Error = readErr("sns:GetTopicAttributes", err)
			return err
		}
		if pol, ok := out.Attributes["Policy"]; ok {
			r.Policy = policyDoc(&pol)
		}
		return nil
	})
}

func (rc *resourceCapture) lambda(ctx context.Context, c *lambda.Client, region string) (error, int) {
	var arns []string
	p := lambda.NewListFunctionsPaginator(c, &lambda.ListFunctionsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err, 0
		}
		for _, f := range out.Functions {
			arns = append(arns, aws.ToString(f.FunctionArn))
		}
	}
	return nil, parallel(ctx, arns, func(ctx context.Context, a string) error {
		r := &model.Resource{ARN: a, Type: model.TypeLambdaFunction, Account: rc.account, Region: region}
		defer rc.add(r)
		if u, err := c.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(a)}); err == nil {
			r.Lambda = &model.LambdaAttributes{FunctionURLAuthType: string(u.AuthType)}
		}
		var errs []error
		out, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(a)})
		switch {
		case err == nil:
			r.Policy = policyDoc(out.Policy)
		case !notFound(err):
			r.Error = readErr("lambda:GetPolicy", err)
			errs = append(errs, err)
		}
		errs = append(errs, rc.lambdaAliases(ctx, c, a, region)...)
		return errors.Join(append(errs, rc.lambdaVersions(ctx, c, a, region)...)...)
	})
}

// lambdaAliases reads the policy of each alias of a function: an alias has
// its own resource-based policy (GetPolicy with the alias as Qualifier),
// which governs requests naming the alias's ARN. It returns what failed;
// an alias whose policy could not be read is recorded with its error.
// https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
func (rc *resourceCapture) lambdaAliases(ctx context.Context, c *lambda.Client, function, region string) []error {
	var errs []error
	p := lambda.NewListAliasesPaginator(c, &lambda.ListAliasesInput{FunctionName: aws.String(function)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return append(errs, fmt.Errorf("lambda:ListAliases %s: %w", function, err))
		}
		for _, al := range page.Aliases {
			arn := aws.ToString(al.AliasArn)
			if arn == "" {
				arn = function + ":" + aws.ToString(al.Name)
			}
			if err := rc.lambdaQualified(ctx, c, function, aws.ToString(al.Name), arn, region); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errs
}

// lambdaVersions reads the policy of each published version of a function:
// like an alias, a version has its own resource-based policy (GetPolicy with
// the version number as Qualifier), which governs requests naming the
// version's ARN. $LATEST is the function itself and is skipped. A version
// without a policy (ResourceNotFound) is recorded with none; one whose
// policy could not be read is recorded with its error, which is returned.
// https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
// https://docs.aws.amazon.com/lambda/latest/dg/API_ListVersionsByFunction.html
func (rc *resourceCapture) lambdaVersions(ctx context.Context, c *lambda.Client, function, region string) []error {
	var errs []error
	// By name: AWS takes a name or an ARN here, moto lists no versions
	// for an ARN. The client is the function's region and account.
	name := function[strings.LastIndexByte(function, ':')+1:]
	p := lambda.NewListVersionsByFunctionPaginator(c, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return append(errs, fmt.Errorf("lambda:ListVersionsByFunction %s: %w", function, err))
		}
		for _, v := range page.Versions {
			version := aws.ToString(v.Version)
			if version == "" || version == "$LATEST" {
				continue
			}
			arn := aws.ToString(v.FunctionArn)
			if arn == "" || arn == function {
				arn = function + ":" + version
			}
			if err := rc.lambdaQualified(ctx, c, function, version, arn, region); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errs
}

// lambdaQualified records the alias or version qualifier of function at
// arn with its own policy (GetPolicy with the qualifier): none when there is
// none (ResourceNotFound), the error when it could not be read, which is
// returned.
func (rc *resourceCapture) lambdaQualified(ctx context.Context, c *lambda.Client, function, qualifier, arn, region string) error {
	r := &model.Resource{ARN: arn, Type: model.TypeLambdaFunction, Account: rc.account, Region: region}
	defer rc.add(r)
	out, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(function), Qualifier: aws.String(qualifier)})
	switch {
	case err == nil:
		r.Policy = policyDoc(out.Policy)
	case !notFound(err):
		r.Error = readErr("lambda:GetPolicy", err)
		return err
	}
	return nil
}

// secrets reads each secret's resource policy with GetResourcePolicy. It
// never reads a secret's value: GetSecretValue is not in the allowlist.
func (rc *resourceCapture) secrets(ctx context.Context, c *secretsmanager.Client, region string) (error, int) {
	var arns []string
	p := secretsmanager.NewListSecretsPaginator(c, &secretsmanager.ListSecretsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err, 0
		}
		for _, s := range out.SecretList {
			arns = append(arns, aws.ToString(s.ARN))
		}
	}
	return nil, parallel(ctx, arns, func(ctx context.Context, a string) error {
		r := &model.Resource{ARN: a, Type: model.TypeSecret, Account: rc.account, Region: region}
		defer rc.add(r)
		out, err := c.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: aws.String(a)})
		if err != nil {
			r.Error = readErr("secretsmanager:GetResourcePolicy", err)
			return err
		}
		r.Policy = policyDoc(out.ResourcePolicy)
		return nil
	})
}

func (rc *resourceCapture) ecr(ctx context.Context, c *ecr.Client, region string) (error, int) {
	type repo struct{ arn, name string }
	var repos []repo
	p := ecr.NewDescribeRepositoriesPaginator(c, &ecr.DescribeRepositoriesInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err, 0
		}
		for _, r := range out.Repositories {
			repos = append(repos, repo{aws.ToString(r.RepositoryArn), aws.ToString(r.RepositoryName)})
		}
	}
	failed := rc.ecrRegistry(ctx, c, region)
	return nil, failed + parallel(ctx, repos, func(ctx context.Context, rp repo) error {
		r := &model.Resource{ARN: rp.arn, Type: model.TypeECRRepository, Account: rc.account, Region: region}
		defer rc.add(r)
		out, err := c.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String(rp.name)})
		switch {
		case err == nil:
			r.Policy = policyDoc(out.PolicyText)
		case !notFound(err):
			r.Error = readErr("ecr:GetRepositoryPolicy", err)
			return err
		}
		return nil
	})
}

// ecrRegistry reads the region's registry policy (replication and
// pull-through cache permissions to other accounts); none is a known
// absence. It returns 1 when the policy could not be read.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html
func (rc *resourceCapture) ecrRegistry(ctx context.Context, c *ecr.Client, region string) int {
	r := &model.Resource{ARN: "arn:" + partitionOf(rc.cfg) + ":ecr:" + region + ":" + rc.account + ":registry",
		Type: model.TypeECRRegistry, Account: rc.account, Region: region}
	defer rc.add(r)
	out, err := c.GetRegistryPolicy(ctx, &ecr.GetRegistryPolicyInput{})
	switch {
	case err == nil:
		r.Policy = policyDoc(out.PolicyText)
	case !notFound(err):
		r.Error = readErr("ecr:GetRegistryPolicy", err)
		return 1
	}
	return 0
}

func partitionOf(cfg aws.Config) string {
	switch {
	case strings.HasPrefix(cfg.Region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(cfg.Region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}
