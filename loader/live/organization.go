package live

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/iamx/iamx/model"
)

// organization reads the organization's structure (roots, OUs, accounts
// with their parents), its SCPs and RCPs and their targets, when the caller
// may: usually only from the management account or a delegated
// administrator. Anything refused is coverage, not a failure.
func (rc *resourceCapture) organization(ctx context.Context) {
	c := organizations.NewFromConfig(rc.regionCfg("us-east-1"), func(o *organizations.Options) { rc.guard(&o.APIOptions) })
	o, err := rc.readOrganization(ctx, c)
	rc.cover("organizations", "", err, 0)
	if err == nil {
		rc.mu.Lock()
		rc.org = o
		rc.mu.Unlock()
	}
}

func (rc *resourceCapture) readOrganization(ctx context.Context, c *organizations.Client) (*model.Organization, error) {
	d, err := c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		return nil, err
	}
	o := &model.Organization{}
	if d.Organization != nil {
		o.ID, o.ARN, o.ManagementAccountID = aws.ToString(d.Organization.Id), aws.ToString(d.Organization.Arn), aws.ToString(d.Organization.MasterAccountId)
	}
	roots := organizations.NewListRootsPaginator(c, &organizations.ListRootsInput{})
	var parents []string
	for roots.HasMorePages() {
		page, err := roots.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Roots {
			o.Roots = append(o.Roots, model.OrgUnit{ID: aws.ToString(r.Id), ARN: aws.ToString(r.Arn), Name: aws.ToString(r.Name)})
			parents = append(parents, aws.ToString(r.Id))
		}
	}
	// Walk the tree breadth first: each parent's OUs and accounts.
	for len(parents) > 0 {
		parent := parents[0]
		parents = parents[1:]
		ous := organizations.NewListOrganizationalUnitsForParentPaginator(c, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
		for ous.HasMorePages() {
			page, err := ous.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, u := range page.OrganizationalUnits {
				o.OUs = append(o.OUs, model.OrgUnit{ID: aws.ToString(u.Id), ARN: aws.ToString(u.Arn), Name: aws.ToString(u.Name), ParentID: parent})
				parents = append(parents, aws.ToString(u.Id))
			}
		}
		accts := organizations.NewListAccountsForParentPaginator(c, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent)})
		for accts.HasMorePages() {
			page, err := accts.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, a := range page.Accounts {
				o.Accounts = append(o.Accounts, model.OrgAccount{ID: aws.ToString(a.Id), ARN: aws.ToString(a.Arn), Name: aws.ToString(a.Name), Status: string(a.Status), ParentID: parent})
			}
		}
	}
	for _, typ := range []orgtypes.PolicyType{orgtypes.PolicyTypeServiceControlPolicy, orgtypes.PolicyTypeResourceControlPolicy} {
		pols := organizations.NewListPoliciesPaginator(c, &organizations.ListPoliciesInput{Filter: typ})
		for pols.HasMorePages() {
			page, err := pols.NextPage(ctx)
			if err != nil {
				if typ == orgtypes.PolicyTypeResourceControlPolicy {
					break // RCPs not enabled, or not known to this endpoint: none apply
				}
				return nil, err
			}
			for _, s := range page.Policies {
				p, err := rc.orgPolicy(ctx, c, s)
				if err != nil {
					return nil, err
				}
				o.Policies = append(o.Policies, p)
			}
		}
	}
	return o, nil
}

func (rc *resourceCapture) orgPolicy(ctx context.Context, c *organizations.Client, s orgtypes.PolicySummary) (model.OrgPolicy, error) {
	p := model.OrgPolicy{ID: aws.ToString(s.Id), ARN: aws.ToString(s.Arn), Name: aws.ToString(s.Name), Type: string(s.Type), AWSManaged: s.AwsManaged}
	d, err := c.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: s.Id})
	if err != nil {
		return p, err
	}
	if d.Policy != nil && d.Policy.Content != nil {
		p.Document = model.Document{JSON: []byte(*d.Policy.Content)}
	}
	targets := organizations.NewListTargetsForPolicyPaginator(c, &organizations.ListTargetsForPolicyInput{PolicyId: s.Id})
	for targets.HasMorePages() {
		page, err := targets.NextPage(ctx)
		if err != nil {
			return p, err
		}
		for _, t := range page.Targets {
			p.Targets = append(p.Targets, aws.ToString(t.TargetId))
		}
	}
	return p, nil
}
