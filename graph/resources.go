package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// Resource-based policies and the organization: which policy of a loaded
// resource applies to a request, the SCP and RCP levels of each account, and
// what an answer must say it assumed when that data is missing.

// resourceIndex is built once with the graph and read-only after.
type resourceIndex struct {
	byARN map[string]*resourceEntry
	org   *model.Organization
	// scps and rcps hold each organization account's levels (root, OUs,
	// account), the policies of one level merged into one source; scps
	// begins with Options.SCPs. Accounts outside the organization, and the
	// management account, have no entry.
	scps, rcps map[string][]policy.Source
	// orgGaps are levels with no recorded policy of a type (a partial
	// listing), per account: left out, and said so.
	orgGaps map[string][]string
}

// resourceEntry is a loaded resource with its policy as an evaluator source.
type resourceEntry struct {
	r        *model.Resource
	src      *policy.Source // nil when the resource has no policy, or it is unknown
	unknown  string         // why the policy is unknown; "" when known
	restrict bool           // RestrictPublicBuckets applies to a public policy
	named    []*Node        // principals the policy's Allow statements name: externals, and loaded users and roles named by ARN
	anyone   bool           // an Allow statement names a wildcard or uses NotPrincipal: every principal is a candidate
}

// indexResources indexes the resources of every snapshot and of
// Options.Resources (later records of one ARN win), and the organization.
func (g *Graph) indexResources() {
	ri := &g.res
	ri.byARN = map[string]*resourceEntry{}
	add := func(r *model.Resource) {
		if r == nil || r.ARN == "" {
			return
		}
		ri.byARN[r.ARN] = g.newResourceEntry(r)
	}
	for _, s := range g.snaps {
		for _, r := range s.Resources {
			add(r)
		}
		if s.Organization != nil && ri.org == nil {
			ri.org = s.Organization
		}
	}
	for _, r := range g.opts.Resources {
		add(r)
	}
	if g.opts.Organization != nil {
		ri.org = g.opts.Organization
	}
	g.indexOrganization()
}

func resourcePolicyName(typ string) string {
	switch typ {
	case model.TypeS3Bucket:
		return "bucket policy"
	case model.TypeKMSKey:
		return "key policy"
	case model.TypeSQSQueue:
		return "queue policy"
	case model.TypeSNSTopic:
		return "topic policy"
	case model.TypeLambdaFunction:
		return "function policy"
	case model.TypeSecret:
		return "secret policy"
	case model.TypeECRRepository:
		return "repository policy"
	}
	return "resource policy"
}

func (g *Graph) newResourceEntry(r *model.Resource) *resourceEntry {
	e := &resourceEntry{r: r}
	switch {
	case r.Error != "":
		e.unknown = "could not be read (" + r.Error + ")"
	case r.Policy != nil && r.Policy.Policy == nil:
		e.unknown = "could not be parsed (see the snapshot's warnings)"
	case r.Policy != nil:
		e.src = &policy.Source{Type: policy.ResourcePolicy, Name: resourcePolicyName(r.Type), Owner: r.ARN, Policy: r.Policy.Policy}
	}
	if e.src == nil {
		return e
	}
	if s3 := r.S3; s3 != nil && e.src.Policy.IsPublic() {
		for _, b := range []*model.PublicAccessBlock{s3.BlockPublicAccess, s3.AccountBlockPublicAccess} {
			if b != nil && b.RestrictPublicBuckets {
				e.restrict = true
			}
		}
	}
	seen := map[*Node]bool{}
	for i := range e.src.Policy.Statements {
		st := &e.src.Policy.Statements[i]
		if st.Effect != policy.Allow {
			continue
		}
		if st.NotPrincipal != nil {
			e.anyone = true
		}
		if st.Principal == nil {
			continue
		}
		for _, p := range namedPrincipals(st.Principal) {
			if p.Kind == principal.Anyone || strings.ContainsAny(p.ID, "*?") {
				e.anyone = true
			}
			n := g.resourceExternal(p)
			if n == nil {
				n = g.loadedNamed(p)
			}
			if n != nil && !seen[n] {
				seen[n] = true
				e.named = append(e.named, n)
			}
		}
	}
	return e
}

