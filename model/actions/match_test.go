package actions

import (
	"strings"
	"testing"
)

// Matcher.Match on request action names, each case one wildcard rule.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func TestMatch(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		action  string
		want    bool
	}{
		{"action names ignore case", "s3:getobject", "S3:GetObject", true},
		{"literal differs", "s3:GetObject", "s3:GetObjectAcl", false},
		{"literal is not a prefix", "s3:GetObjectAcl", "s3:GetObject", false},
		{"star alone matches anything", "*", "anything:AtAll", true},
		{"star alone matches the empty string", "*", "", true},
		{"prefix star", "s3:Get*", "s3:GetBucketPolicy", true},
		{"prefix star matches empty run", "s3:Get*", "s3:Get", true},
		{"prefix star ignores case", "S3:GET*", "s3:getobject", true},
		{"prefix star other service", "s3:Get*", "s3express:GetObject", false},
		{"star spans the colon", "s3*", "s3express:CreateSession", true},
		{"star spans the colon inside", "s3*Object", "s3:GetObject", true},
		{"suffix star", "*Object", "s3:PutObject", true},
		{"suffix star ignores case", "*OBJECT", "s3:putobject", true},
		{"suffix star mismatch", "*Object", "s3:PutObjectAcl", false},
		{"question mark is one character", "iam:Pass?ole", "iam:PassRole", true},
		{"question mark is not zero characters", "iam:PassRol?", "iam:PassRol", false},
		{"question mark is not two characters", "iam:Pass?ole", "iam:PassRRole", false},
		{"question mark matches the colon", "s3?GetObject", "s3:GetObject", true},
		{"question mark matches one multi-byte character", "a?b", "aéb", true},
		{"star then question mark", "*?", "x", true},
		{"star then question mark needs one", "*?", "", false},
		{"backtracking over several stars", "*a*b*c", "xaxbxbxc", true},
		{"backtracking fails cleanly", "*a*b*c", "xaxbxbx", false},
		{"dots are literal", "s3:Get.bject", "s3:GetObject", false},
		{"zero pattern matches only empty", "", "", true},
		{"empty pattern rejects a name", "", "s3:GetObject", false},
		{"only ASCII letters fold", "é*", "É", false},
		{"Kelvin sign is not k", "kms:*", "\u212Ams:Decrypt", false},
		{"non-ASCII characters match themselves", "a?é*", "aXé", true},
		{"non-ASCII input against ASCII literal", "s3:getobject", "s3:GetObjé", false},
		{"invalid UTF-8 input does not panic", "s3:*", "s3:\xff\xfe", true},
		{"invalid UTF-8 with question mark", "?", "\xff", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compile(tt.pattern).Match(tt.action); got != tt.want {
				t.Errorf("Compile(%q).Match(%q) = %v, want %v", tt.pattern, tt.action, got, tt.want)
			}
			if isASCII(tt.pattern) && isASCII(tt.action) {
				if o := oracle(tt.pattern).MatchString(tt.action); o != tt.want {
					t.Errorf("oracle disagrees with the table on %q ~ %q", tt.pattern, tt.action)
				}
			}
		})
	}
}

// MatchID must agree with Match on the action's own name for every action
// and a spread of pattern shapes (literal, prefix, suffix, glob, all).
func TestMatchIDAgreesWithMatch(t *testing.T) {
	c := Load()
	patterns := []string{
		"*", "s3:*", "s3:Get*", "S3:GETOBJECT", "iam:Pass?ole", "*Object", "*:List*", "ec2:*Vpc*",
		"s3*", "?3:*", "nosuch:*", "", "sts:AssumeRole*", "*tag*", "a*", "z*", "kms:?ncrypt",
	}
	for _, p := range patterns {
		m := Compile(p)
		re := oracle(p)
		for id := 0; id < c.Len(); id++ {
			name := c.Action(id).String()
			want := re.MatchString(name)
			if got := m.Match(name); got != want {
				t.Fatalf("Compile(%q).Match(%q) = %v, want %v", p, name, got, want)
			}
			if got := m.MatchID(id); got != want {
				t.Fatalf("Compile(%q).MatchID(%d = %s) = %v, want %v", p, id, name, got, want)
			}
		}
		if m.MatchID(-1) || m.MatchID(c.Len()) {
			t.Errorf("Compile(%q).MatchID out of range matched", p)
		}
		if m.Pattern() != p {
			t.Errorf("Pattern() = %q, want %q", m.Pattern(), p)
		}
	}
	var zero Matcher
	if zero.Match("") || zero.Match("s3:GetObject") || zero.MatchID(0) {
		t.Error("the zero Matcher must match nothing")
	}
}

