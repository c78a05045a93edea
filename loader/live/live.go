// Package live captures an AWS account's IAM configuration through the AWS
// SDK v2: get-account-authorization-details as parallel paginated streams,
// the account alias and the credential report, with adaptive retries for
// throttling. It can only send the operations in its allowlist (allowlist.go),
// all of them reads; the guard sits in the SDK clients it builds.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/arn"
)

// Options says whose credentials to use and which account to capture.
// Empty fields take the AWS CLI's defaults.
type Options struct {
	Profile     string // shared config profile; "" → AWS_PROFILE or "default"
	Region      string // "" → AWS_REGION / profile region, else us-east-1
	RoleARN     string // assume this role first and capture its account
	ExternalID  string // for RoleARN
	SessionName string // for RoleARN; "" → "iamx-" + the caller's name

	// CredentialReportWait bounds how long to wait for IAM to generate
	// the credential report; 0 means 60 s. When it runs out the snapshot
	// has no credential report and a warning says why.
	CredentialReportWait time.Duration

	// For tests and measurements in this package.
	retry        retryTuning
	pageSize     int32 // MaxItems per GAAD request; 0 → 1000, IAM's maximum
	singleStream bool  // one unfiltered GAAD stream instead of one per filter
}

type retryTuning struct {
	maxAttempts int
	maxBackoff  time.Duration
}

// gaadStreams are the parallel GAAD streams, one per entity type. IAM
// paginates each independently, so an account's pages arrive at the speed
// of its largest type rather than of all types in a row.
var gaadStreams = []struct {
	name   string
	filter types.EntityType
}{
	{StreamUsers, types.EntityTypeUser},
	{StreamGroups, types.EntityTypeGroup},
	{StreamRoles, types.EntityTypeRole},
	{StreamLocalPolicies, types.EntityTypeLocalManagedPolicy},
	{StreamAWSPolicies, types.EntityTypeAWSManagedPolicy},
}

// Capture reads the account's IAM configuration. progress, when not nil,
// receives events one at a time (never concurrently) as pages arrive. The
// snapshot holds no credentials. Cancelling ctx stops every request and
// returns an error that says the capture was cancelled.
func Capture(ctx context.Context, opts Options, progress func(Progress)) (*model.Snapshot, error) {
	c := &capture{opts: opts}
	if progress != nil {
		c.progress = func(p Progress) {
			c.progressMu.Lock()
			defer c.progressMu.Unlock()
			progress(p)
		}
	} else {
		c.progress = func(Progress) {}
	}
	snap, err := c.run(ctx)
	if cerr := cancelled(ctx); cerr != nil {
		return nil, cerr
	}
	return snap, err
}

type capture struct {
	opts       Options
	progressMu sync.Mutex
	progress   func(Progress)
	callerARN  string
}

