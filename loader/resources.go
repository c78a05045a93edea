package loader

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/policy"
)

// Snapshot format version 2 adds three top-level sections, each decoded
// with json v2 from the raw bytes the top-level decoder kept:
//
//	"resources":    [{"arn","type","account","region","policy","error","attributes"}]
//	"organization": {"Organization","Roots","OrganizationalUnits","Accounts","Policies"}
//	"coverage":     [{"account","region","service","state","error"}]
//
// The resources records are the --resources JSON Lines records; the
// organization is the --org file, in the shapes `aws organizations` prints.

// wireResource is one resource record, in a snapshot or a --resources line.
type wireResource struct {
	ARN        string          `json:"arn"`
	Type       string          `json:"type,omitempty"`
	Account    string          `json:"account,omitempty"`
	Region     string          `json:"region,omitempty"`
	Policy     wireDoc         `json:"policy"`
	Error      string          `json:"error,omitempty"`
	Attributes *wireAttributes `json:"attributes,omitempty"`
}

// wireDoc is a policy field that tells absent (set false) from null: a
// resource known to have no policy is written "policy": null.
type wireDoc struct {
	set bool
	raw json.RawMessage
}

func (d *wireDoc) UnmarshalJSON(b []byte) error {
	d.set = true
	if bytes.Equal(b, []byte("null")) {
		d.raw = nil
		return nil
	}
	d.raw = append(d.raw[:0], b...)
	return nil
}

func (d wireDoc) MarshalJSON() ([]byte, error) {
	if d.raw == nil {
		return []byte("null"), nil
	}
	return d.raw, nil
}

type wireBPA struct {
	BlockPublicAcls       bool `json:"BlockPublicAcls"`
	IgnorePublicAcls      bool `json:"IgnorePublicAcls"`
	BlockPublicPolicy     bool `json:"BlockPublicPolicy"`
	RestrictPublicBuckets bool `json:"RestrictPublicBuckets"`
}

type wireS3Grant struct {
	Grantee    string `json:"grantee"`
	Type       string `json:"type,omitempty"`
	Permission string `json:"permission"`
}

type wireKMSGrant struct {
	GrantID           string   `json:"GrantId,omitempty"`
	Name              string   `json:"Name,omitempty"`
	GranteePrincipal  string   `json:"GranteePrincipal,omitempty"`
	RetiringPrincipal string   `json:"RetiringPrincipal,omitempty"`
	Operations        []string `json:"Operations,omitempty"`
}

// wireAttributes are the per-type attributes; the S3 and KMS fields keep the
// API's names so `aws s3api get-public-access-block` output fits as is.
type wireAttributes struct {
	BlockPublicAccess        *wireBPA       `json:"block_public_access,omitempty"`
	AccountBlockPublicAccess *wireBPA       `json:"account_block_public_access,omitempty"`
	ObjectOwnership          string         `json:"object_ownership,omitempty"`
	ACL                      []wireS3Grant  `json:"acl,omitempty"`
	PolicyIsPublic           *bool          `json:"policy_is_public,omitempty"`
	KeyManager               string         `json:"key_manager,omitempty"`
	KeyState                 string         `json:"key_state,omitempty"`
	Grants                   []wireKMSGrant `json:"grants,omitempty"`
	FunctionURLAuthType      string         `json:"function_url_auth_type,omitempty"`
}

type wireCoverage struct {
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	Service string `json:"service"`
	State   string `json:"state"`
	Error   string `json:"error,omitempty"`
}

// wireOrganization merges what the `aws organizations` commands print:
// describe-organization's "Organization", list-roots' "Roots",
// list-accounts' "Accounts" and list-organizational-units-for-parent's
// "OrganizationalUnits" (each with a "ParentId" added), and "Policies"
// whose entries are describe-policy output ({"Policy":{…}} or its inside)
// with list-targets-for-policy's "Targets".
type wireOrganization struct {
	Organization        *wireOrgInfo    `json:"Organization,omitempty"`
	Roots               []wireOrgUnit   `json:"Roots"`
	OrganizationalUnits []wireOrgUnit   `json:"OrganizationalUnits"`
	Accounts            []wireOrgUnit   `json:"Accounts"`
	Policies            []wireOrgPolicy `json:"Policies"`
}

