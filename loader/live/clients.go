package live

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
)

// Retry defaults. IAM throttles per account, and a big account's capture
// sends hundreds of pages from several streams at once, so give throttling
// room: ten attempts with backoff up to 20 s, and adaptive mode so that the
// client slows its sending rate for every stream after a throttle.
const (
	defaultMaxAttempts = 10
	defaultMaxBackoff  = 20 * time.Second
)

// clients are the only AWS clients a capture uses. They are built by
// newClients alone, which installs the allowlist guard.
type clients struct {
	iam *iam.Client
	sts *sts.Client
	cfg aws.Config // the configuration they were built from, for the resource clients (resources.go)
}

// newClients builds the IAM and STS clients from cfg with the allowlist guard
// installed. Endpoints come from cfg as the SDK resolves them: AWS_ENDPOINT_URL,
// AWS_ENDPOINT_URL_IAM / _STS and a profile's endpoint_url all apply.
func newClients(cfg aws.Config) clients {
	guard := func(apiOptions *[]func(*middleware.Stack) error) {
		*apiOptions = append(*apiOptions, addAllowlistGuard)
	}
	return clients{
		iam: iam.NewFromConfig(cfg, func(o *iam.Options) { guard(&o.APIOptions) }),
		sts: sts.NewFromConfig(cfg, func(o *sts.Options) { guard(&o.APIOptions) }),
		cfg: cfg,
	}
}

// loadConfig resolves credentials and region the way the AWS CLI does:
// environment, shared config and credentials files (profiles, SSO,
// credential_process, role chains), then container and instance roles.
func loadConfig(ctx context.Context, opts Options) (aws.Config, error) {
	maxAttempts, maxBackoff := defaultMaxAttempts, defaultMaxBackoff
	if opts.retry.maxAttempts > 0 {
		maxAttempts = opts.retry.maxAttempts
	}
	if opts.retry.maxBackoff > 0 {
		maxBackoff = opts.retry.maxBackoff
	}
	load := []func(*config.LoadOptions) error{
		config.WithAppID("iamx"),
		// Errors come back as values and are reported once; the SDK's own
		// log lines would only tear through the progress line on stderr.
		config.WithLogger(logging.Nop{}),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
				o.StandardOptions = append(o.StandardOptions, func(s *retry.StandardOptions) {
					s.MaxAttempts = maxAttempts
					s.MaxBackoff = maxBackoff
					// The retry quota protects long-running services from
					// retry storms; a capture is one bounded job whose
					// sending rate adaptive mode already lowers, and
					// failing it halfway helps nobody.
					s.RateLimiter = ratelimit.None
				})
			})
		}),
	}
	if opts.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		load = append(load, config.WithRegion(opts.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		if opts.Profile != "" {
			return aws.Config{}, fmt.Errorf("load AWS configuration for profile %q: %w", opts.Profile, err)
		}
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		// IAM is global and the CLI reaches it without a region; the SDK
		// needs one to sign, and us-east-1 is where IAM lives in the aws
		// partition. Other partitions need --region (cn-north-1, us-gov-west-1).
		cfg.Region = "us-east-1"
	}
	return cfg, nil
}

// assumeRole returns a copy of cfg whose credentials come from assuming
// roleARN with the guarded STS client. The credentials live only in memory.
func assumeRole(cfg aws.Config, stsClient *sts.Client, roleARN, externalID, sessionName string) aws.Config {
	provider := stscreds.NewAssumeRoleProvider(stsClient, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = sessionName
		if externalID != "" {
			o.ExternalID = aws.String(externalID)
		}
	})
	out := cfg.Copy()
	out.Credentials = aws.NewCredentialsCache(provider)
	return out
}
