package live

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamx/iamx/loader/live/internal/awsproxy"
	"github.com/iamx/iamx/loader/live/internal/motoserver"
)

// buildBulk creates an account of the given shape, eight calls at a time.
// Users get a managed policy each (customer or AWS), roles an inline policy.
func buildBulk(b testing.TB, c *iam.Client, users, roles, groups, policies int) {
	b.Helper()
	ctx := context.Background()
	var calls []func() error
	for i := range policies {
		calls = append(calls, func() error {
			_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(fmt.Sprintf("p%04d", i)), PolicyDocument: aws.String(doc(allow("s3:GetObject", fmt.Sprintf("arn:aws:s3:::bucket-%d/*", i))))})
			return err
		})
	}
	for i := range groups {
		calls = append(calls, func() error {
			_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(fmt.Sprintf("g%04d", i))})
			return err
		})
	}
	if err := runAll(calls); err != nil {
		b.Fatalf("setup: %v", err)
	}
	calls = nil
	awsPolicies := []string{awsReadOnly, awsIAMRead, awsAdmin}
	for i := range users {
		calls = append(calls, func() error {
			name := fmt.Sprintf("u%05d", i)
			if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
				return err
			}
			arn := awsPolicies[i%len(awsPolicies)]
			if policies > 0 && i%2 == 0 {
				arn = fmt.Sprintf("%s/p%04d", policyPrefix, i%policies)
			}
			_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(name), PolicyArn: aws.String(arn)})
			return err
		})
	}
	for i := range roles {
		calls = append(calls, func() error {
			name := fmt.Sprintf("r%05d", i)
			if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust(`{"Service":"lambda.amazonaws.com"}`))}); err != nil {
				return err
			}
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("logs"), PolicyDocument: aws.String(doc(allow("logs:PutLogEvents", "*")))})
			return err
		})
	}
	if err := runAll(calls); err != nil {
		b.Fatalf("setup: %v", err)
	}
}

func runAll(calls []func() error) error {
	work := make(chan func() error)
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for call := range work {
				if err := call(); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, c := range calls {
		work <- c
	}
	close(work)
	wg.Wait()
	return first
}

// BenchmarkCaptureLatency compares the parallel capture (one GAAD stream per
// entity type) with a single unfiltered GAAD stream, everything else equal:
// same account, same proxy adding 100 ms to every request, same page size,
// the caller identity first and the alias and credential report calls
// alongside in both, and the whole snapshot decoded in both.
//
// moto answers GAAD in one page whatever MaxItems says, so the proxy pages
// it the way IAM may: at most 25 entities per page, however many were asked
// for, and only the AWS managed policies in use (moto returns all ~1,500;
// IAM returns those the account uses). With latency dominating, the
// sequential stream costs one round trip per page of the whole account and
// the parallel capture one per page of its largest entity type, so the
// speed-up is bounded by Σ pages / max pages per type, whatever the page
// size. "balanced" has four types of 150 (6 pages each: the favourable
// case, bound ≈ 3.7× with the fixed first round trip); "reference" is
// DESIGN.md's reference account (5,000 users, 5,000 roles, 300 groups,
// 1,500 policies) at 1/20 scale, where users and roles dominate and the
// bound is ≈ 2.3×.
func BenchmarkCaptureLatency(b *testing.B) {
	shapes := []struct {
		name                           string
		users, roles, groups, policies int
	}{
		{"balanced", 150, 150, 150, 150},
		{"reference", 250, 250, 15, 75},
	}
	for _, sh := range shapes {
		b.Run(sh.name, func(b *testing.B) {
			moto := motoserver.Start(b)
			buildBulk(b, setupClient(moto.URL), sh.users, sh.roles, sh.groups, sh.policies)
			proxy := awsproxy.Start(b, moto.URL, awsproxy.Options{Latency: 100 * time.Millisecond, PageSize: 25, InUseAWSPoliciesOnly: true})
			liveEnv(b, proxy.URL)
			for _, mode := range []struct {
				name   string
				single bool
			}{{"parallel", false}, {"sequential", true}} {
				b.Run(mode.name, func(b *testing.B) {
					opts := Options{singleStream: mode.single}
					// Warm up: the proxy asks moto for each filter set once
					// and pages from its copy afterwards; moto's answer
					// (seconds, with every AWS managed policy in it) is
					// setup, not capture time.
					if _, err := Capture(context.Background(), opts, nil); err != nil {
						b.Fatalf("Capture: %v", err)
					}
					before := len(proxy.Operations())
					for b.Loop() {
						snap, err := Capture(context.Background(), opts, nil)
						if err != nil {
							b.Fatalf("Capture: %v", err)
						}
						if len(snap.Users) != sh.users || len(snap.Roles) != sh.roles {
							b.Fatalf("captured %d users and %d roles, want %d and %d", len(snap.Users), len(snap.Roles), sh.users, sh.roles)
						}
					}
					gaad := 0
					for _, op := range proxy.Operations()[before:] {
						if op == "iam:GetAccountAuthorizationDetails" {
							gaad++
						}
					}
					b.ReportMetric(float64(gaad)/float64(b.N), "gaad-requests/op")
				})
			}
		})
	}
}
