package loader

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/iamx/iamx/model"
)

const bucketPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The --resources records: policy as an object, as a JSON string (what
// `aws s3api get-bucket-policy` prints in .Policy), null for "known to have
// none", or absent beside "error" for "could not be read" — which must stay
// apart from "none" (DESIGN.md §3).
func TestReadResourcesFile(t *testing.T) {
	q, _ := jsonString(bucketPolicy)
	lines := strings.Join([]string{
		`{"arn":"arn:aws:s3:::b","type":"AWS::S3::Bucket","account":"111122223333","policy":` + bucketPolicy + `}`,
		``,
		`{"arn":"arn:aws:s3:::c","account":"111122223333","policy":` + q + `,"attributes":{"block_public_access":{"RestrictPublicBuckets":true}}}`,
		`{"arn":"arn:aws:sqs:us-east-1:111122223333:q","policy":null}`,
		`{"arn":"arn:aws:kms:us-east-1:111122223333:key/k1","error":"AccessDeniedException"}`,
	}, "\n")
	rs, warnings, err := ReadResourcesFile(writeTemp(t, "r.jsonl", lines))
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
	if len(rs) != 4 {
		t.Fatalf("got %d resources, want 4", len(rs))
	}
	tests := []struct {
		name                 string
		r                    *model.Resource
		typ, account, region string
		hasPolicy, known     bool
	}{
		{"a policy object is parsed", rs[0], model.TypeS3Bucket, "111122223333", "", true, true},
		{"a policy given as a JSON string is parsed; the type comes from the ARN", rs[2-1], model.TypeS3Bucket, "111122223333", "", true, true},
		{"null means known to have no policy", rs[2], model.TypeSQSQueue, "111122223333", "us-east-1", false, true},
		{"an error means the policy is unknown, not absent", rs[3], model.TypeKMSKey, "111122223333", "us-east-1", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r
			if r.Type != tt.typ || r.Account != tt.account || r.Region != tt.region {
				t.Errorf("type, account, region = %q %q %q, want %q %q %q", r.Type, r.Account, r.Region, tt.typ, tt.account, tt.region)
			}
			if (r.Policy != nil && r.Policy.Policy != nil) != tt.hasPolicy || r.PolicyKnown() != tt.known {
				t.Errorf("policy %v known %v, want %v %v", r.Policy, r.PolicyKnown(), tt.hasPolicy, tt.known)
			}
		})
	}
	if rs[1].S3 == nil || rs[1].S3.BlockPublicAccess == nil || !rs[1].S3.BlockPublicAccess.RestrictPublicBuckets {
		t.Errorf("bucket BPA not read: %+v", rs[1].S3)
	}
}

// Faulty records are one-line errors naming the file, the line and the field.
func TestReadResourcesFileErrors(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"a missing policy field is not read as no policy", `{"arn":"arn:aws:s3:::b","account":"111122223333"}`, "line 1.policy: missing"},
		{"a missing ARN", `{"policy":null}`, "line 1.arn: missing"},
		{"an ARN of an unknown type without a type", `{"arn":"arn:aws:ec2:us-east-1:111122223333:instance/i-1","policy":null}`, "line 1.type: missing"},
		{"a type that is not a CloudFormation name", `{"arn":"arn:aws:s3:::b","type":"bucket","policy":null}`, `line 1.type: "bucket"`},
		{"an account that disagrees with the ARN", `{"arn":"arn:aws:sqs:us-east-1:111122223333:q","account":"444455556666","policy":null}`, "but the ARN names account 111122223333"},
		{"a line that is not an object", "\n[1]", "line 2: expected a JSON object"},
		{"a wrong field type", `{"arn":7}`, "line 1.arn: expected string, found number"},
		{"broken JSON", `{"arn":`, "line 1: not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemp(t, "r.jsonl", tt.content)
			_, _, err := ReadResourcesFile(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), path) || strings.Contains(err.Error(), "\n") {
				t.Errorf("err = %v, want one line starting with the path and containing %q", err, tt.want)
			}
		})
	}
}

