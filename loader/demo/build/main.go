// Command build assembles demo.json, the embedded demo account, from the
// hand-written account in src/account.json and the real AWS managed policies
// it names (from testdata/awsmanaged). It fills in attachment counts, checks
// that every document parses without a warning, and writes the snapshot in
// iamx's canonical form. Run it with "go generate" in loader/demo.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/testdata/awsmanaged"
)

func main() {
	if err := run("src/account.json", "demo.json"); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
}

func run(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	var top map[string]any
	if err := json.Unmarshal(data, &top); err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	var names []string
	for _, n := range top["aws_managed_policies"].([]any) {
		names = append(names, n.(string))
	}
	delete(top, "aws_managed_policies")
	aws, err := awsmanaged.Lookup(names...)
	if err != nil {
		return err
	}
	details := top["authorization_details"].(map[string]any)
	policies := details["Policies"].([]any)
	for _, p := range aws {
		policies = append(policies, map[string]any{
			"PolicyName":       p.Name,
			"Arn":              p.ARN,
			"Path":             p.Path,
			"DefaultVersionId": p.DefaultVersionID,
			"IsAttachable":     true,
			"CreateDate":       p.CreateDate,
			"UpdateDate":       p.UpdateDate,
			"PolicyVersionList": []any{map[string]any{
				"VersionId":        p.DefaultVersionID,
				"IsDefaultVersion": true,
				"CreateDate":       p.VersionCreate,
				"Document":         p.Document,
			}},
		})
	}
	details["Policies"] = policies
	assembled, err := json.Marshal(top)
	if err != nil {
		return err
	}
	s, err := loader.ParseGAAD(assembled, src)
	if err != nil {
		return err
	}
	if len(s.Warnings) > 0 {
		return fmt.Errorf("the demo must load cleanly; first warning: %s", s.Warnings[0])
	}

	// Attachment counts as IAM would report them.
	attached := map[string]int32{}
	boundary := map[string]int32{}
	for _, u := range s.Users {
		for _, a := range u.AttachedPolicies {
			attached[a.ARN]++
		}
		if u.PermissionsBoundary != "" {
			boundary[u.PermissionsBoundary]++
		}
	}
	for _, g := range s.Groups {
		for _, a := range g.AttachedPolicies {
			attached[a.ARN]++
		}
	}
	for _, r := range s.Roles {
		for _, a := range r.AttachedPolicies {
			attached[a.ARN]++
		}
		if r.PermissionsBoundary != "" {
			boundary[r.PermissionsBoundary]++
		}
	}
	known := map[string]bool{}
	for _, p := range s.Policies {
		p.AttachmentCount = attached[p.ARN]
		p.PermissionsBoundaryUsageCount = boundary[p.ARN]
		known[p.ARN] = true
	}
	for a := range attached {
		if !known[a] {
			return fmt.Errorf("%s is attached but not in the account", a)
		}
	}
	for a := range boundary {
		if !known[a] {
			return fmt.Errorf("boundary %s is not in the account", a)
		}
	}

	var buf bytes.Buffer
	if err := loader.Encode(&buf, s); err != nil {
		return err
	}
	return os.WriteFile(dst, buf.Bytes(), 0o644)
}
