package model

import "strings"

// Organization is an AWS Organizations structure with its service control
// policies (SCPs) and resource control policies (RCPs) and where they are
// attached.
//
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
type Organization struct {
	ID                  string
	ARN                 string
	ManagementAccountID string
	Roots               []OrgUnit
	OUs                 []OrgUnit
	Accounts            []OrgAccount
	Policies            []OrgPolicy
}

// OrgUnit is a root or an organizational unit.
type OrgUnit struct {
	ID       string
	ARN      string
	Name     string
	ParentID string // "" for a root
}

// OrgAccount is a member (or the management) account with its parent.
type OrgAccount struct {
	ID       string
	ARN      string
	Name     string
	Status   string
	ParentID string
}

// Organization policy types, as the Organizations API spells them.
const (
	SCPType = "SERVICE_CONTROL_POLICY"
	RCPType = "RESOURCE_CONTROL_POLICY"
)

// OrgPolicy is an SCP or RCP with the roots, OUs and accounts it is
// attached to.
type OrgPolicy struct {
	ID         string
	ARN        string
	Name       string
	Type       string // SCPType or RCPType
	AWSManaged bool
	Document   Document
	Targets    []string // root, OU and account IDs
}

// Path returns the IDs from the root down to account: root, OUs, the
// account itself. It returns nil when the account is not in the
// organization, or its parents do not lead to a root (a partial listing).
func (o *Organization) Path(account string) []string {
	if o == nil {
		return nil
	}
	parent := map[string]string{}
	for _, u := range o.OUs {
		parent[u.ID] = u.ParentID
	}
	roots := map[string]bool{}
	for _, r := range o.Roots {
		roots[r.ID] = true
	}
	var acct *OrgAccount
	for i := range o.Accounts {
		if o.Accounts[i].ID == account {
			acct = &o.Accounts[i]
		}
	}
	if acct == nil {
		return nil
	}
	path := []string{account}
	for id := acct.ParentID; ; {
		if id == "" || len(path) > len(o.OUs)+2 {
			return nil // no parent recorded, or a cycle
		}
		path = append(path, id)
		if roots[id] {
			break
		}
		next, ok := parent[id]
		if !ok {
			return nil
		}
		id = next
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path
}

// Attached returns the policies of type typ attached to target.
func (o *Organization) Attached(target, typ string) []*OrgPolicy {
	var out []*OrgPolicy
	for i := range o.Policies {
		p := &o.Policies[i]
		if p.Type != typ {
			continue
		}
		for _, t := range p.Targets {
			if t == target {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// HasPolicyType reports whether any policy of type typ is recorded: an
// organization without RCPs enabled has none, and then none apply.
func (o *Organization) HasPolicyType(typ string) bool {
	if o == nil {
		return false
	}
	for i := range o.Policies {
		if o.Policies[i].Type == typ {
			return true
		}
	}
	return false
}

// RCPServices are the services whose resources RCPs restrict (IAM service
// prefixes), in the order of the Organizations User Guide's "List of AWS
// services that support RCPs" as read on 2026-09-26. Kept as data: AWS adds
// services, and a service missing here makes iamx skip RCPs it should apply.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#rcp-supported-services
var RCPServices = []string{
	"appstream", "dsql", "clouddirectory", "cloudfront", "cloudsearch", "logs", "networkmonitor",
	"cognito-identity", "cognito-idp", "comprehend", "comprehendmedical", "firehose", "dynamodb", "dax",
	"autoscaling", "ecr", "ecr-public", "gamelift", "inspector-scan", "kendra", "kinesisvideo", "memorydb",
	"aoss", "personalize", "polly", "s3", "swf", "sqs", "textract", "timestream-influxdb", "transcribe",
	"translate", "workspaces", "appconfig", "autoscaling-plans", "budgets", "servicediscovery",
	"cloudtrail-data", "codeartifact", "codebuild", "codecommit", "codepipeline", "compute-optimizer",
	"cost-optimization-hub", "events", "fms", "fis", "health", "rolesanywhere", "kms", "opensearch",
	"pricing", "pca-connector-ad", "resource-groups", "secretsmanager", "sts", "signin", "support",
	"transfer", "notifications", "wafv2", "xray",
}

// RCPApplies reports whether RCPs restrict actions of service (a prefix such
// as "s3").
func RCPApplies(service string) bool {
	for _, s := range RCPServices {
		if strings.EqualFold(s, service) {
			return true
		}
	}
	return false
}