// The --org file takes what the `aws organizations` commands print, merged:
// describe-policy's {"Policy":{…}} wrapper or its inside, Content as the
// string the CLI prints.
func TestReadOrgFile(t *testing.T) {
	scp, _ := jsonString(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	// An RCP's statements name Principal "*" (AWS requires it).
	// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
	rcp, _ := jsonString(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)
	org := `{"Organization":{"Id":"o-1","MasterAccountId":"111111111111"},
	"Roots":[{"Id":"r-1","Name":"Root"}],
	"OrganizationalUnits":[{"Id":"ou-1","Name":"Prod","ParentId":"r-1"}],
	"Accounts":[{"Id":"111111111111","Name":"mgmt","Status":"ACTIVE","ParentId":"r-1"},{"Id":"222222222222","Name":"prod","ParentId":"ou-1"}],
	"Policies":[
	 {"Policy":{"PolicySummary":{"Id":"p-FullAWSAccess","Name":"FullAWSAccess","Type":"SERVICE_CONTROL_POLICY","AwsManaged":true},"Content":` + scp + `},"Targets":[{"TargetId":"r-1"},{"TargetId":"ou-1"},{"TargetId":"222222222222"}]},
	 {"PolicySummary":{"Id":"p-rcp","Name":"RCPFullAWSAccess","Type":"RESOURCE_CONTROL_POLICY"},"Content":` + rcp + `,"Targets":[{"TargetId":"r-1"}]},
	 {"PolicySummary":{"Id":"p-tag","Type":"TAG_POLICY"},"Content":"{}","Targets":[]}]}`
	o, warnings, err := ReadOrgFile(writeTemp(t, "org.json", org))
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
	if o.ManagementAccountID != "111111111111" {
		t.Errorf("management account %q", o.ManagementAccountID)
	}
	if got := o.Path("222222222222"); !reflect.DeepEqual(got, []string{"r-1", "ou-1", "222222222222"}) {
		t.Errorf("Path = %v", got)
	}
	if len(o.Policies) != 2 || o.Policies[0].Document.Policy == nil || o.Policies[1].Type != model.RCPType {
		t.Errorf("policies: %+v", o.Policies)
	}
	if got := len(o.Attached("ou-1", model.SCPType)); got != 1 {
		t.Errorf("SCPs on ou-1: %d", got)
	}

	bad := []struct{ name, content, want string }{
		{"an OU without its parent", `{"Roots":[{"Id":"r-1"}],"OrganizationalUnits":[{"Id":"ou-1"}]}`, "OrganizationalUnits[0].ParentId: missing"},
		{"a policy without content", `{"Roots":[],"Policies":[{"PolicySummary":{"Id":"p","Type":"SERVICE_CONTROL_POLICY"}}]}`, "Policies[0].Content: missing"},
		{"not an organization", `{"Users":[]}`, "not an organization file"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadOrgFile(writeTemp(t, "org.json", tt.content))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// Version 2 sections survive write → read → write byte for byte, and a
// version 1 file (no sections) still loads with none.
func TestSnapshotVersion2RoundTrip(t *testing.T) {
	first, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	rs, _, err := ReadResourcesFile(writeTemp(t, "r.jsonl", `{"arn":"arn:aws:s3:::b","account":"111122223333","policy":`+bucketPolicy+`,"attributes":{"object_ownership":"BucketOwnerEnforced","policy_is_public":false}}
{"arn":"arn:aws:kms:us-east-1:111122223333:key/k","error":"AccessDenied","attributes":{"key_manager":"CUSTOMER","grants":[{"GrantId":"g","GranteePrincipal":"arn:aws:iam::111122223333:role/r","Operations":["Decrypt"]}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	first.Resources = rs
	// The organization as the --org reader builds it: its SCP is read as an
	// SCP (no principal; AWS rejects one that names any).
	scp, _ := jsonString(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	org, _, err := ReadOrgFile(writeTemp(t, "org.json", `{"Organization":{"Id":"o-1","MasterAccountId":"111111111111"},
	"Roots":[{"Id":"r-1"}],"Accounts":[{"Id":"111122223333","ParentId":"r-1"}],
	"Policies":[{"PolicySummary":{"Id":"p","Name":"FullAWSAccess","Type":"SERVICE_CONTROL_POLICY"},"Content":`+scp+`,"Targets":[{"TargetId":"r-1"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	first.Organization = org
	first.Coverage = []model.Coverage{{Account: "111122223333", Region: "us-east-1", Service: "kms", State: model.CoverageDenied, Error: "AccessDenied"}}
	path := filepath.Join(t.TempDir(), "v2.json")
	if err := WriteFile(path, first); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !bytes.Contains(data, []byte(`"version": 2`)) && !bytes.Contains(data, []byte(`"version":2`)) {
		t.Errorf("written file is not version 2: %.200s", data)
	}
	agree(t, data)
	second := mustRead(t, path)
	if !reflect.DeepEqual(normalise(first).Resources, normalise(second).Resources) || !reflect.DeepEqual(first.Organization, second.Organization) || !reflect.DeepEqual(first.Coverage, second.Coverage) {
		for i := range first.Resources {
			t.Logf("%+v\n%+v", *first.Resources[i], *second.Resources[i])
		}
		t.Errorf("round trip changed the sections:\n%+v\n%+v", *first.Organization, *second.Organization)
	}
	var a, b bytes.Buffer
	if err := Encode(&a, first); err != nil {
		t.Fatal(err)
	}
	if err := Encode(&b, second); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("encoding the reloaded snapshot gives different bytes")
	}

	v1 := writeTemp(t, "v1.json", `{"format":"iamx-snapshot","version":1,"account_id":"111122223333","authorization_details":{"UserDetailList":[]}}`)
	old := mustRead(t, v1)
	if old.Resources != nil || old.Organization != nil || old.Coverage != nil {
		t.Errorf("a version 1 file has sections: %+v", old)
	}
}

func jsonString(s string) (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}

// The version 2 sections are kept raw, exactly as encoding/json kept a
// RawMessage; a repeated section: the last wins.
func TestWireDecoderKeepsVersion2Sections(t *testing.T) {
	tests := []struct {
		name string
		in   string
		fast bool
	}{
		{"sections are kept raw", `{"format":"iamx-snapshot","version":2,"authorization_details":{},"resources":[{"arn":"a","policy":null}],"organization":{"Roots":[]},"coverage":[]}`, true},
		{"null sections keep null", `{"resources":null,"organization":null,"coverage":null,"UserDetailList":[]}`, true},
		{"names fold", `{"Resources":[1],"ORGANIZATION":{},"UserDetailList":[]}`, true},
		{"a repeated section: the last wins, as for any raw value", `{"resources":[],"resources":[1]}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := agree(t, []byte(tt.in)); got != tt.fast {
				t.Errorf("json v2 took it: %v, want %v", got, tt.fast)
			}
		})
	}
}

// FuzzReadResources: any --resources or --org file is read or refused with
// one line naming the file, never a panic.
func FuzzReadResources(f *testing.F) {
	f.Add([]byte(`{"arn":"arn:aws:s3:::b","account":"111122223333","policy":` + bucketPolicy + `}` + "\n" + `{"arn":"arn:aws:sqs:us-east-1:111122223333:q","policy":null}`))
	f.Add([]byte(`{"arn":"arn:aws:kms:us-east-1:111122223333:key/k","error":"x","attributes":{"grants":[{"GrantId":"g"}]}}`))
	f.Add([]byte(`{"Roots":[{"Id":"r"}],"OrganizationalUnits":[{"Id":"ou","ParentId":"r"}],"Policies":[{"PolicySummary":{"Id":"p","Type":"SERVICE_CONTROL_POLICY"},"Content":"{}","Targets":[{"TargetId":"r"}]}]}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, read := range []func(string) error{
			func(p string) error { _, _, err := ReadResourcesFile(p); return err },
			func(p string) error { _, _, err := ReadOrgFile(p); return err },
		} {
			if err := read(path); err != nil && (!strings.HasPrefix(err.Error(), path) || strings.Contains(err.Error(), "\n")) {
				t.Errorf("error is not one line naming the file: %q", err)
			}
		}
	})
}
