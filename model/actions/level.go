package actions

import (
	"fmt"
	"strings"
)

// AccessLevel is the access level AWS assigns to an action in the Service
// Authorization Reference and in policy summaries:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html
//
// The zero value is not a level; every catalogue action has one of the five.
type AccessLevel uint8

// The five access levels, in the order the IAM console lists them.
const (
	List AccessLevel = iota + 1
	Read
	Write
	PermissionsManagement
	Tagging
)

// AccessLevels lists the five levels in console order.
func AccessLevels() []AccessLevel {
	return []AccessLevel{List, Read, Write, PermissionsManagement, Tagging}
}

var levelNames = [...]string{
	List:                  "List",
	Read:                  "Read",
	Write:                 "Write",
	PermissionsManagement: "Permissions management",
	Tagging:               "Tagging",
}

// String returns the AWS name: "List", "Read", "Write",
// "Permissions management" or "Tagging"; for an invalid value,
// "AccessLevel(n)".
func (l AccessLevel) String() string {
	if l.Valid() {
		return levelNames[l]
	}
	return fmt.Sprintf("AccessLevel(%d)", uint8(l))
}

// Valid reports whether l is one of the five levels.
func (l AccessLevel) Valid() bool { return l >= List && l <= Tagging }

// ParseAccessLevel reads a level as a person types it for --level: the AWS
// name in any case ("Permissions management") or a short form ("list",
// "read", "write", "permissions", "tagging"); "-" or "_" may stand for the
// space.
func ParseAccessLevel(s string) (AccessLevel, error) {
	norm := strings.ToLower(strings.TrimSpace(s))
	norm = strings.NewReplacer("-", " ", "_", " ").Replace(norm)
	switch norm {
	case "list":
		return List, nil
	case "read":
		return Read, nil
	case "write":
		return Write, nil
	case "permissions management", "permissions", "permissionsmanagement":
		return PermissionsManagement, nil
	case "tagging":
		return Tagging, nil
	}
	return 0, fmt.Errorf("unknown access level %q: want list, read, write, permissions or tagging", s)
}

// MarshalText writes the AWS name, so JSON output reads "access_level": "Write".
func (l AccessLevel) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("marshal access level: invalid value %d", uint8(l))
	}
	return []byte(levelNames[l]), nil
}

// UnmarshalText accepts whatever ParseAccessLevel accepts.
func (l *AccessLevel) UnmarshalText(b []byte) error {
	v, err := ParseAccessLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
