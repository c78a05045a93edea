package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// In aws-cn and aws-us-gov a bare account ID, in a trust policy or on the
// command line, is that partition's account: its root is
// arn:aws-cn:iam::ACCOUNT:root, never arn:aws:…, since no trust crosses
// partitions.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
func TestBareAccountIDsTakeTheLoadedPartition(t *testing.T) {
	for _, part := range []string{"aws-cn", "aws-us-gov"} {
		t.Run(part, func(t *testing.T) {
			gaad := `{"RoleDetailList":[{"RoleName":"Deploy","RoleId":"AROAEXAMPLE","Path":"/",
"Arn":"arn:` + part + `:iam::111122223333:role/Deploy",
"AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole"}]},
"RolePolicyList":[],"AttachedManagedPolicies":[],"InstanceProfileList":[]}]}`
			path := filepath.Join(t.TempDir(), "acct.json")
			if err := os.WriteFile(path, []byte(gaad), 0o600); err != nil {
				t.Fatal(err)
			}
			root := "arn:" + part + ":iam::444455556666:root"
			out, errOut, code := runCLI(t, "", "who-can", "sts:AssumeRole", "arn:"+part+":iam::111122223333:role/Deploy", "--snapshot", path, "--json")
			if code != exitOK || !strings.Contains(out, `"`+root+`"`) || strings.Contains(out, "arn:aws:iam::444455556666") {
				t.Errorf("who-can: exit %d, want %s and no arn:aws: root:\n%s%s", code, root, out, errOut)
			}
			out, errOut, code = runCLI(t, "", "can", "444455556666", "sts:AssumeRole", "arn:"+part+":iam::111122223333:role/Deploy", "--snapshot", path, "--json")
			if !strings.Contains(out, `"principal": "`+root+`"`) {
				t.Errorf("can 444455556666: exit %d, want principal %s:\n%s%s", code, root, out, errOut)
			}
		})
	}
}