type wireOrgInfo struct {
	ID                  string `json:"Id,omitempty"`
	ARN                 string `json:"Arn,omitempty"`
	MasterAccountID     string `json:"MasterAccountId,omitempty"`
	ManagementAccountID string `json:"ManagementAccountId,omitempty"`
}

type wireOrgUnit struct {
	ID       string `json:"Id"`
	ARN      string `json:"Arn,omitempty"`
	Name     string `json:"Name,omitempty"`
	Status   string `json:"Status,omitempty"`
	ParentID string `json:"ParentId,omitempty"`
}

type wireOrgPolicySummary struct {
	ID         string `json:"Id"`
	ARN        string `json:"Arn,omitempty"`
	Name       string `json:"Name,omitempty"`
	Type       string `json:"Type"`
	AWSManaged bool   `json:"AwsManaged,omitempty"`
}

type wireOrgTarget struct {
	TargetID string `json:"TargetId"`
	Type     string `json:"Type,omitempty"`
	Name     string `json:"Name,omitempty"`
}

type wireOrgPolicy struct {
	Policy        *wireOrgPolicy        `json:"Policy,omitempty"` // describe-policy's wrapper
	PolicySummary *wireOrgPolicySummary `json:"PolicySummary,omitempty"`
	Content       json.RawMessage       `json:"Content,omitempty"`
	Targets       []wireOrgTarget       `json:"Targets"`
}

// resource converts one record; where names it in errors and warnings.
// Records without an ARN, of an unknown type or without a policy field are
// errors: a guessed record would be a wrong answer.
func (c *converter) resource(w *wireResource, where string) (*model.Resource, error) {
	if w.ARN == "" {
		return nil, fmt.Errorf("%s.arn: missing", where)
	}
	a, err := arn.Parse(w.ARN)
	if err != nil {
		return nil, fmt.Errorf("%s.arn: %v", where, err)
	}
	c.at(where, w.ARN)
	r := &model.Resource{ARN: w.ARN, Type: w.Type, Account: w.Account, Region: w.Region, Error: w.Error}
	if r.Type == "" {
		r.Type = model.ResourceTypeOf(w.ARN)
		if r.Type == "" {
			return nil, fmt.Errorf("%s.type: missing, and %s is not an ARN of a known resource type (give a CloudFormation type such as AWS::S3::Bucket)", where, w.ARN)
		}
	} else if strings.Count(r.Type, "::") != 2 {
		return nil, fmt.Errorf("%s.type: %q is not a CloudFormation type name such as AWS::S3::Bucket", where, r.Type)
	}
	if r.Account == "" {
		r.Account = a.Account
	} else if !arn.IsAccountID(r.Account) {
		return nil, fmt.Errorf("%s.account: %q is not a 12-digit account ID", where, r.Account)
	} else if a.Account != "" && a.Account != r.Account {
		return nil, fmt.Errorf("%s.account: %s, but the ARN names account %s", where, r.Account, a.Account)
	}
	if r.Region == "" {
		r.Region = a.Region
	}
	switch {
	case !w.Policy.set && w.Error == "":
		return nil, fmt.Errorf("%s.policy: missing (null when the resource has no policy, or give \"error\" when it could not be read)", where)
	case w.Policy.raw != nil:
		r.Policy = &model.Document{}
		c.document(r.Policy, w.Policy.raw, where+".policy", policy.KindResource)
	}
	if at := w.Attributes; at != nil {
		switch {
		case at.BlockPublicAccess != nil || at.AccountBlockPublicAccess != nil || at.ObjectOwnership != "" || at.ACL != nil || at.PolicyIsPublic != nil:
			s3 := &model.S3Attributes{
				BlockPublicAccess: bpa(at.BlockPublicAccess), AccountBlockPublicAccess: bpa(at.AccountBlockPublicAccess),
				ObjectOwnership: at.ObjectOwnership, PolicyIsPublic: at.PolicyIsPublic,
			}
			for _, g := range at.ACL {
				s3.ACL = append(s3.ACL, model.S3Grant(g))
			}
			r.S3 = s3
		}
		if at.KeyManager != "" || at.KeyState != "" || at.Grants != nil {
			k := &model.KMSAttributes{KeyManager: at.KeyManager, KeyState: at.KeyState}
			for _, g := range at.Grants {
				k.Grants = append(k.Grants, model.KMSGrant(g))
			}
			r.KMS = k
		}
		if at.FunctionURLAuthType != "" {
			r.Lambda = &model.LambdaAttributes{FunctionURLAuthType: at.FunctionURLAuthType}
		}
	}
	return r, nil
}