// loadedNamed returns the loaded user or role a principal ARN names (a
// session names its role), or nil.
func (g *Graph) loadedNamed(p principal.Principal) *Node {
	switch p.Kind {
	case principal.User, principal.Role:
		if n := g.byARN[p.ID]; n != nil && n.Kind != KindExternal {
			return n
		}
		return g.byTypeName[typeNameKey(p.Account, p.Kind.String(), p.Name)]
	case principal.AssumedRole:
		return g.byTypeName[typeNameKey(p.Account, "role", roleOfSession(p.ID))]
	}
	return nil
}

// namedPrincipals parses a Principal element's identifiers.
func namedPrincipals(ps *policy.Principals) []principal.Principal {
	var out []principal.Principal
	if ps.Wildcard {
		out = append(out, principal.Principal{Kind: principal.Anyone, ID: "*", Name: "*"})
	}
	for _, id := range ps.AWS {
		if p, err := principal.Parse(strings.TrimSpace(id)); err == nil {
			out = append(out, p)
		}
	}
	for _, id := range ps.Service {
		out = append(out, principal.NewService(strings.TrimSpace(id)))
	}
	for _, id := range ps.Federated {
		out = append(out, principal.Principal{Kind: principal.Federated, ID: id, Name: arnName(id), Account: arn.AccountOf(id)})
	}
	return out
}

// resourceExternal returns the node who-can lists for a principal a
// resource policy names, when the scan of loaded users and roles does not
// already cover it: other accounts (unloaded), their users and roles,
// services, identity providers and anyone.
func (g *Graph) resourceExternal(p principal.Principal) *Node {
	switch p.Kind {
	case principal.User, principal.Role, principal.AssumedRole, principal.FederatedUser, principal.Account:
		if g.accounts[p.Account] != nil {
			return nil // its users and roles are scanned one by one
		}
	case principal.Service, principal.Federated, principal.Anyone, principal.CanonicalUser:
	default:
		return nil
	}
	return g.external(p, false)
}

// resourceFor returns the loaded resource whose policy governs resource:
// the resource itself, the bucket of an S3 object, or the function of a
// qualified Lambda ARN (alias or version).
func (g *Graph) resourceFor(resource string) *resourceEntry {
	if len(g.res.byARN) == 0 || !strings.HasPrefix(resource, "arn:") {
		return nil
	}
	if e := g.res.byARN[resource]; e != nil {
		return e
	}
	switch {
	case strings.Contains(resource, ":s3:::"):
		if b := policyHolder(resource); b != resource {
			return g.res.byARN[b] // an object: its bucket's policy
		}
	case strings.Contains(resource, ":lambda:") && strings.Count(resource, ":") == 7:
		return g.res.byARN[resource[:strings.LastIndexByte(resource, ':')]]
	}
	return nil
}

// resourceAccount returns the account owning resource: the loaded
// resource's (S3 ARNs carry none), else the ARN's.
func (g *Graph) resourceAccount(resource string) string {
	if e := g.resourceFor(resource); e != nil && e.r.Account != "" {
		return e.r.Account
	}
	return resourceAccount(resource)
}

// isKMSKey reports whether resource is a KMS key ARN.
func isKMSKey(resource string) bool {
	return strings.Contains(resource, ":kms:") && model.ResourceTypeOf(resource) == model.TypeKMSKey
}

func serviceOf(action string) string {
	svc, _, _ := strings.Cut(action, ":")
	return strings.ToLower(svc)
}

// defaultKeyPolicy is the key policy AWS gives a key created without one:
// it delegates to the account's IAM policies.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
func defaultKeyPolicy(key string) *policy.Source {
	a, err := arn.Parse(key)
	if err != nil {
		return nil
	}
	doc := `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",` +
		`"Principal":{"AWS":"` + arn.Root(a.Partition, a.Account) + `"},"Action":"kms:*","Resource":"*"}]}`
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		return nil
	}
	return &policy.Source{Type: policy.ResourcePolicy, Name: "default key policy (assumed)", Owner: key, Policy: p}
}

