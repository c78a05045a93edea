package loader

import (
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// Identical documents of different snapshots become one, per kind of field:
// AWS refuses different statements in a trust policy and in an identity
// policy, so the same text may load as different policies.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
func TestDocShareKeysByTextAndKind(t *testing.T) {
	text := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	parse := func() model.Document {
		p, err := policy.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		return model.Document{JSON: append([]byte(nil), text...), Policy: p}
	}
	cases := []struct {
		name       string
		kinds      [2]policy.Kind
		wantShared bool
	}{
		{"the same text in two identity policies is one document", [2]policy.Kind{policy.KindIdentity, policy.KindIdentity}, true},
		{"the same text in two trust policies is one document", [2]policy.Kind{policy.KindTrust, policy.KindTrust}, true},
		{"a trust policy and an identity policy stay apart", [2]policy.Kind{policy.KindTrust, policy.KindIdentity}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d docShare
			a, b := parse(), parse()
			d.one(&a, c.kinds[0])
			d.one(&b, c.kinds[1])
			if shared := a.Policy == b.Policy && &a.JSON[0] == &b.JSON[0]; shared != c.wantShared {
				t.Errorf("shared %v, want %v", shared, c.wantShared)
			}
			if string(b.JSON) != string(text) {
				t.Errorf("text changed to %s", b.JSON)
			}
		})
	}
	// A document that did not parse keeps its own text: its warning quotes it.
	var d docShare
	bad1, bad2 := model.Document{JSON: []byte("{")}, model.Document{JSON: []byte("{")}
	d.one(&bad1, policy.KindIdentity)
	d.one(&bad2, policy.KindIdentity)
	if &bad1.JSON[0] == &bad2.JSON[0] {
		t.Error("unparsed documents were shared")
	}
}