func bpa(w *wireBPA) *model.PublicAccessBlock {
	if w == nil {
		return nil
	}
	b := model.PublicAccessBlock(*w)
	return &b
}

// organization converts the --org shape; where prefixes its errors.
func (c *converter) organization(w *wireOrganization, where string) (*model.Organization, error) {
	o := &model.Organization{}
	if w.Organization != nil {
		o.ID, o.ARN = w.Organization.ID, w.Organization.ARN
		o.ManagementAccountID = w.Organization.ManagementAccountID
		if o.ManagementAccountID == "" {
			o.ManagementAccountID = w.Organization.MasterAccountID
		}
	}
	units := func(list []wireOrgUnit, field string, needParent bool) ([]model.OrgUnit, error) {
		var out []model.OrgUnit
		for i, u := range list {
			if u.ID == "" {
				return nil, fmt.Errorf("%s%s[%d].Id: missing", where, field, i)
			}
			if needParent && u.ParentID == "" {
				return nil, fmt.Errorf("%s%s[%d].ParentId: missing (add the parent's ID, as the README's recipe does)", where, field, i)
			}
			out = append(out, model.OrgUnit{ID: u.ID, ARN: u.ARN, Name: u.Name, ParentID: u.ParentID})
		}
		return out, nil
	}
	var err error
	if o.Roots, err = units(w.Roots, "Roots", false); err != nil {
		return nil, err
	}
	if o.OUs, err = units(w.OrganizationalUnits, "OrganizationalUnits", true); err != nil {
		return nil, err
	}
	accts, err := units(w.Accounts, "Accounts", false)
	if err != nil {
		return nil, err
	}
	for i, a := range accts {
		o.Accounts = append(o.Accounts, model.OrgAccount{ID: a.ID, ARN: a.ARN, Name: a.Name, Status: w.Accounts[i].Status, ParentID: a.ParentID})
	}
	// Documents are filled in place when the converter finishes: the slice
	// must not move.
	o.Policies = make([]model.OrgPolicy, 0, len(w.Policies))
	for i := range w.Policies {
		p := &w.Policies[i]
		pw := where + "Policies[" + strconv.Itoa(i) + "]"
		inner := p
		if p.Policy != nil {
			inner = p.Policy
		}
		if inner.PolicySummary == nil {
			return nil, fmt.Errorf("%s.PolicySummary: missing", pw)
		}
		sum := inner.PolicySummary
		if sum.Type != model.SCPType && sum.Type != model.RCPType {
			continue // tag, backup and AI opt-out policies do not bear on access
		}
		if inner.Content == nil {
			return nil, fmt.Errorf("%s.Content: missing (the policy document, as describe-policy prints it)", pw)
		}
		op := model.OrgPolicy{ID: sum.ID, ARN: sum.ARN, Name: sum.Name, Type: sum.Type, AWSManaged: sum.AWSManaged}
		c.at(pw, sum.ARN)
		targets := p.Targets
		if targets == nil {
			targets = inner.Targets
		}
		for _, t := range targets {
			op.Targets = append(op.Targets, t.TargetID)
		}
		o.Policies = append(o.Policies, op)
		// An RCP names Principal "*" as a resource policy does; an SCP names none.
		kind := policy.KindSCP
		if sum.Type == model.RCPType {
			kind = policy.KindResource
		}
		c.document(&o.Policies[len(o.Policies)-1].Document, inner.Content, pw+".Content", kind)
	}
	return o, nil
}

