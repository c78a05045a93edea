// Package hostile builds an account whose every string a file can carry —
// names, paths, tags, descriptions, statement IDs, condition values, the
// alias, the credential report, load warnings — holds what a terminal
// obeys instead of drawing: escape sequences (SGR 8 conceal, an OSC 52
// clipboard write, a C1 CSI), DEL, bidi overrides and invisible format
// characters, and a newline followed by a forged row. The text renderers and
// the explorer are tested against it: none of it may reach the screen raw.
package hostile

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// Forged is the text after the payload's newline: a line of output that
// begins with it was forged by a name.
const Forged = "FORGED-ROW"

// Payload is appended to every string of the account.
const Payload = "\x1b[8m" + // SGR 8: conceal the rest of the line
	"\x1b]52;c;cm0gLXJmIH4K\x07" + // OSC 52: write the clipboard
	"\u009b31m" + // C1 CSI
	"\x7f" + // DEL
	"\u202e" + "\u2066" + // right-to-left override, left-to-right isolate
	"\u200b\ufeff" + // zero-width space, byte-order mark
	"\n" + Forged + " admin"

// Account is the account ID; names below carry the payload, IDs and the
// account do not (ARNs must still parse).
const Account = "111122223333"

// Names of the entities, payload included.
var (
	User   = "eve" + Payload
	Group  = "ops" + Payload
	Role   = "backdoor" + Payload
	Policy = "Pwn" + Payload
	Inline = "inline" + Payload
	Sid    = "Sid" + Payload
)

// ARN is an IAM ARN of the account.
func ARN(kind, name string) string { return "arn:aws:iam::" + Account + ":" + kind + "/" + name }

// q is s as a JSON string.
func q(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func document(text string) model.Document {
	p, err := policy.Parse([]byte(text))
	if err != nil {
		panic(fmt.Sprintf("hostile document: %v\n%s", err, text))
	}
	return model.Document{JSON: []byte(text), Policy: p}
}

// Snapshot is the hostile account: user eve… (member of group ops…, which
// has the admin policy Pwn…; an inline policy whose Sid, resource and
// condition carry the payload), role backdoor… (admin, trusted by eve…
// with an ExternalId condition, by another account and by anyone), a
// credential report row and a load warning.
func Snapshot() *model.Snapshot {
	day := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	admin := document(`{"Version":"2012-10-17","Statement":[{"Sid":` + q(Sid) + `,"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	inline := document(`{"Version":"2012-10-17","Statement":[{"Sid":` + q(Sid) + `,"Effect":"Allow","Action":["s3:GetObject","sts:AssumeRole"],` +
		`"Resource":["arn:aws:s3:::bucket` + jsonFragment(Payload) + `/*",` + q(ARN("role", Role)) + `],` +
		`"Condition":{"StringLike":{` + q("aws:PrincipalTag/team"+Payload) + `:` + q("blue"+Payload) + `}}}]}`)
	trust := document(`{"Version":"2012-10-17","Statement":[` +
		`{"Sid":` + q(Sid) + `,"Effect":"Allow","Principal":{"AWS":` + q(ARN("user", User)) + `},"Action":"sts:AssumeRole",` +
		`"Condition":{"StringEquals":{"sts:ExternalId":` + q("ext"+Payload) + `}}},` +
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"},` +
		`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":` + q("o-"+Payload) + `}}}]}`)
	tags := []model.Tag{{Key: "team" + Payload, Value: "blue" + Payload}}
	policyARN := ARN("policy", Policy)
	return &model.Snapshot{
		AccountID: Account, AccountAlias: "acme" + Payload, Partition: "aws",
		CapturedAt: day, CapturedBy: ARN("user", "auditor"+Payload), Source: "hostile",
		Users: []*model.User{{
			Name: User, ARN: ARN("user", User), ID: "AIDAHOSTILE" + Payload, Path: "/p" + Payload + "/",
			CreateDate: day, Groups: []string{Group}, Tags: tags,
			InlinePolicies: []model.InlinePolicy{{Name: Inline, Document: inline}},
		}},
		Groups: []*model.Group{{
			Name: Group, ARN: ARN("group", Group), ID: "AGPAHOSTILE" + Payload, Path: "/",
			AttachedPolicies: []model.AttachedPolicy{{Name: Policy, ARN: policyARN}},
		}},
		Roles: []*model.Role{{
			Name: Role, ARN: ARN("role", Role), ID: "AROAHOSTILE" + Payload, Path: "/", Description: "about" + Payload,
			TrustPolicy: trust, Tags: tags, MaxSessionDuration: 3600,
			AttachedPolicies: []model.AttachedPolicy{{Name: Policy, ARN: policyARN}},
			InstanceProfiles: []model.InstanceProfile{{Name: "profile" + Payload, ARN: ARN("instance-profile", "profile"+Payload)}},
			LastUsed:         &model.RoleLastUsed{LastUsedDate: day, Region: "eu-west-1" + Payload},
		}},
		Policies: []*model.ManagedPolicy{{
			Name: Policy, ARN: policyARN, ID: "ANPAHOSTILE" + Payload, Path: "/", Description: "description" + Payload,
			DefaultVersionID: "v1" + Payload, AttachmentCount: 2, IsAttachable: true, UpdateDate: day,
			Versions: []model.PolicyVersion{
				{VersionID: "v1" + Payload, IsDefaultVersion: true, CreateDate: day, Document: admin},
				{VersionID: "v0" + Payload, CreateDate: day, Document: model.Document{JSON: []byte("not json" + Payload)}},
			},
		}},
		CredentialReport: []model.CredentialReportRow{{
			User: User, ARN: ARN("user", User), PasswordEnabled: "true", PasswordLastUsed: "yesterday" + Payload, MFAActive: "false",
			AccessKey1Active: "true", AccessKey1LastRotated: "2024" + Payload, AccessKey1LastUsedDate: "2024" + Payload,
			AccessKey1LastUsedRegion: "eu" + Payload, AccessKey1LastUsedService: "s3" + Payload,
		}},
		Warnings: []model.Warning{{Where: "users[0] (" + User + ").UserPolicyList[0]", Message: "problem" + Payload}},
	}
}

// jsonFragment is s escaped for the inside of a JSON string.
func jsonFragment(s string) string {
	b := q(s)
	return b[1 : len(b)-1]
}
