package loader

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/iamx/iamx/model/policy"
)

// ReadPolicyFile reads one policy document used as kind, such as a service
// control policy for --scp. Besides a bare document it accepts what
// `aws organizations describe-policy` prints, whose Policy.Content holds the
// document as a string. Errors are one line naming the file.
//
// A statement AWS refuses in a policy of that kind (a Principal in an SCP,
// no Resource) is an error naming it: the file is not a policy AWS could
// hold, and a file given on the command line is better fixed than half
// applied — dropping a refused Deny silently would show access the author
// meant to block, keeping it would trust a statement AWS never enforces.
func ReadPolicyFile(path string, kind policy.Kind) (*policy.Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, openErr(path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fileErr(path, "is a directory, not a policy file")
	}
	data, err := readLimited(context.Background(), f, path, 0, maxPolicyFileSize)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(trimBOM(data))
	if len(data) == 0 {
		return nil, fileErr(path, "empty file")
	}
	var wrapped struct {
		Policy *struct {
			Content *string `json:"Content"`
		} `json:"Policy"`
	}
	err = unmarshal(data, &wrapped)
	var se *jsontext.SyntacticError
	if errors.As(syntaxFirst(data, err), &se) {
		return nil, syntaxErr(path, data, se)
	}
	if err == nil && wrapped.Policy != nil && wrapped.Policy.Content != nil {
		data = []byte(*wrapped.Policy.Content)
	}
	p, err := policy.Parse(data)
	if err != nil {
		return nil, fileErr(path, "%v", err)
	}
	if r := p.Rejected(kind); len(r) > 0 {
		return nil, fileErr(path, "%s: AWS rejects this statement in a %s (%s)", r[0].Path(), kind, strings.Join(r[0].Reasons, "; "))
	}
	return p, nil
}