// sections decodes the version 2 sections of a snapshot into s; the
// documents are parsed with the rest when the converter finishes.
func (c *converter) sections(s *model.Snapshot, h *snapshotHeader, name string) error {
	if len(h.resources) > 0 && !isNull(h.resources) {
		var list []wireResource
		if err := unmarshal(h.resources, &list); err != nil {
			return sectionErr(name, "resources", h.resources, err)
		}
		s.Resources = make([]*model.Resource, 0, len(list))
		for i := range list {
			r, err := c.resource(&list[i], "resources["+strconv.Itoa(i)+"]")
			if err != nil {
				return fileErr(name, "%v", err)
			}
			s.Resources = append(s.Resources, r)
		}
	}
	if len(h.organization) > 0 && !isNull(h.organization) {
		var w wireOrganization
		if err := unmarshal(h.organization, &w); err != nil {
			return sectionErr(name, "organization", h.organization, err)
		}
		o, err := c.organization(&w, "organization.")
		if err != nil {
			return fileErr(name, "%v", err)
		}
		s.Organization = o
	}
	if len(h.coverage) > 0 && !isNull(h.coverage) {
		var list []wireCoverage
		if err := unmarshal(h.coverage, &list); err != nil {
			return sectionErr(name, "coverage", h.coverage, err)
		}
		for _, w := range list {
			s.Coverage = append(s.Coverage, model.Coverage(w))
		}
	}
	c.at("", "")
	return nil
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// ReadResourcesFile reads a --resources file: JSON Lines, one resource
// record a line, {"arn","type","policy"} with policy an object, a JSON
// string or null (known to have none), and optional "error" (the policy
// could not be read), "account", "region" and "attributes". Blank lines are
// skipped. Malformed documents are warnings; malformed records are errors
// naming the line.
func ReadResourcesFile(path string) ([]*model.Resource, []model.Warning, error) {
	data, err := readPath(path, "a resources file")
	if err != nil {
		return nil, nil, err
	}
	c := &converter{}
	c.docs.expect(bytes.Count(data, []byte("\n")) + 1)
	defer c.docs.stop()
	var out []*model.Resource
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		where := "line " + strconv.Itoa(i+1)
		if line[0] != '{' {
			return nil, nil, fileErr(path, "%s: expected a JSON object per line, found %s", where, jsonKind(line[0]))
		}
		var w wireResource
		if err := unmarshal(line, &w); err != nil {
			return nil, nil, sectionErr(path, where, line, err)
		}
		r, err := c.resource(&w, where)
		if err != nil {
			return nil, nil, fileErr(path, "%v", err)
		}
		out = append(out, r)
	}
	warnings := c.finish()
	for i := range warnings {
		warnings[i].Where = path + ": " + warnings[i].Where
	}
	return out, warnings, nil
}

// ReadOrgFile reads an --org file (see wireOrganization), or an iamx
// snapshot's organization section saved alone.
func ReadOrgFile(path string) (*model.Organization, []model.Warning, error) {
	data, err := readPath(path, "an organization file")
	if err != nil {
		return nil, nil, err
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil, nil, fileErr(path, "expected a JSON object (the merged `aws organizations` outputs; see the README)")
	}
	var w wireOrganization
	if err := unmarshal(data, &w); err != nil {
		return nil, nil, decodeErr(path, data, err)
	}
	if w.Roots == nil && w.Accounts == nil && w.Policies == nil {
		return nil, nil, fileErr(path, "no Roots, Accounts or Policies: not an organization file")
	}
	c := &converter{}
	c.docs.expect(len(w.Policies))
	defer c.docs.stop()
	o, err := c.organization(&w, "")
	if err != nil {
		return nil, nil, fileErr(path, "%v", err)
	}
	warnings := c.finish()
	for i := range warnings {
		warnings[i].Where = path + ": " + warnings[i].Where
	}
	return o, warnings, nil
}

func readPath(path, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, openErr(path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fileErr(path, "is a directory, not %s", what)
	}
	var size int64
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return readLimited(context.Background(), f, path, size, maxSideFileSize)
}

