package loader

import (
	"bytes"
	"encoding/json"
	"os"

	"github.com/iamx/iamx/model/policy"
)

// ReadPolicyFile reads one policy document, such as a service control policy
// for --scp. Besides a bare document it accepts what
// `aws organizations describe-policy` prints, whose Policy.Content holds the
// document as a string. Errors are one line naming the file.
func ReadPolicyFile(path string) (*policy.Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, openErr(path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fileErr(path, "is a directory, not a policy file")
	}
	data, err := readAll(f, path)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, fileErr(path, "empty file")
	}
	if err := checkJSON(data, path); err != nil {
		return nil, err
	}
	var wrapped struct {
		Policy *struct {
			Content *string `json:"Content"`
		} `json:"Policy"`
	}
	if json.Unmarshal(data, &wrapped) == nil && wrapped.Policy != nil && wrapped.Policy.Content != nil {
		data = []byte(*wrapped.Policy.Content)
	}
	p, err := policy.Parse(data)
	if err != nil {
		return nil, fileErr(path, "%v", err)
	}
	return p, nil
}