func (c *capture) run(ctx context.Context) (*model.Snapshot, error) {
	if c.opts.RoleARN != "" {
		// Say what is wrong with the ARN before touching credentials.
		a, err := arn.Parse(c.opts.RoleARN)
		if err != nil {
			return nil, fmt.Errorf("role to assume: %w", err)
		}
		if a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
			return nil, fmt.Errorf("role to assume: %q is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", c.opts.RoleARN)
		}
	}
	cfg, err := loadConfig(ctx, c.opts)
	if err != nil {
		return nil, err
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if cerr := cancelled(ctx); cerr != nil {
			return nil, cerr
		}
		return nil, fmt.Errorf("no usable AWS credentials (looked in the environment, shared config and credentials files, SSO, container and instance roles; use --profile or AWS_PROFILE): %w", err)
	}
	cl := newClients(cfg)

	c.progress(Progress{Stream: StreamCaller})
	caller, err := callerIdentity(ctx, cl.sts)
	if err != nil {
		c.progress(Progress{Stream: StreamCaller, Done: true, Err: err})
		return nil, fmt.Errorf("check AWS credentials: %w", err)
	}
	if c.opts.RoleARN != "" {
		session := c.opts.SessionName
		if session == "" {
			session = defaultSessionName(caller.arn)
		}
		cl = newClients(assumeRole(cfg, cl.sts, c.opts.RoleARN, c.opts.ExternalID, session))
		assumed, err := callerIdentity(ctx, cl.sts)
		if err != nil {
			c.progress(Progress{Stream: StreamCaller, Done: true, Err: err})
			return nil, fmt.Errorf("assume role %s as %s: %w", c.opts.RoleARN, caller.arn, err)
		}
		caller = assumed
	}
	c.callerARN = caller.arn
	c.progress(Progress{Stream: StreamCaller, Pages: 1, Items: 1, Done: true})

	capturedAt := time.Now().UTC()
	parts, err := c.fetch(ctx, cl.iam)
	if err != nil {
		return nil, err
	}

	doc := parts.gaad
	doc.Policies = policiesInUse(doc)
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("live capture: encode account details: %w", err)
	}
	snap, err := loader.ParseGAAD(data, "live capture of "+caller.account)
	if err != nil {
		return nil, fmt.Errorf("live capture: %w", err)
	}
	snap.AccountID = caller.account
	if p, err := arn.Parse(caller.arn); err == nil && p.Partition != "" {
		snap.Partition = p.Partition
	}
	snap.CapturedAt = capturedAt
	snap.CapturedBy = caller.arn
	snap.Source = "live"
	if len(parts.aliases) > 0 {
		snap.AccountAlias = parts.aliases[0]
	}
	snap.CredentialReport = parts.report
	parts.keys.attach(snap)
	snap.Warnings = append(snap.Warnings, parts.warnings...)
	return snap, nil
}

type identity struct{ arn, account string }

func callerIdentity(ctx context.Context, client *sts.Client) (identity, error) {
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return identity{}, fmt.Errorf("sts:GetCallerIdentity: %w", err)
	}
	return identity{arn: aws.ToString(out.Arn), account: aws.ToString(out.Account)}, nil
}

// sessionNameUnsafe matches what RoleSessionName may not contain.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
var sessionNameUnsafe = regexp.MustCompile(`[^\w+=,.@-]`)

// defaultSessionName is "iamx-" and the caller's name, so CloudTrail in the
// target account shows who captured it: "iamx-alice" for user/alice,
// "iamx-alice@example.com" for an SSO session.
func defaultSessionName(callerARN string) string {
	name := callerARN
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	} else if i := strings.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	s := "iamx-" + sessionNameUnsafe.ReplaceAllString(name, "_")
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

// fetched is everything the parallel calls returned.
type fetched struct {
	gaad     gaadDoc
	aliases  []string
	report   []model.CredentialReportRow
	warnings []model.Warning
	keys     *accessKeyLister
}

