package loader_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/testdata/gen"
)

// The generator lives under testdata (which "go test ./..." skips), so its
// tests are here, next to the loader they feed.
func TestGeneratorIsDeterministicAndClean(t *testing.T) {
	o := gen.Options{Users: 300, Roles: 300, Groups: 20, Policies: 90, Seed: 7}
	a, err := gen.GAAD(o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := gen.GAAD(o)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("same options gave different accounts")
	}
	o.Seed = 8
	if c, _ := gen.GAAD(o); bytes.Equal(a, c) {
		t.Error("a different seed gave the same account")
	}
	s, err := loader.ParseGAAD(a, "gen")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) != 0 {
		t.Errorf("generated account has warnings, first: %s", s.Warnings[0])
	}
	if len(s.Users) != 300 || len(s.Roles) != 300 || len(s.Groups) != 20 {
		t.Errorf("counts %d users, %d roles, %d groups", len(s.Users), len(s.Roles), len(s.Groups))
	}
	customer, aws := 0, 0
	for _, p := range s.Policies {
		if p.IsAWSManaged() {
			aws++
		} else {
			customer++
		}
	}
	if customer != 90 || aws < 10 {
		t.Errorf("%d customer and %d AWS managed policies", customer, aws)
	}

	// The mix of trust that makes chains interesting.
	kinds := map[string]int{}
	boundaries, profiles, cyclesOrChains := 0, 0, 0
	for _, r := range s.Roles {
		for _, st := range r.TrustPolicy.Policy.Statements {
			p := st.Principal
			switch {
			case len(p.Service) > 0:
				kinds["service"]++
			case len(p.Federated) > 0 && strings.Contains(p.Federated[0], "oidc-provider"):
				kinds["oidc"]++
			case len(p.Federated) > 0:
				kinds["saml"]++
			case len(p.AWS) > 0 && p.AWS[0] == "*":
				kinds["anyone"]++
			case len(p.AWS) > 0 && strings.HasSuffix(p.AWS[0], ":root") && !strings.Contains(p.AWS[0], "::123456789012:"):
				kinds["cross-account"]++
			case len(p.AWS) > 0 && strings.Contains(p.AWS[0], ":role/"):
				kinds["role"]++
			}
		}
		if r.PermissionsBoundary != "" {
			boundaries++
		}
		profiles += len(r.InstanceProfiles)
		for _, ip := range r.InlinePolicies {
			if ip.Name == "assume-next" {
				cyclesOrChains++
			}
		}
	}
	for _, k := range []string{"service", "oidc", "saml", "anyone", "cross-account", "role"} {
		if kinds[k] == 0 {
			t.Errorf("no %s trust in the generated account", k)
		}
	}
	if boundaries == 0 || profiles == 0 || cyclesOrChains < 20 {
		t.Errorf("boundaries %d, instance profiles %d, chain roles %d", boundaries, profiles, cyclesOrChains)
	}
}
