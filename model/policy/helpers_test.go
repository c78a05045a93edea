package policy

import (
	"strconv"
	"strings"
	"testing"

	"github.com/iamx/iamx/model/principal"
)

const acct = "111122223333"
const otherAcct = "444455556666"

func mustParse(t testing.TB, doc string) *Policy {
	t.Helper()
	p, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("parse %s: %v", doc, err)
	}
	return p
}

func mustPrincipal(t testing.TB, id string) principal.Principal {
	t.Helper()
	switch {
	case strings.HasPrefix(id, "federated:"):
		return principal.NewFederated(strings.TrimPrefix(id, "federated:"))
	case strings.HasPrefix(id, "canonical:"):
		id = strings.TrimPrefix(id, "canonical:")
		return principal.Principal{Kind: principal.CanonicalUser, ID: id, Name: id}
	}
	p, err := principal.Parse(id)
	if err != nil {
		t.Fatalf("principal %s: %v", id, err)
	}
	return p
}

func alice() string { return "arn:aws:iam::" + acct + ":user/alice" }

// allowDoc is an identity policy allowing action on resource.
func allowDoc(action, resource string) string {
	return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}}`
}

func ctxOf(kv map[string][]string) Context {
	c := Context{}
	for k, v := range kv {
		c.Set(k, v...)
	}
	return c
}

// srcs wraps documents as policy sources of one type.
func srcs(t testing.TB, typ PolicyType, docs ...string) []Source {
	out := make([]Source, 0, len(docs))
	for i, d := range docs {
		out = append(out, Source{Type: typ, Name: "p" + strconv.Itoa(i), Owner: "owner", Policy: mustParse(t, d)})
	}
	return out
}

func src(t testing.TB, typ PolicyType, doc string) *Source {
	if doc == "" {
		return nil
	}
	s := srcs(t, typ, doc)[0]
	return &s
}
