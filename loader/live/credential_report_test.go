package live

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// scriptedIAM answers GenerateCredentialReport with the given states in turn
// (the last repeats) and GetCredentialReport with content, or with the error
// code getErr.
func scriptedIAM(t *testing.T, states []string, getErr, content string) (*httptest.Server, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var calls []string
	gen := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		action := form.Get("Action")
		mu.Lock()
		calls = append(calls, action)
		state := states[min(gen, len(states)-1)]
		if action == "GenerateCredentialReport" {
			gen++
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		switch {
		case action == "GenerateCredentialReport" && state == "AccessDenied",
			action == "GetCredentialReport" && getErr != "":
			code := state
			if action == "GetCredentialReport" {
				code = getErr
			}
			status := http.StatusForbidden
			if code != "AccessDenied" {
				status = http.StatusGone
			}
			w.WriteHeader(status)
			fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>scripted</Message></Error><RequestId>1</RequestId></ErrorResponse>`, code)
		case action == "GenerateCredentialReport":
			fmt.Fprintf(w, `<GenerateCredentialReportResponse><GenerateCredentialReportResult><State>%s</State></GenerateCredentialReportResult></GenerateCredentialReportResponse>`, state)
		case action == "GetCredentialReport":
			fmt.Fprintf(w, `<GetCredentialReportResponse><GetCredentialReportResult><Content>%s</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-01-01T00:00:00Z</GeneratedTime></GetCredentialReportResult></GetCredentialReportResponse>`,
				base64.StdEncoding.EncodeToString([]byte(content)))
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), calls...)
	}
}

// IAM generates the report asynchronously: GenerateCredentialReport says
// STARTED or INPROGRESS until it is COMPLETE, and GetCredentialReport fails
// with ReportInProgress meanwhile. A denied GenerateCredentialReport still
// lets an existing report be read.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateCredentialReport.html
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetCredentialReport.html
func TestCredentialReportPolling(t *testing.T) {
	const csv = "user,arn,mfa_active\nalice,arn:aws:iam::123456789012:user/alice,true\n"
	tests := []struct {
		name      string
		states    []string
		getErr    string
		wait      time.Duration
		wantRows  int
		wantErr   string
		wantCalls string
	}{
		{name: "complete at once", states: []string{"COMPLETE"}, wait: time.Second, wantRows: 1,
			wantCalls: "GenerateCredentialReport GetCredentialReport"},
		{name: "started then in progress then complete", states: []string{"STARTED", "INPROGRESS", "COMPLETE"}, wait: 10 * time.Second, wantRows: 1,
			wantCalls: "GenerateCredentialReport GenerateCredentialReport GenerateCredentialReport GetCredentialReport"},
		{name: "never ready within the bound", states: []string{"STARTED", "INPROGRESS"}, wait: 1200 * time.Millisecond, wantErr: "not ready after 1.2s"},
		{name: "generation denied but an existing report is readable", states: []string{"AccessDenied"}, wait: time.Second, wantRows: 1,
			wantCalls: "GenerateCredentialReport GetCredentialReport"},
		{name: "generation denied and no report to read", states: []string{"AccessDenied"}, getErr: "ReportNotPresent", wait: time.Second,
			wantErr: "iam:GenerateCredentialReport"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, calls := scriptedIAM(t, tt.states, tt.getErr, csv)
			c := guardedClients(srv.URL)
			rows, err := credentialReport(context.Background(), c.iam, tt.wait)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if tt.states[0] == "AccessDenied" && !isAccessDenied(err) {
					t.Errorf("err = %v, want it to stay an AccessDenied", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if len(rows) != tt.wantRows {
				t.Errorf("%d rows, want %d", len(rows), tt.wantRows)
			}
			if got := strings.Join(calls(), " "); got != tt.wantCalls {
				t.Errorf("calls %q, want %q", got, tt.wantCalls)
			}
		})
	}
}

// Polling stops as soon as the context is cancelled.
func TestCredentialReportCancelled(t *testing.T) {
	srv, _ := scriptedIAM(t, []string{"STARTED"}, "", "")
	c := guardedClients(srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := credentialReport(ctx, c.iam, time.Minute)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v to stop", d)
	}
}