// addResourceInput adds the resource side of a request that is not an
// assume-role on a loaded role: the resource policy of a loaded resource
// (a KMS key's is mandatory, AWS's default assumed when unknown), S3 Block
// Public Access, and the RCPs of the resource's account.
func (g *Graph) addResourceInput(n *Node, req *policy.Request, in *policy.Input) {
	e := g.resourceFor(req.Resource)
	if e != nil && e.src != nil {
		in.Resource = e.src
		in.RestrictPublic = e.restrict
	}
	if len(req.Action) > 4 && strings.EqualFold(req.Action[:4], "kms:") && isKMSKey(req.Resource) {
		in.ResourceRequired = true
		if e == nil || e.src == nil {
			in.Resource = defaultKeyPolicy(req.Resource)
		}
	}
	if n.Kind == KindExternal && in.Resource != nil && hasOwnSide(n) && in.Identity == nil {
		in.Identity = []policy.Source{g.externalSide(n)}
	}
	in.RCPs = g.rcpsFor(n, req, e)
}

// hasOwnSide reports whether an external principal has identity policies
// iamx cannot see (a user or role of an unloaded account): its side is
// taken as allowing, and the answer says so.
func hasOwnSide(n *Node) bool {
	switch n.Principal.Kind {
	case principal.User, principal.Role, principal.AssumedRole, principal.FederatedUser:
		return true
	}
	return false
}

// rcpsFor returns the RCP levels that bind a request: those of the
// resource's account when it is a member account and the service is one
// RCPs cover. Service-linked roles and AWS managed keys are exempt.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
func (g *Graph) rcpsFor(n *Node, req *policy.Request, e *resourceEntry) []policy.Source {
	if len(g.res.rcps) == 0 || n.IsServiceLinked() || !model.RCPApplies(serviceOf(req.Action)) {
		return nil
	}
	if e != nil && e.r.KMS != nil && e.r.KMS.KeyManager == "AWS" {
		return nil
	}
	acct := req.ResourceAccount
	if acct == "" {
		acct = n.Account
	}
	return g.res.rcps[acct]
}

// scpsFor returns the SCP levels that bind the principals of account:
// Options.SCPs, then the organization's levels for a member account.
func (g *Graph) scpsFor(account string) []policy.Source {
	if l, ok := g.res.scps[account]; ok {
		return l
	}
	return g.opts.SCPs
}

// indexOrganization merges, for every member account, the SCPs and RCPs
// attached at each level of its path.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
func (g *Graph) indexOrganization() {
	o := g.res.org
	if o == nil {
		return
	}
	g.res.scps, g.res.rcps, g.res.orgGaps = map[string][]policy.Source{}, map[string][]policy.Source{}, map[string][]string{}
	hasSCP, hasRCP := o.HasPolicyType(model.SCPType), o.HasPolicyType(model.RCPType)
	for _, a := range o.Accounts {
		if a.ID == o.ManagementAccountID {
			continue // SCPs and RCPs do not affect the management account
		}
		path := o.Path(a.ID)
		if path == nil {
			g.res.orgGaps[a.ID] = append(g.res.orgGaps[a.ID], "its place in the organization is not recorded, so no SCP or RCP was applied")
			continue
		}
		if hasSCP {
			g.res.scps[a.ID] = append(append([]policy.Source(nil), g.opts.SCPs...), g.orgLevels(o, path, model.SCPType, policy.SCPPolicy, a.ID)...)
		}
		if hasRCP {
			g.res.rcps[a.ID] = g.orgLevels(o, path, model.RCPType, policy.RCPPolicy, a.ID)
		}
	}
}

