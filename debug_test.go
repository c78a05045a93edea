package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// --debug is taken from anywhere on the command line (DESIGN §2: "--debug
// on every command"), but not after "--", where it is an argument.
func TestTakeDebug(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want []string
		on   bool
	}{
		{"absent", []string{"can", "alice", "s3:GetObject"}, []string{"can", "alice", "s3:GetObject"}, false},
		{"after the arguments", []string{"can", "alice", "s3:GetObject", "--debug"}, []string{"can", "alice", "s3:GetObject"}, true},
		{"single dash before the command", []string{"-debug", "findings", "--demo"}, []string{"findings", "--demo"}, true},
		{"explicit false", []string{"perms", "bob", "--debug=false"}, []string{"perms", "bob"}, false},
		{"explicit true", []string{"perms", "bob", "--debug=true"}, []string{"perms", "bob"}, true},
		{"after -- it is an argument", []string{"can", "--", "--debug"}, []string{"can", "--", "--debug"}, false},
		{"a longer flag is not it", []string{"who-can", "--debugger"}, []string{"who-can", "--debugger"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, on := takeDebug(tc.args)
			if !slices.Equal(got, tc.want) || on != tc.on {
				t.Errorf("takeDebug(%q) = %q, %v; want %q, %v", tc.args, got, on, tc.want, tc.on)
			}
		})
	}
}

// Without --debug a failure is one line (DESIGN §2); with it, the line is
// followed by the error chain, and a live failure shows what the AWS SDK
// said: error code, HTTP status and request ID, which a bug report needs.
//
// https://docs.aws.amazon.com/sdk-for-go/v2/developer-guide/handle-errors.html
func TestDebugErrorDetail(t *testing.T) {
	// The chain the SDK returns for a refused call, wrapped as loader/live
	// and source_live.go wrap it.
	sdkErr := &smithy.OperationError{
		ServiceID:     "STS",
		OperationName: "GetCallerIdentity",
		Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{
				Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 403}},
				Err:      &smithy.GenericAPIError{Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid.", Fault: smithy.FaultClient},
			},
			RequestID: "4f1e-example",
		},
	}
	err := fmt.Errorf("check AWS credentials: %w", fmt.Errorf("sts:GetCallerIdentity: %w", sdkErr))

	var quiet bytes.Buffer
	fail(&env{stderr: &quiet}, err)
	if n := strings.Count(quiet.String(), "\n"); n != 1 {
		t.Errorf("without --debug the failure is %d lines, want 1:\n%s", n, quiet.String())
	}

	var loud bytes.Buffer
	fail(&env{stderr: &loud, debug: true}, err)
	got := loud.String()
	if !strings.HasPrefix(got, quiet.String()) {
		t.Errorf("with --debug the first line changed:\n%s\nwant first %s", got, quiet.String())
	}
	for _, want := range []string{`code "InvalidClientTokenId"`, "fault client", "HTTP status 403", "request ID 4f1e-example", "*smithy.OperationError", "*smithy.GenericAPIError"} {
		if !strings.Contains(got, want) {
			t.Errorf("--debug output lacks %q:\n%s", want, got)
		}
	}
}

// An internal error (a recovered panic) is one line; --debug adds the stack,
// which names the function that panicked.
func TestDebugInternalErrorStack(t *testing.T) {
	for _, debug := range []bool{false, true} {
		var stderr bytes.Buffer
		e := &env{stderr: &stderr, debug: debug}
		code := func() (code int) {
			defer func() {
				if r := recover(); r != nil {
					code = internalError(e, r)
				}
			}()
			panicForTest()
			return exitOK
		}()
		if code != exitError {
			t.Errorf("debug=%v: exit %d, want %d", debug, code, exitError)
		}
		out := stderr.String()
		if !strings.HasPrefix(out, "iamx: internal error: runtime error: index out of range") {
			t.Errorf("debug=%v: stderr %q", debug, out)
		}
		if hasStack := strings.Contains(out, "panicForTest"); hasStack != debug {
			t.Errorf("debug=%v: stack printed %v:\n%s", debug, hasStack, out)
		}
	}
}

//go:noinline
func panicForTest() {
	var s []int
	i := len(errors.New("x").Error()) // not a constant, so vet lets it be
	_ = s[i]
}

// --debug reaches every command without a flag of its own: a usage error
// stays exit 2 and gains its detail, a successful answer is unchanged.
func TestDebugOnEveryCommand(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, "", c.name, "--debug", "--no-such-flag")
			if code != exitError {
				t.Fatalf("exit %d, want %d: %s", code, exitError, stderr)
			}
			if strings.Contains(stderr, "-debug") {
				t.Errorf("--debug was read as the command's own flag: %s", stderr)
			}
			if !strings.Contains(stderr, "iamx: debug: *main.usageError") {
				t.Errorf("no debug detail: %s", stderr)
			}
		})
	}
	plain, _, code := runCLI(t, "", "can", "carol", "iam:CreateUser", "--demo", "--json")
	debugged, _, debugCode := runCLI(t, "", "can", "carol", "iam:CreateUser", "--demo", "--json", "--debug")
	if plain != debugged || code != debugCode {
		t.Errorf("--debug changed an answer: exit %d vs %d\n%s\n%s", code, debugCode, plain, debugged)
	}
}

// A live failure end to end: the SDK talks to a loopback endpoint that
// refuses sts:GetCallerIdentity as AWS does, and --debug shows the error
// code, HTTP status and request ID that the one-line message summarises.
//
// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
func TestDebugLiveErrorDetail(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>`+
			`<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error>`+
			`<RequestId>debug-test-request-id</RequestId></ErrorResponse>`)
	}))
	defer srv.Close()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": srv.URL, "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "example",
		"AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "", "AWS_SESSION_TOKEN": "", "AWS_MAX_ATTEMPTS": "1",
	} {
		t.Setenv(k, v)
	}
	_, quiet, code := runCLI(t, "", "can", "alice", "s3:GetObject")
	if code != exitError || strings.Count(quiet, "\n") != 1 {
		t.Fatalf("without --debug: exit %d, stderr %q; want exit 2 and one line", code, quiet)
	}
	_, loud, code := runCLI(t, "", "can", "alice", "s3:GetObject", "--debug")
	if code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	for _, want := range []string{`code "InvalidClientTokenId"`, "HTTP status 403", "request ID debug-test-request-id"} {
		if !strings.Contains(loud, want) {
			t.Errorf("--debug output lacks %q:\n%s", want, loud)
		}
	}
}
