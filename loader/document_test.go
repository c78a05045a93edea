package loader

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// Identical documents share one parsed policy and one stored text, however
// they were written (indented, compact, URL-encoded), and every document is
// parsed even when the batch was told to expect fewer.
//
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
// ("policy documents ... are URL-encoded compliant with RFC 3986")
func TestDocBatchSharesIdenticalTexts(t *testing.T) {
	const compact = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	var indented bytes.Buffer
	if err := json.Indent(&indented, []byte(compact), "", "  "); err != nil {
		t.Fatal(err)
	}
	urlForm, _ := json.Marshal("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22*%22%7D%5D%7D")
	same := []json.RawMessage{[]byte(compact), indented.Bytes(), urlForm}

	var b docBatch
	b.expect(1) // fewer than added: the rest must still be parsed
	docs := make([]model.Document, len(same)+20)
	for i, raw := range same {
		b.add(raw, &docs[i], fmt.Sprintf("same[%d]", i), i, policy.KindIdentity)
	}
	for i := range 20 {
		raw := fmt.Sprintf(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iam:Tag%d","Resource":"*"}}`, i)
		b.add([]byte(raw), &docs[len(same)+i], fmt.Sprintf("other[%d]", i), len(same)+i, policy.KindIdentity)
	}
	if faults := b.run(); len(faults) != 0 {
		t.Fatalf("faults %v", faults)
	}
	for i, d := range docs {
		if d.Policy == nil {
			t.Fatalf("document %d (%s) not parsed", i, d.JSON)
		}
	}
	for i := range same {
		if string(docs[i].JSON) != compact || docs[i].Policy != docs[0].Policy {
			t.Errorf("form %d: text %s, shared policy %v", i, docs[i].JSON, docs[i].Policy == docs[0].Policy)
		}
	}
	// A stored text cannot be grown into its neighbour's bytes.
	if cap(docs[0].JSON) != len(docs[0].JSON) {
		t.Errorf("stored text has spare capacity %d", cap(docs[0].JSON)-len(docs[0].JSON))
	}
}
