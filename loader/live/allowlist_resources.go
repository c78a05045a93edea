package live

import (
	"maps"
	"slices"
)

// allowedResources extends the allowlist (allowlist.go) with the reads of
// the resource-policy capture (--services), keyed by SDK service ID and
// operation name, each with the IAM action that permits it (what the
// README's minimal policy lists). All are List, Get or Describe calls; no
// operation that reads data (GetObject, GetSecretValue, ReceiveMessage) or
// changes anything is here, and the guard refuses whatever is not.
var allowedResources = map[string]map[string]string{
	"S3": {
		"ListBuckets":                "s3:ListAllMyBuckets",
		"GetBucketLocation":          "s3:GetBucketLocation",
		"GetBucketPolicy":            "s3:GetBucketPolicy",
		"GetBucketPolicyStatus":      "s3:GetBucketPolicyStatus",
		"GetPublicAccessBlock":       "s3:GetBucketPublicAccessBlock",
		"GetBucketOwnershipControls": "s3:GetBucketOwnershipControls",
		"GetBucketAcl":               "s3:GetBucketAcl",
	},
	"S3 Control": {
		"GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
	},
	"KMS": {
		"ListKeys":     "kms:ListKeys",
		"DescribeKey":  "kms:DescribeKey",
		"GetKeyPolicy": "kms:GetKeyPolicy",
		"ListGrants":   "kms:ListGrants",
	},
	"SQS": {
		"ListQueues":         "sqs:ListQueues",
		"GetQueueAttributes": "sqs:GetQueueAttributes",
	},
	"SNS": {
		"ListTopics":         "sns:ListTopics",
		"GetTopicAttributes": "sns:GetTopicAttributes",
	},
	"Lambda": {
		"ListFunctions":          "lambda:ListFunctions",
		"ListAliases":            "lambda:ListAliases",
		"ListVersionsByFunction": "lambda:ListVersionsByFunction",
		"GetPolicy":              "lambda:GetPolicy",
		"GetFunctionUrlConfig":   "lambda:GetFunctionUrlConfig",
	},
	"Secrets Manager": {
		"ListSecrets":       "secretsmanager:ListSecrets",
		"GetResourcePolicy": "secretsmanager:GetResourcePolicy",
	},
	"ECR": {
		"DescribeRepositories": "ecr:DescribeRepositories",
		"GetRepositoryPolicy":  "ecr:GetRepositoryPolicy",
		"GetRegistryPolicy":    "ecr:GetRegistryPolicy",
	},
	"Organizations": {
		"DescribeOrganization":             "organizations:DescribeOrganization",
		"ListRoots":                        "organizations:ListRoots",
		"ListOrganizationalUnitsForParent": "organizations:ListOrganizationalUnitsForParent",
		"ListAccountsForParent":            "organizations:ListAccountsForParent",
		"ListPolicies":                     "organizations:ListPolicies",
		"DescribePolicy":                   "organizations:DescribePolicy",
		"ListTargetsForPolicy":             "organizations:ListTargetsForPolicy",
	},
}

func isAllowedResource(serviceID, operation string) bool {
	return allowedResources[serviceID][operation] != ""
}

// ResourceOperations lists the IAM actions the resource-policy capture
// needs, sorted, for documentation and tests.
func ResourceOperations() []string {
	set := map[string]bool{}
	for _, ops := range allowedResources {
		for _, action := range ops {
			set[action] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}