// fetch runs the GAAD streams, the alias lookup and the credential report at
// once. A failed GAAD stream cancels the rest; the optional calls only
// produce warnings.
func (c *capture) fetch(ctx context.Context, client *iam.Client) (*fetched, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	type streamSpec struct {
		name    string
		filters []types.EntityType
	}
	var specs []streamSpec
	if c.opts.singleStream {
		specs = []streamSpec{{name: StreamAll}}
	} else {
		for _, s := range gaadStreams {
			specs = append(specs, streamSpec{s.name, []types.EntityType{s.filter}})
		}
	}
	results := make([]gaadDoc, len(specs))
	errs := make([]error, len(specs))
	// Empty lists, not null: an account without roles is still a GAAD document.
	out := &fetched{gaad: gaadDoc{UserDetailList: []types.UserDetail{}, GroupDetailList: []types.GroupDetail{}, RoleDetailList: []types.RoleDetail{}, Policies: []types.ManagedPolicyDetail{}}}
	var aliasErr, reportErr error

	c.progress(Progress{Stream: StreamAccessKeys})
	keys := startAccessKeys(ctx, client)
	var wg sync.WaitGroup
	for i, s := range specs {
		wg.Go(func() {
			results[i], errs[i] = c.stream(ctx, client, s.name, s.filters, keys)
			if errs[i] != nil {
				cancel(errs[i])
			}
		})
	}
	wg.Go(func() {
		c.progress(Progress{Stream: StreamAliases})
		out.aliases, aliasErr = accountAliases(ctx, client)
		c.progress(c.optionalDone(StreamAliases, "account alias", len(out.aliases), aliasErr))
	})
	wg.Go(func() {
		c.progress(Progress{Stream: StreamCredentialReport})
		wait := c.opts.CredentialReportWait
		if wait <= 0 {
			wait = defaultReportWait
		}
		out.report, reportErr = credentialReport(ctx, client, wait)
		c.progress(c.optionalDone(StreamCredentialReport, "credential report", len(out.report), reportErr))
	})
	wg.Wait()
	// Every user name is queued now; the key listings ran alongside the
	// streams and finish here.
	keys.wait()
	out.keys = keys

	if err := cancelled(ctx); err != nil {
		// A stream's own failure says more than the cancellation it caused.
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			return nil, cause
		}
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for _, r := range results {
		out.gaad.UserDetailList = append(out.gaad.UserDetailList, r.UserDetailList...)
		out.gaad.GroupDetailList = append(out.gaad.GroupDetailList, r.GroupDetailList...)
		out.gaad.RoleDetailList = append(out.gaad.RoleDetailList, r.RoleDetailList...)
		out.gaad.Policies = append(out.gaad.Policies, r.Policies...)
	}
	if aliasErr != nil {
		out.warnings = append(out.warnings, c.optionalWarning("account alias", aliasErr))
	}
	if reportErr != nil {
		out.warnings = append(out.warnings, c.optionalWarning("credential report", reportErr))
	}
	done := Progress{Stream: StreamAccessKeys, Pages: 1, Done: true}
	for _, k := range keys.keys {
		done.Items += len(k)
	}
	if keys.failed > 0 {
		w := c.accessKeysWarning(keys)
		out.warnings = append(out.warnings, w)
		done.Warning = w.String()
	}
	c.progress(done)
	return out, nil
}

// accessKeysWarning says whose access keys are missing and why.
func (c *capture) accessKeysWarning(l *accessKeyLister) model.Warning {
	if l.first == nil {
		return model.Warning{Where: "live capture", Message: fmt.Sprintf("access keys of %d users not captured", l.failed)}
	}
	w := c.optionalWarning("access keys", l.first)
	if len(l.keys) > 0 {
		w.Message = fmt.Sprintf("access keys of %d users %s", l.failed, w.Message[len("access keys "):])
	}
	return w
}

// optionalDone is the final event of an optional stream.
func (c *capture) optionalDone(stream, what string, items int, err error) Progress {
	p := Progress{Stream: stream, Pages: 1, Items: items, Done: true}
	if err != nil {
		p.Warning = c.optionalWarning(what, err).String()
	}
	return p
}

// optionalWarning explains a failed optional call in the snapshot.
func (c *capture) optionalWarning(what string, err error) model.Warning {
	where := "live capture"
	if isAccessDenied(err) {
		return model.Warning{Where: where, Message: fmt.Sprintf("%s not captured: %s was denied (%s)", what, deniedAction(err), c.callerARN)}
	}
	return model.Warning{Where: where, Message: fmt.Sprintf("%s not captured: %v", what, err)}
}

// deniedAction names the IAM action a failed optional call was making.
func deniedAction(err error) string {
	var ce *callError
	if errors.As(err, &ce) {
		return ce.action
	}
	return "the call"
}