func (g *Graph) orgLevels(o *model.Organization, path []string, typ string, pt policy.PolicyType, account string) []policy.Source {
	var out []policy.Source
	for _, target := range path {
		attached := o.Attached(target, typ)
		var parsed []*model.OrgPolicy
		for _, p := range attached {
			if p.Document.Policy != nil {
				parsed = append(parsed, p)
			}
		}
		if len(parsed) == 0 {
			word := "SCP"
			if pt == policy.RCPPolicy {
				word = "RCP"
			}
			g.res.orgGaps[account] = append(g.res.orgGaps[account], fmt.Sprintf("no readable %s is recorded at %s: that level was not applied", word, target))
			continue
		}
		out = append(out, mergeLevel(parsed, pt, target))
	}
	return out
}

// mergeLevel makes one source of the policies attached at one level: a
// level allows when any of them does, and any Deny among them denies. The
// statements keep their compiled form and their index in their own
// document.
func mergeLevel(ps []*model.OrgPolicy, pt policy.PolicyType, target string) policy.Source {
	if len(ps) == 1 {
		return policy.Source{Type: pt, ARN: ps[0].ARN, Name: ps[0].Name, Owner: target, Policy: ps[0].Document.Policy}
	}
	merged := &policy.Policy{Version: "2012-10-17"}
	names := make([]string, 0, len(ps))
	for _, p := range ps {
		merged.Statements = append(merged.Statements, p.Document.Policy.Statements...)
		names = append(names, p.Name)
	}
	return policy.Source{Type: pt, Name: strings.Join(names, " + "), Owner: target, Policy: merged}
}

// resourceOpensToAll reports whether a loaded resource's policy could allow
// action to principals it does not name (a wildcard, NotPrincipal), so every
// principal is a candidate, with or without an identity allow. Otherwise
// the candidates are those whose identity policies could allow, and those
// the policy names (resourceNamed): naming an account still needs the
// principal's own allow.
func (g *Graph) resourceOpensToAll(action, resource string) bool {
	e := g.resourceFor(resource)
	return e != nil && e.anyone && mayAllow(e.src.Policy, action, "")
}

// resourceNamed returns the principals a loaded resource's policy names,
// for who-can to evaluate beside those its identity prefilter keeps.
func (g *Graph) resourceNamed(resource string) []*Node {
	if e := g.resourceFor(resource); e != nil {
		return e.named
	}
	return nil
}

// Assumptions says what an answer about action on resource by n (nil for
// who-can) rests on that the snapshot lacks: an unknown or missing
// resource policy, the default key policy assumed, organization levels
// left out, attributes iamx does not evaluate.
func (g *Graph) Assumptions(n *Node, action, resource string) []string {
	var out []string
	svc := serviceOf(action)
	if strings.HasPrefix(resource, "arn:") && hasResourcePolicies(svc) {
		e := g.resourceFor(resource)
		kms := svc == "kms" && isKMSKey(resource)
		switch {
		case e == nil && kms:
			out = append(out, "the key policy of "+resource+" is not in the snapshot: AWS's default key policy (delegating to the account's IAM policies) is assumed")
		case e == nil:
			out = append(out, "the resource policy of "+policyHolder(resource)+" is not in the snapshot: only identity policies were evaluated; a resource policy could grant more (to other accounts too) or deny")
		case e.unknown != "" && kms:
			out = append(out, "the key policy of "+e.r.ARN+" "+e.unknown+": AWS's default key policy is assumed")
		case e.unknown != "":
			out = append(out, "the policy of "+e.r.ARN+" "+e.unknown+": only identity policies were evaluated")
		}
		if e != nil {
			out = append(out, e.attributeAssumptions()...)
		}
		if e == nil && svc == "s3" {
			out = append(out, "the bucket's account is not known (S3 ARNs carry none): requests were taken as same-account")
		}
	}
	if o := g.res.org; o != nil {
		accts := map[string]bool{}
		if n != nil {
			accts[n.Account] = true
		}
		if a := g.resourceAccount(resource); a != "" {
			accts[a] = true
		}
		list := make([]string, 0, len(accts))
		for a := range accts {
			list = append(list, a)
		}
		sort.Strings(list)
		for _, a := range list {
			if a == "" || a == o.ManagementAccountID {
				continue
			}
			if !inOrg(o, a) {
				if g.accounts[a] != nil {
					out = append(out, "account "+a+" is not in the loaded organization: no SCP or RCP was applied to it")
				}
				continue
			}
			for _, gap := range g.res.orgGaps[a] {
				out = append(out, "account "+a+": "+gap)
			}
		}
	}
	return out
}

