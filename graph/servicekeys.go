package graph

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/iamx/iamx/model/actions"
	"github.com/iamx/iamx/model/policy"
)

// serviceKeys memoises, per action, the condition keys of its own service
// that AWS never sets for it, according to the action catalogue: a request
// for s3:GetObject carries no s3:prefix, so a statement that tests s3:prefix
// cannot allow it, whatever the caller supplies. Global keys (aws:*) and
// other services' keys are never listed: they may appear in any request.
//
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
type serviceKeys struct {
	mu sync.Mutex
	m  map[string][]string
}

// absent returns the keys, lower-cased, with templated keys
// ("s3:ExistingObjectTag/<key>") as "prefix/" entries. An action the
// catalogue does not know, or lists without any condition key, gets nil:
// nothing is assumed about it.
func (c *serviceKeys) absent(action string) []string {
	k := strings.ToLower(action)
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = absentServiceKeys(actions.Load(), action)
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string][]string{}
	}
	c.m[k] = v
	c.mu.Unlock()
	return v
}

func absentServiceKeys(cat *actions.Catalogue, action string) []string {
	a, ok := cat.Lookup(action)
	if !ok {
		return nil
	}
	svc, ok := cat.Service(a.Service)
	if !ok {
		return nil
	}
	applicable := map[string]bool{}
	for _, key := range a.ConditionKeys {
		applicable[keyForm(key)] = true
	}
	for _, r := range a.Resources {
		for _, key := range r.ConditionKeys {
			applicable[keyForm(key)] = true
		}
	}
	if len(applicable) == 0 {
		// An action with no keys at all is more likely missing from the
		// reference than free of keys: assume nothing rather than refute a
		// grant AWS might honour.
		return nil
	}
	own := strings.ToLower(a.Service) + ":"
	out := []string{}
	for _, key := range svc.ConditionKeys {
		f := keyForm(key.Name)
		if strings.HasPrefix(f, own) && !applicable[f] {
			out = append(out, f)
		}
	}
	return out
}

// keyForm lower-cases a catalogue key and turns a templated one
// ("s3:ExistingObjectTag/<key>", "s3:RequestObjectTag/${TagKey}") into its
// prefix ("s3:existingobjecttag/").
func keyForm(key string) string {
	key = strings.ToLower(key)
	if i := strings.IndexByte(key, '/'); i >= 0 {
		return key[:i+1]
	}
	return key
}

// absentKey reports whether key (lower-case) is in a list from absent: named
// exactly, or under a "prefix/" entry.
func absentKey(absent []string, key string) bool {
	for _, k := range absent {
		if k == key || (strings.HasSuffix(k, "/") && strings.HasPrefix(key, k)) {
			return true
		}
	}
	return false
}

// RequestContext returns ctx without the condition keys AWS never sends
// with action — keys of the action's own service that the catalogue does
// not list for it, such as s3:prefix on s3:GetObject — and the keys it
// dropped, sorted, so the caller can warn. Global aws: keys and other
// services' keys always stay: any request may carry them. Every evaluation
// of a caller's context goes through here (Request, requestShared), so can,
// can --batch, who-can and the explorer's Explain decide alike; they call it
// too only for the warning.
//
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
func (g *Graph) RequestContext(action string, ctx policy.Context) (policy.Context, []string) {
	if len(ctx) == 0 {
		return ctx, nil
	}
	absent := g.svcKeys.absent(action)
	if len(absent) == 0 {
		return ctx, nil
	}
	var dropped []string
	for k := range ctx {
		if absentKey(absent, strings.ToLower(k)) {
			dropped = append(dropped, k)
		}
	}
	if len(dropped) == 0 {
		return ctx, nil
	}
	kept := make(policy.Context, len(ctx)-len(dropped))
	for k, v := range ctx {
		if !slices.Contains(dropped, k) {
			kept[k] = v
		}
	}
	sort.Strings(dropped)
	return kept, dropped
}
