package actions

import (
	"encoding/json"
	"testing"
)

// Access level names as the IAM policy summary uses them:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html
func TestParseAccessLevel(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  AccessLevel
		ok    bool
	}{
		{"AWS name List", "List", List, true},
		{"AWS name Read", "Read", Read, true},
		{"AWS name Write", "Write", Write, true},
		{"AWS name Permissions management", "Permissions management", PermissionsManagement, true},
		{"AWS name Tagging", "Tagging", Tagging, true},
		{"names ignore case", "PERMISSIONS MANAGEMENT", PermissionsManagement, true},
		{"short form list", "list", List, true},
		{"short form permissions", "permissions", PermissionsManagement, true},
		{"short form with hyphen", "permissions-management", PermissionsManagement, true},
		{"short form with underscore", "permissions_management", PermissionsManagement, true},
		{"surrounding space is ignored", " tagging ", Tagging, true},
		{"empty is an error", "", 0, false},
		{"unknown word is an error", "admin", 0, false},
		{"a prefix is not enough", "perm", 0, false},
		{"the source's combined form is not a flag value", "Tagging, Write", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAccessLevel(tt.input)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("ParseAccessLevel(%q) = %v, %v; want %v, ok %v", tt.input, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestAccessLevelString(t *testing.T) {
	want := []string{"List", "Read", "Write", "Permissions management", "Tagging"}
	for i, l := range AccessLevels() {
		if l.String() != want[i] {
			t.Errorf("%d.String() = %q, want %q", l, l.String(), want[i])
		}
		back, err := ParseAccessLevel(l.String())
		if err != nil || back != l {
			t.Errorf("ParseAccessLevel(%q) = %v, %v; want %v", l.String(), back, err, l)
		}
	}
	if s := AccessLevel(0).String(); s != "AccessLevel(0)" {
		t.Errorf("zero level String() = %q", s)
	}
	if AccessLevel(0).Valid() || AccessLevel(6).Valid() {
		t.Error("0 and 6 must be invalid")
	}
}

func TestAccessLevelJSON(t *testing.T) {
	b, err := json.Marshal(map[string]AccessLevel{"access_level": PermissionsManagement})
	if err != nil || string(b) != `{"access_level":"Permissions management"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	var back map[string]AccessLevel
	if err := json.Unmarshal(b, &back); err != nil || back["access_level"] != PermissionsManagement {
		t.Errorf("Unmarshal = %v, %v", back, err)
	}
	if _, err := json.Marshal(AccessLevel(9)); err == nil {
		t.Error("marshalling an invalid level must fail")
	}
	if err := json.Unmarshal([]byte(`"nope"`), new(AccessLevel)); err == nil {
		t.Error("unmarshalling an unknown level must fail")
	}
}