func inOrg(o *model.Organization, account string) bool {
	for _, a := range o.Accounts {
		if a.ID == account {
			return true
		}
	}
	return false
}

func (e *resourceEntry) attributeAssumptions() []string {
	var out []string
	r := e.r
	switch r.Type {
	case model.TypeS3Bucket:
		switch {
		case r.S3 == nil || r.S3.BlockPublicAccess == nil && r.S3.AccountBlockPublicAccess == nil:
			if e.src != nil && e.src.Policy.IsPublic() {
				out = append(out, "Block Public Access settings of "+r.ARN+" are not in the snapshot: its public policy was taken at its word")
			}
		}
		if r.S3 != nil && r.S3.ObjectOwnership != "BucketOwnerEnforced" && len(r.S3.ACL) > 0 {
			out = append(out, "the bucket ACL of "+r.ARN+" is not evaluated")
		}
	case model.TypeKMSKey:
		if r.KMS != nil && len(r.KMS.Grants) > 0 {
			out = append(out, fmt.Sprintf("%s has %d grant(s), which are not evaluated: grantees may use the key beyond what the key policy says", r.ARN, len(r.KMS.Grants)))
		}
	}
	return out
}

// hasResourcePolicies reports whether a service's resources can carry a
// resource-based policy that iamx reads.
func hasResourcePolicies(svc string) bool {
	switch svc {
	case "s3", "kms", "sqs", "sns", "lambda", "secretsmanager", "ecr":
		return true
	}
	return false
}

// Coverage returns what the captures recorded as incomplete for the
// service of action in the account and region of resource.
func (g *Graph) Coverage(action, resource string) []model.Coverage {
	svc := serviceOf(action)
	acct := g.resourceAccount(resource)
	region := ""
	if a, err := arn.Parse(resource); err == nil {
		region = a.Region
	}
	var out []model.Coverage
	for _, s := range g.snaps {
		for _, c := range s.Coverage {
			if c.State == model.CoverageComplete || !strings.EqualFold(c.Service, svc) {
				continue
			}
			if (acct == "" || c.Account == "" || c.Account == acct) && (region == "" || c.Region == "" || c.Region == region) {
				out = append(out, c)
			}
		}
	}
	return out
}

// AccessNote says, for a principal who-can lists because a resource policy
// names it, what that means: an account stands for its principals, "*" is
// the public, a service is scoped by its conditions.
func (g *Graph) AccessNote(a *Access) string {
	n := a.Principal
	if n == nil || n.Kind != KindExternal || len(a.Via) > 0 {
		return ""
	}
	switch n.Principal.Kind {
	case principal.Account:
		return "any principal of account " + n.Account + " whose own policies allow it"
	case principal.Anyone:
		return "public: anyone, anonymous callers included"
	case principal.Service:
		if len(a.MissingContext) > 0 {
			return "AWS service, scoped by " + strings.Join(a.MissingContext, ", ")
		}
		return "AWS service, unscoped: any use of the service by any account (confused deputy)"
	case principal.Federated:
		return "users of this identity provider"
	case principal.User, principal.Role, principal.AssumedRole:
		return "of an account not loaded: its own policies are assumed to allow"
	}
	return ""
}

// policyHolder names the resource whose policy governs resource: an S3
// object's bucket, else resource itself.
func policyHolder(resource string) string {
	if i := strings.Index(resource, ":::"); i >= 0 && strings.Contains(resource[:i+1], ":s3:") {
		if j := strings.IndexByte(resource[i+3:], '/'); j >= 0 {
			return resource[:i+3+j]
		}
	}
	return resource
}
