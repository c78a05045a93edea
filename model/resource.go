package model

import "strings"

// Resource is a resource that can carry a resource-based policy: an S3
// bucket, a KMS key, an SQS queue, an SNS topic, a Lambda function, a
// Secrets Manager secret, an ECR repository. Type is the CloudFormation type
// name (AWS::S3::Bucket).
//
// Policy nil means two different things, told apart by Error: with Error
// empty the resource is known to have no policy; with Error set the policy
// could not be read (AccessDenied, a skipped region) and is unknown. "Not
// captured" is never read as "no policy".
type Resource struct {
	ARN     string
	Type    string
	Account string // owning account; from the ARN, or recorded (S3 bucket ARNs carry none)
	Region  string
	Policy  *Document
	Error   string

	S3     *S3Attributes
	KMS    *KMSAttributes
	Lambda *LambdaAttributes
}

// PolicyKnown reports whether the resource's policy (or its absence) was
// captured.
func (r *Resource) PolicyKnown() bool { return r.Error == "" }

// Resource types iamx reads policies of, as CloudFormation names them.
const (
	TypeS3Bucket       = "AWS::S3::Bucket"
	TypeKMSKey         = "AWS::KMS::Key"
	TypeSQSQueue       = "AWS::SQS::Queue"
	TypeSNSTopic       = "AWS::SNS::Topic"
	TypeLambdaFunction = "AWS::Lambda::Function"
	TypeSecret         = "AWS::SecretsManager::Secret"
	TypeECRRepository  = "AWS::ECR::Repository"
	// TypeECRRegistry is an ECR registry's policy (replication and
	// pull-through cache permissions), one per account and region; its ARN
	// is arn:PARTITION:ecr:REGION:ACCOUNT:registry, a name iamx gives it
	// (AWS has no ARN for a registry).
	TypeECRRegistry = "AWS::ECR::RegistryPolicy"
)

// ResourceTypeOf infers the CloudFormation type of a resource ARN; "" when
// the ARN names none of the types above.
func ResourceTypeOf(a string) string {
	parts := strings.SplitN(a, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	svc, res := parts[2], parts[5]
	switch svc {
	case "s3":
		if res != "" && !strings.Contains(res, "/") {
			return TypeS3Bucket
		}
	case "kms":
		if strings.HasPrefix(res, "key/") {
			return TypeKMSKey
		}
	case "sqs":
		return TypeSQSQueue
	case "sns":
		return TypeSNSTopic
	case "lambda":
		if strings.HasPrefix(res, "function:") {
			return TypeLambdaFunction
		}
	case "secretsmanager":
		if strings.HasPrefix(res, "secret:") {
			return TypeSecret
		}
	case "ecr":
		if strings.HasPrefix(res, "repository/") {
			return TypeECRRepository
		}
	}
	return ""
}

// PublicAccessBlock is an S3 Block Public Access configuration, of a bucket
// or of its account.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
type PublicAccessBlock struct {
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

// S3Attributes are what decides access to a bucket besides its policy.
type S3Attributes struct {
	BlockPublicAccess        *PublicAccessBlock // the bucket's; nil when none is set or unknown
	AccountBlockPublicAccess *PublicAccessBlock // the owning account's; nil when none is set or unknown
	// ObjectOwnership is BucketOwnerEnforced (ACLs disabled),
	// BucketOwnerPreferred or ObjectWriter; empty when unknown.
	ObjectOwnership string
	ACL             []S3Grant // the bucket ACL, only where ACLs are enabled
	PolicyIsPublic  *bool     // GetBucketPolicyStatus, when captured
}

// S3Grant is one grant of a bucket ACL.
type S3Grant struct {
	Grantee    string // canonical user ID, group URI or e-mail
	Type       string // CanonicalUser, Group, AmazonCustomerByEmail
	Permission string // READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL
}

// KMSAttributes describe a KMS key.
type KMSAttributes struct {
	KeyManager string // AWS or CUSTOMER
	KeyState   string
	Grants     []KMSGrant
}

// KMSGrant is one grant on a key: another way than the key policy to allow
// a principal to use it.
type KMSGrant struct {
	GrantID           string
	Name              string
	GranteePrincipal  string
	RetiringPrincipal string
	Operations        []string
}

// LambdaAttributes describe a Lambda function.
type LambdaAttributes struct {
	FunctionURLAuthType string // AWS_IAM or NONE; empty when the function has no URL
}

// Coverage states, per account, region and service, how completely a
// capture read the resources: a denied or skipped service means its
// resources' policies are unknown, not absent.
const (
	CoverageComplete = "complete"
	CoveragePartial  = "partial"
	CoverageDenied   = "denied"
	CoverageSkipped  = "skipped"
)

// Coverage is what a capture read of one service in one account and region.
type Coverage struct {
	Account string
	Region  string // "" for global services (S3 listing, Organizations)
	Service string // the IAM service prefix: s3, kms, sqs …
	State   string // one of the Coverage* states
	Error   string
}