func TestExpandSetUnion(t *testing.T) {
	c := Load()
	patterns := []string{"s3:Get*", "s3:GetObject", "iam:Pass?ole", "*Object", "nosuch:*"}
	set := c.ExpandSet(patterns)
	want := map[int]bool{}
	for _, p := range patterns {
		for _, a := range c.Expand(p) {
			want[a.ID] = true
		}
	}
	if set.Count() != len(want) {
		t.Errorf("ExpandSet count %d, want %d (union of Expand)", set.Count(), len(want))
	}
	for id := range want {
		if !set.Has(id) {
			t.Errorf("ExpandSet lacks %s", c.Action(id))
		}
	}
	if got := c.ExpandSet(nil); got.Count() != 0 || len(got) != len(NewBitset(c.Len())) {
		t.Errorf("ExpandSet(nil) = %d IDs in %d words", got.Count(), len(got))
	}
	if got := ExpandSet([]string{"*"}); got.Count() != c.Len() {
		t.Errorf(`ExpandSet("*") = %d, want %d`, got.Count(), c.Len())
	}
}

// FuzzMatch checks the matcher against the regexp oracle on ASCII input and
// for panics on anything.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"s3:Get*", "s3:GetObject"}, {"*a?b*", "xxaybzz"}, {"?", "é"}, {"**?*", ""}, {"iam:Pass?ole", "IAM:PASSROLE"},
	} {
		f.Add(s[0], s[1])
	}
	c := Load()
	f.Fuzz(func(t *testing.T, pattern, action string) {
		m := c.Compile(pattern)
		got := m.Match(action)
		_ = m.MatchID(len(action))
		_ = c.Expand(pattern)
		if isASCII(pattern) && isASCII(action) {
			if want := oracle(pattern).MatchString(action); got != want {
				t.Fatalf("Compile(%q).Match(%q) = %v, oracle %v", pattern, action, got, want)
			}
		}
		if id := c.find(action); id >= 0 && m.MatchID(id) != got {
			t.Fatalf("MatchID and Match disagree on %q ~ %q", pattern, action)
		}
		// Fold ASCII only, as IAM does: strings.ToLower would turn every
		// invalid UTF-8 byte into U+FFFD and call "\xd0" and "\xd1" equal.
		if lowerASCII(pattern) == lowerASCII(action) && !got {
			t.Fatalf("a name must match itself as a pattern: %q", action)
		}
	})
}

// FuzzSegments checks the strings.Index glob (lower-case ASCII input) against
// the backtracking one and the regexp oracle.
func FuzzSegments(f *testing.F) {
	for _, s := range [][2]string{
		{"*:get*policy", "s3:getbucketpolicy"}, {"a?c*?x?", "abcxxxy"}, {"*??*", "ab"}, {"ab*ba", "aba"}, {"?*?", "a"},
	} {
		f.Add(s[0], s[1])
	}
	c := Load()
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if !isASCII(pattern) || !isASCII(s) {
			return
		}
		s = strings.ToLower(s)
		m := c.Compile(pattern)
		got := m.Match(s)
		if back := globFold(strings.ToLower(pattern), s); got != back {
			t.Fatalf("%q ~ %q: segments %v, backtracking %v", pattern, s, got, back)
		}
		if want := oracle(pattern).MatchString(s); got != want {
			t.Fatalf("%q ~ %q: %v, oracle %v", pattern, s, got, want)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