// stream pages through GAAD with one filter until IAM stops saying
// IsTruncated. IAM may return fewer items than MaxItems on a truncated page,
// so only IsTruncated and Marker decide when to stop.
func (c *capture) stream(ctx context.Context, client *iam.Client, name string, filters []types.EntityType, keys *accessKeyLister) (gaadDoc, error) {
	var doc gaadDoc
	pageSize := c.opts.pageSize
	if pageSize <= 0 {
		pageSize = 1000
	}
	p := Progress{Stream: name}
	c.progress(p)
	seen := make(map[string]bool)
	var marker *string
	for {
		page, err := client.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{
			Filter:   filters,
			MaxItems: aws.Int32(pageSize),
			Marker:   marker,
		})
		if err != nil {
			err = c.gaadError(name, p.Pages, err)
			p.Done, p.Err = true, err
			c.progress(p)
			return gaadDoc{}, err
		}
		doc.UserDetailList = append(doc.UserDetailList, page.UserDetailList...)
		if len(page.UserDetailList) > 0 {
			names := make([]string, len(page.UserDetailList))
			for i, u := range page.UserDetailList {
				names[i] = aws.ToString(u.UserName)
			}
			keys.users(ctx, names)
		}
		doc.GroupDetailList = append(doc.GroupDetailList, page.GroupDetailList...)
		doc.RoleDetailList = append(doc.RoleDetailList, page.RoleDetailList...)
		doc.Policies = append(doc.Policies, page.Policies...)
		p.Pages++
		p.Items += len(page.UserDetailList) + len(page.GroupDetailList) + len(page.RoleDetailList) + len(page.Policies)
		if !page.IsTruncated {
			p.Done = true
			c.progress(p)
			return doc, nil
		}
		c.progress(p)
		next := aws.ToString(page.Marker)
		if next == "" || seen[next] {
			err := fmt.Errorf("iam:GetAccountAuthorizationDetails (%s) page %d: IAM said more pages follow but gave no new Marker", name, p.Pages)
			p.Done, p.Err = true, err
			c.progress(p)
			return gaadDoc{}, err
		}
		seen[next] = true
		marker = &next
	}
}

// gaadError explains a failed GAAD request; denial names the permission and
// who lacked it, since without GAAD there is no snapshot.
func (c *capture) gaadError(stream string, page int, err error) error {
	if isAccessDenied(err) {
		return fmt.Errorf("%s is not allowed iam:GetAccountAuthorizationDetails, which a live capture needs (grant it, e.g. with the minimal policy in the README, or load a snapshot file): %w", c.callerARN, err)
	}
	return fmt.Errorf("iam:GetAccountAuthorizationDetails (%s) page %d: %w", stream, page+1, err)
}

// policiesInUse drops AWS managed policies that nothing in the account
// attaches or uses as a boundary: GAAD's AWSManagedPolicy filter returns all
// of AWS's (over a thousand), and those unused grant nothing here. Customer
// managed policies are all kept. Usage is taken both from IAM's counts and
// from the entities' references, since emulators do not always keep the
// counts.
func policiesInUse(doc gaadDoc) []types.ManagedPolicyDetail {
	used := make(map[string]bool)
	refs := func(att []types.AttachedPolicy, b *types.AttachedPermissionsBoundary) {
		for _, a := range att {
			used[aws.ToString(a.PolicyArn)] = true
		}
		if b != nil {
			used[aws.ToString(b.PermissionsBoundaryArn)] = true
		}
	}
	for _, u := range doc.UserDetailList {
		refs(u.AttachedManagedPolicies, u.PermissionsBoundary)
	}
	for _, g := range doc.GroupDetailList {
		refs(g.AttachedManagedPolicies, nil)
	}
	for _, r := range doc.RoleDetailList {
		refs(r.AttachedManagedPolicies, r.PermissionsBoundary)
	}
	out := make([]types.ManagedPolicyDetail, 0, len(doc.Policies))
	for _, p := range doc.Policies {
		arn := aws.ToString(p.Arn)
		managed := model.IsAWSManagedARN(arn)
		if !managed || used[arn] || aws.ToInt32(p.AttachmentCount) > 0 || aws.ToInt32(p.PermissionsBoundaryUsageCount) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// accountAliases lists the account's aliases (IAM allows at most one).
func accountAliases(ctx context.Context, client *iam.Client) ([]string, error) {
	var out []string
	var marker *string
	for {
		page, err := client.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{Marker: marker})
		if err != nil {
			return nil, &callError{"iam:ListAccountAliases", err}
		}
		out = append(out, page.AccountAliases...)
		if !page.IsTruncated || aws.ToString(page.Marker) == "" {
			return out, nil
		}
		marker = page.Marker
	}
}
