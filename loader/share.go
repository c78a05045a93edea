package loader

import (
	"sync"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
)

// docShare makes identical documents of different snapshots one: the same
// text and the same *policy.Policy. An organization repeats documents across
// accounts far more than an account repeats them within itself (every
// account has the same AWS managed policies, the same service trust
// policies, the same baseline roles), and a load already shares them within
// each snapshot (docBatch). Sharing across snapshots lets the parsed copies
// of all but the first account be collected, and lets the graph, which
// numbers distinct *policy.Policy values for its per-query memos, see each
// document once. A parsed policy is read-only after loading and depends
// only on its text and the kind of field it came from (AWS refuses
// different statements in a trust policy and an identity policy), so the
// key is the pair.
type docShare struct {
	mu   sync.Mutex
	docs [policy.KindCount]map[string]model.Document
}

// add replaces the documents of s by the shared ones with the same text and
// kind, and records the ones not seen before.
func (d *docShare) add(s *model.Snapshot) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := range s.Users {
		d.inline(s.Users[i].InlinePolicies)
	}
	for i := range s.Groups {
		d.inline(s.Groups[i].InlinePolicies)
	}
	for i := range s.Roles {
		d.one(&s.Roles[i].TrustPolicy, policy.KindTrust)
		d.inline(s.Roles[i].InlinePolicies)
	}
	for i := range s.Policies {
		for j := range s.Policies[i].Versions {
			d.one(&s.Policies[i].Versions[j].Document, policy.KindIdentity)
		}
	}
}

func (d *docShare) inline(list []model.InlinePolicy) {
	for i := range list {
		d.one(&list[i].Document, policy.KindIdentity)
	}
}

func (d *docShare) one(doc *model.Document, kind policy.Kind) {
	if doc.Policy == nil {
		return // not parsed: its warning names the text, which stays as found
	}
	m := d.docs[kind]
	if m == nil {
		m = map[string]model.Document{}
		d.docs[kind] = m
	}
	if shared, ok := m[string(doc.JSON)]; ok {
		*doc = shared
		return
	}
	m[string(doc.JSON)] = *doc
}