// encodeSections writes the version 2 sections of s into top.
func encodeSections(top *wireTop, s *model.Snapshot) error {
	if s.Resources != nil {
		list := make([]wireResource, 0, len(s.Resources))
		for _, r := range s.Resources {
			list = append(list, encodeResource(r))
		}
		b, err := json.Marshal(list)
		if err != nil {
			return err
		}
		top.Resources = b
	}
	if o := s.Organization; o != nil {
		w := wireOrganization{
			Organization: &wireOrgInfo{ID: o.ID, ARN: o.ARN, ManagementAccountID: o.ManagementAccountID},
			Roots:        []wireOrgUnit{}, OrganizationalUnits: []wireOrgUnit{}, Accounts: []wireOrgUnit{}, Policies: []wireOrgPolicy{},
		}
		for _, u := range o.Roots {
			w.Roots = append(w.Roots, wireOrgUnit{ID: u.ID, ARN: u.ARN, Name: u.Name})
		}
		for _, u := range o.OUs {
			w.OrganizationalUnits = append(w.OrganizationalUnits, wireOrgUnit{ID: u.ID, ARN: u.ARN, Name: u.Name, ParentID: u.ParentID})
		}
		for _, a := range o.Accounts {
			w.Accounts = append(w.Accounts, wireOrgUnit{ID: a.ID, ARN: a.ARN, Name: a.Name, Status: a.Status, ParentID: a.ParentID})
		}
		for _, p := range o.Policies {
			wp := wireOrgPolicy{
				PolicySummary: &wireOrgPolicySummary{ID: p.ID, ARN: p.ARN, Name: p.Name, Type: p.Type, AWSManaged: p.AWSManaged},
				Content:       encodeDocument(p.Document),
				Targets:       []wireOrgTarget{},
			}
			for _, t := range p.Targets {
				wp.Targets = append(wp.Targets, wireOrgTarget{TargetID: t})
			}
			w.Policies = append(w.Policies, wp)
		}
		b, err := json.Marshal(w)
		if err != nil {
			return err
		}
		top.Organization = b
	}
	if s.Coverage != nil {
		list := make([]wireCoverage, 0, len(s.Coverage))
		for _, c := range s.Coverage {
			list = append(list, wireCoverage(c))
		}
		b, err := json.Marshal(list)
		if err != nil {
			return err
		}
		top.Coverage = b
	}
	return nil
}

// EncodeResource returns r as one --resources JSON Lines record.
func EncodeResource(r *model.Resource) ([]byte, error) {
	return json.Marshal(encodeResource(r))
}

func encodeResource(r *model.Resource) wireResource {
	w := wireResource{ARN: r.ARN, Type: r.Type, Account: r.Account, Region: r.Region, Error: r.Error}
	if r.Policy != nil {
		w.Policy.raw = encodeDocument(*r.Policy)
	}
	if r.S3 != nil || r.KMS != nil || r.Lambda != nil {
		at := &wireAttributes{}
		if s := r.S3; s != nil {
			at.BlockPublicAccess, at.AccountBlockPublicAccess = wbpa(s.BlockPublicAccess), wbpa(s.AccountBlockPublicAccess)
			at.ObjectOwnership, at.PolicyIsPublic = s.ObjectOwnership, s.PolicyIsPublic
			for _, g := range s.ACL {
				at.ACL = append(at.ACL, wireS3Grant(g))
			}
		}
		if k := r.KMS; k != nil {
			at.KeyManager, at.KeyState = k.KeyManager, k.KeyState
			for _, g := range k.Grants {
				at.Grants = append(at.Grants, wireKMSGrant(g))
			}
		}
		if l := r.Lambda; l != nil {
			at.FunctionURLAuthType = l.FunctionURLAuthType
		}
		w.Attributes = at
	}
	return w
}

func wbpa(b *model.PublicAccessBlock) *wireBPA {
	if b == nil {
		return nil
	}
	w := wireBPA(*b)
	return &w
}

// AttachSections puts resources, an organization and coverage captured
// live into s, through the same records a file holds: the documents are
// parsed, and faults become warnings, exactly as when the file is read.
func AttachSections(s *model.Snapshot, rs []*model.Resource, o *model.Organization, cov []model.Coverage) error {
	tmp := &model.Snapshot{Resources: rs, Organization: o, Coverage: cov}
	if rs == nil {
		tmp.Resources = []*model.Resource{}
	}
	var top wireTop
	if err := encodeSections(&top, tmp); err != nil {
		return err
	}
	h := &snapshotHeader{resources: top.Resources, organization: top.Organization, coverage: top.Coverage}
	c := &converter{}
	c.docs.expect(len(rs))
	defer c.docs.stop()
	if err := c.sections(s, h, "live capture"); err != nil {
		return err
	}
	s.Warnings = append(s.Warnings, c.finish()...)
	return nil
}
