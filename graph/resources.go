package graph

import (
	"strings"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/model/principal"
)

// Resource-based policies: which policy of a loaded resource applies to a
// request, and whom it names. The organization's levels are in
// organization.go, what answers say they assumed in assumptions.go.

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
	g.mergeQualifiedLambda()
	g.indexOrganization()
}

// mergeQualifiedLambda gives each loaded Lambda alias or version the
// function's own policy as well: a permission added at the function level
// applies to the whole function, one added with a qualifier to that version
// or alias only ("You can apply the policy at the function level, or specify
// a qualifier to restrict access to a single version or alias"). When
// either policy is unknown, so is the merged one.
// https://docs.aws.amazon.com/lambda/latest/dg/API_AddPermission.html
func (g *Graph) mergeQualifiedLambda() {
	for a, e := range g.res.byARN {
		if e.r.Type != model.TypeLambdaFunction || strings.Count(a, ":") != 7 {
			continue
		}
		fn := g.res.byARN[a[:strings.LastIndexByte(a, ':')]]
		if fn == nil || fn.r.Type != model.TypeLambdaFunction {
			continue
		}
		switch {
		case e.unknown != "":
		case fn.unknown != "":
			e.unknown, e.src = "could not be read in full: its function's policy "+fn.unknown, nil
		case fn.src == nil:
		case e.src == nil:
			e.src = fn.src
		default:
			merged := &policy.Policy{Version: e.src.Policy.Version,
				Statements: append(append([]policy.Statement(nil), fn.src.Policy.Statements...), e.src.Policy.Statements...)}
			e.src = &policy.Source{Type: policy.ResourcePolicy, Name: "function policy + alias or version policy", Owner: a, Policy: merged}
		}
		g.indexPrincipals(e)
	}
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
	case model.TypeECRRegistry:
		return "registry policy"
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
	g.indexPrincipals(e)
	return e
}

// indexPrincipals notes whom the entry's policy names (named, anyone) and
// whether RestrictPublicBuckets cuts it.
func (g *Graph) indexPrincipals(e *resourceEntry) {
	e.named, e.anyone, e.restrict = nil, false, false
	if e.src == nil {
		return
	}
	r := e.r
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

// Naming is an Allow statement of a loaded resource's policy that names a
// principal: directly, through its role (a session or the role ARN), through
// its account (the root ARN or the ID: the account's IAM policies decide),
// or as anyone ("*" or NotPrincipal).
type Naming struct {
	Resource  *model.Resource
	Statement string   // Sid, or #index
	How       string   // NamedDirectly, NamedRole, NamedAccount or NamedAnyone
	Actions   []string // the statement's Action (or NotAction, prefixed "not ")
	// Conditional: the statement has a Condition, so it grants only when
	// the request satisfies it.
	Conditional bool
}

// How a statement names a principal.
const (
	NamedDirectly = "principal"
	NamedRole     = "role"
	NamedAccount  = "account"
	NamedAnyone   = "anyone"
)

// ResourcesNaming lists the Allow statements of loaded resources' policies
// that name n (a user or role of a loaded account), by resource ARN, then
// statement order. Role trust policies are left out (they are n's chains).
func (g *Graph) ResourcesNaming(n *Node) []Naming {
	if n == nil || (n.Kind != KindUser && n.Kind != KindRole) {
		return nil
	}
	var out []Naming
	for _, r := range g.LoadedResources() {
		e := g.res.byARN[r.ARN]
		if e.src == nil || r.Policy == nil || r.Policy.Policy == nil {
			continue
		}
		// The resource's own document (a Lambda alias's, not its
		// function's too: that one is listed under the function).
		for i := range r.Policy.Policy.Statements {
			st := &r.Policy.Policy.Statements[i]
			if st.Effect != policy.Allow {
				continue
			}
			how := g.howNamed(st, n)
			if how == "" {
				continue
			}
			acts := st.Action
			if st.NotAction != nil {
				acts = make([]string, len(st.NotAction))
				for j, a := range st.NotAction {
					acts[j] = "not " + a
				}
			}
			out = append(out, Naming{Resource: r, Statement: st.Label(), How: how, Actions: acts, Conditional: len(st.Conditions) > 0})
		}
	}
	return out
}

// howNamed says how an Allow statement's principal names n, or "".
func (g *Graph) howNamed(st *policy.Statement, n *Node) string {
	if st.NotPrincipal != nil {
		// AWS checks the account, then the user or role, then the session:
		// only a user listed with its account is left out; a role's other
		// sessions never are.
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
		self, account := false, false
		for _, p := range namedPrincipals(st.NotPrincipal) {
			self = self || (n.Kind == KindUser && p.Kind == principal.User && g.loadedNamed(p) == n)
			account = account || (p.Kind == principal.Account && p.Account == n.Account)
		}
		if self && account {
			return ""
		}
		return NamedAnyone
	}
	if st.Principal == nil {
		return ""
	}
	best := ""
	for _, p := range namedPrincipals(st.Principal) {
		how := ""
		switch {
		case p.Kind == principal.Anyone:
			how = NamedAnyone
		case p.Kind == principal.Account && p.Account == n.Account:
			how = NamedAccount
		case (p.Kind == principal.User || p.Kind == principal.Role) && g.loadedNamed(p) == n:
			how = NamedDirectly
		case p.Kind == principal.AssumedRole && g.loadedNamed(p) == n:
			how = NamedRole // one session of the role
		}
		if namedRank(how) > namedRank(best) {
			best = how
		}
	}
	return best
}

// namedRank orders the ways of naming, the most specific highest.
func namedRank(how string) int {
	switch how {
	case NamedDirectly:
		return 4
	case NamedRole:
		return 3
	case NamedAccount:
		return 2
	case NamedAnyone:
		return 1
	}
	return 0
}
