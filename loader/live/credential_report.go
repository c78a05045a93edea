package live

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamx/iamx/model"
)

const (
	defaultReportWait  = 60 * time.Second
	reportPollStart    = 500 * time.Millisecond
	reportPollMaxDelay = 5 * time.Second
)

// errReportNotReady says the report was still being generated when the
// wait ran out.
var errReportNotReady = errors.New("not ready")

// credentialReport asks IAM to generate the credential report, polls until
// it is complete or wait has passed, and returns its rows. IAM builds the
// report at most every four hours and serves the cached one in between, so
// GenerateCredentialReport is usually COMPLETE at once.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
func credentialReport(ctx context.Context, client *iam.Client, wait time.Duration) ([]model.CredentialReportRow, error) {
	deadline := time.Now().Add(wait)
	delay := reportPollStart
	for {
		gen, err := client.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		if err != nil {
			if isAccessDenied(err) {
				// A report generated earlier by someone else may still be
				// readable; it is the same data, only older.
				return readCredentialReport(ctx, client, &callError{"iam:GenerateCredentialReport", err})
			}
			return nil, &callError{"iam:GenerateCredentialReport", err}
		}
		if gen.State == types.ReportStateTypeComplete {
			rows, err := readCredentialReport(ctx, client, nil)
			switch errorCode(err) {
			case "ReportInProgress", "ReportNotPresent", "ReportExpired":
				// raced with generation; poll again
			default:
				return rows, err
			}
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return nil, fmt.Errorf("credential report %w after %s", errReportNotReady, wait)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(min(delay, remaining)):
		}
		delay = min(2*delay, reportPollMaxDelay)
	}
}

// readCredentialReport fetches and parses the current report. generateErr,
// when set, is why generation was skipped; it is reported if reading fails too.
func readCredentialReport(ctx context.Context, client *iam.Client, generateErr error) ([]model.CredentialReportRow, error) {
	out, err := client.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil {
		if generateErr != nil {
			return nil, generateErr
		}
		return nil, &callError{"iam:GetCredentialReport", err}
	}
	if f := out.ReportFormat; f != "" && f != types.ReportFormatTypeTextCsv {
		return nil, fmt.Errorf("iam:GetCredentialReport: unexpected format %q", f)
	}
	rows, err := parseCredentialReport(out.Content)
	if err != nil {
		return nil, fmt.Errorf("iam:GetCredentialReport: %w", err)
	}
	return rows, nil
}

// parseCredentialReport reads the report CSV by column name, so columns AWS
// adds later are ignored and missing ones stay empty.
func parseCredentialReport(content []byte) ([]model.CredentialReportRow, error) {
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("credential report CSV header: %w", err)
	}
	known := make(map[string]bool, len(model.CredentialReportColumns))
	for _, c := range model.CredentialReportColumns {
		known[c] = true
	}
	if len(header) < 2 || header[0] != "user" || header[1] != "arn" {
		return nil, fmt.Errorf("credential report CSV: header starts %q, want \"user,arn,…\"", header[:min(2, len(header))])
	}
	var rows []model.CredentialReportRow
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("credential report CSV line %d: %w", line, err)
		}
		// The row type's JSON names are the CSV's column names: go through
		// a map so that one table (the struct tags) names every column.
		m := make(map[string]string, len(header))
		for i, v := range rec {
			if i < len(header) && known[header[i]] {
				m[header[i]] = v
			}
		}
		b, err := json.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("credential report CSV line %d: %w", line, err)
		}
		var row model.CredentialReportRow
		if err := json.Unmarshal(b, &row); err != nil {
			return nil, fmt.Errorf("credential report CSV line %d: %w", line, err)
		}
		rows = append(rows, row)
	}
}
