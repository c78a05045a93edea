package live

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// countingServer answers every request with an empty GAAD page and counts
// what reaches it.
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "text/xml")
		w.Write([]byte(`<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult><IsTruncated>false</IsTruncated></GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func guardedClients(endpoint string) clients {
	return newClients(aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(testAccessKeyID, testSecretKey, ""),
	})
}

// Every client newClients builds refuses operations outside the allowlist
// before anything is sent. Reads that iamx does not need are refused too:
// the allowlist is what iamx does, not what is harmless.
func TestAllowlistRefusesBeforeSending(t *testing.T) {
	srv, requests := countingServer(t)
	c := guardedClients(srv.URL)
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
	}{
		{"iam:CreateUser", func() error {
			_, err := c.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
			return err
		}},
		{"iam:CreateAccessKey", func() error {
			_, err := c.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
			return err
		}},
		{"iam:PutRolePolicy", func() error {
			_, err := c.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String("{}")})
			return err
		}},
		{"iam:UpdateAssumeRolePolicy", func() error {
			_, err := c.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: aws.String("{}")})
			return err
		}},
		{"iam:DeleteAccountAlias", func() error {
			_, err := c.iam.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String("a")})
			return err
		}},
		{"iam:ListUsers (a read iamx does not use)", func() error {
			_, err := c.iam.ListUsers(ctx, &iam.ListUsersInput{})
			return err
		}},
		{"sts:AssumeRoleWithWebIdentity", func() error {
			_, err := c.sts.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/x"), RoleSessionName: aws.String("s"), WebIdentityToken: aws.String("t")})
			return err
		}},
		{"sts:GetSessionToken", func() error {
			_, err := c.sts.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := requests.Load()
			err := tt.call()
			var refused *RefusedError
			if !errors.As(err, &refused) {
				t.Fatalf("err = %v, want a *RefusedError", err)
			}
			if n := requests.Load() - before; n != 0 {
				t.Errorf("%d requests reached the server", n)
			}
		})
	}

	// Control: an allowed operation does reach the same server, so the
	// zero counts above are the guard's doing.
	before := requests.Load()
	if _, err := c.iam.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{}); err != nil {
		t.Fatalf("allowed GetAccountAuthorizationDetails: %v", err)
	}
	if requests.Load() == before {
		t.Error("allowed GetAccountAuthorizationDetails never reached the server")
	}
}

// The allowlist is exactly the seven operations the README's minimal policy grants.
func TestAllowedOperations(t *testing.T) {
	want := []string{
		"sts:AssumeRole", "sts:GetCallerIdentity",
		"iam:GenerateCredentialReport", "iam:GetAccountAuthorizationDetails", "iam:GetCredentialReport", "iam:ListAccessKeys", "iam:ListAccountAliases",
	}
	got := AllowedOperations()
	if len(got) != len(want) {
		t.Fatalf("AllowedOperations() = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("AllowedOperations()[%d] = %q, want %q", i, got[i], want[i])
		}
	}
}
