package actions

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// decode parses the catalogue text format written by internal/gen (its
// format.go documents the layout). Names are substrings of text, so the whole
// catalogue costs a handful of allocations. Any inconsistency is an error
// naming the line.
func decode(text string) (*Catalogue, error) {
	c := &Catalogue{}
	nActions := strings.Count(text, "\nA\t")
	c.actions = make([]Action, 0, nActions)
	c.types = make([]ResourceType, 0, strings.Count(text, "\nT\t"))

	// Slices of resource rows and condition keys are carved out of shared
	// backing arrays once they stop growing; until then spans hold offsets.
	type span struct{ lo, hi int }
	var (
		refs     = make([]ResourceRef, 0, nActions)
		keys     = make([]string, 0, 2*nActions)
		refSpans = make([]span, 0, nActions)
		keySpans = make([]span, 0, nActions)
		refKeys  = make([]span, 0, nActions) // one per ResourceRef
		svcSpans []span                      // action ID range per service, in file order
		typeKeys []span                      // one per ResourceType
		svcTypes []span                      // ResourceType range per service
		svcKeys  = make([]ConditionKey, 0, strings.Count(text, "\nK\t"))
		keySpan  []span // ConditionKey range per service
		svcs     []Service
	)
	var svcKeyNames []string // current service's condition keys by index
	var svcTypeIdx []int     // current service's resource types (indices into c.types)

	var fields [5]string
	lineNo := 0
	fail := func(format string, args ...any) (*Catalogue, error) {
		return nil, fmt.Errorf("line %d: %s", lineNo, fmt.Sprintf(format, args...))
	}
	rest := text
	for len(rest) > 0 {
		lineNo++
		line, after, ok := strings.Cut(rest, "\n")
		if !ok {
			return fail("missing final newline")
		}
		rest = after
		f := splitTabs(line, &fields)
		if lineNo == 1 {
			if len(f) != 4 || f[0] != "iamx-actions" || f[1] != "1" {
				return fail("not an iamx-actions version 1 file")
			}
			c.pkg, c.version = f[2], f[3]
			continue
		}
		switch f[0] {
		case "S":
			if len(f) != 3 || f[1] == "" {
				return fail("service: want S, prefix, name")
			}
			if n := len(svcs); n > 0 {
				svcSpans[n-1].hi = len(c.actions)
				svcTypes[n-1].hi = len(c.types)
				keySpan[n-1].hi = len(svcKeys)
			}
			svcs = append(svcs, Service{Prefix: f[1], Name: f[2]})
			svcSpans = append(svcSpans, span{len(c.actions), len(c.actions)})
			svcTypes = append(svcTypes, span{len(c.types), len(c.types)})
			keySpan = append(keySpan, span{len(svcKeys), len(svcKeys)})
			svcKeyNames = svcKeyNames[:0]
			svcTypeIdx = svcTypeIdx[:0]
		case "K":
			if len(svcs) == 0 || len(f) != 3 || f[1] == "" {
				return fail("condition key: want K, name, type after a service")
			}
			svcKeys = append(svcKeys, ConditionKey{Name: f[1], Type: f[2]})
			svcKeyNames = append(svcKeyNames, f[1])
		case "T":
			if len(svcs) == 0 || len(f) != 4 || f[1] == "" {
				return fail("resource type: want T, name, ARN, keys after a service")
			}
			lo := len(keys)
			for list := f[3]; list != ""; {
				var k string
				k, list = token(list, ' ')
				i, err := index(k, len(svcKeyNames))
				if err != nil {
					return fail("resource type %s: condition key %v", f[1], err)
				}
				keys = append(keys, svcKeyNames[i])
			}
			svcTypeIdx = append(svcTypeIdx, len(c.types))
			typeKeys = append(typeKeys, span{lo, len(keys)})
			c.types = append(c.types, ResourceType{Service: svcs[len(svcs)-1].Prefix, Name: f[1], ARN: f[2]})
		case "A":
			if len(svcs) == 0 || len(f) != 5 || f[1] == "" {
				return fail("action: want A, name, level, resources, keys after a service")
			}
			level := AccessLevel(0)
			if len(f[2]) == 1 {
				level = AccessLevel(f[2][0] - '0')
			}
			if !level.Valid() {
				return fail("action %s: bad access level %q", f[1], f[2])
			}
			rlo := len(refs)
			for list := f[3]; list != ""; {
				var entry string
				entry, list = token(list, ' ')
				t, rowKeys, _ := strings.Cut(entry, "+")
				t, required := strings.CutSuffix(t, "*")
				ti, err := index(t, len(svcTypeIdx))
				if err != nil {
					return fail("action %s: resource type %v", f[1], err)
				}
				klo := len(keys)
				for rowKeys != "" {
					var k string
					k, rowKeys = token(rowKeys, '+')
					i, err := index(k, len(svcKeyNames))
					if err != nil {
						return fail("action %s: resource condition key %v", f[1], err)
					}
					keys = append(keys, svcKeyNames[i])
				}
				rt := &c.types[svcTypeIdx[ti]]
				refs = append(refs, ResourceRef{Name: rt.Name, Required: required, ARN: rt.ARN})
				refKeys = append(refKeys, span{klo, len(keys)})
			}
			klo := len(keys)
			for list := f[4]; list != ""; {
				var k string
				k, list = token(list, ' ')
				i, err := index(k, len(svcKeyNames))
				if err != nil {
					return fail("action %s: condition key %v", f[1], err)
				}
				keys = append(keys, svcKeyNames[i])
			}
			refSpans = append(refSpans, span{rlo, len(refs)})
			keySpans = append(keySpans, span{klo, len(keys)})
			c.actions = append(c.actions, Action{ID: len(c.actions), Service: svcs[len(svcs)-1].Prefix, Name: f[1], Level: level})
		default:
			return fail("unknown record %q", f[0])
		}
	}
	if lineNo == 0 {
		return nil, errors.New("empty catalogue")
	}
	if n := len(svcs); n > 0 {
		svcSpans[n-1].hi = len(c.actions)
		svcTypes[n-1].hi = len(c.types)
		keySpan[n-1].hi = len(svcKeys)
	}

	// Carve the shared slices; capacity is clipped so an append by a careless
	// caller cannot overwrite a neighbour.
	for i := range refs {
		s := refKeys[i]
		refs[i].ConditionKeys = keys[s.lo:s.hi:s.hi]
	}
	for i := range c.types {
		s := typeKeys[i]
		c.types[i].ConditionKeys = keys[s.lo:s.hi:s.hi]
	}
	for i := range c.actions {
		r, k := refSpans[i], keySpans[i]
		c.actions[i].Resources = refs[r.lo:r.hi:r.hi]
		c.actions[i].ConditionKeys = keys[k.lo:k.hi:k.hi]
	}

	// Full names, canonical and lower-cased, as substrings of two buffers.
	size := 0
	for i := range c.actions {
		size += len(c.actions[i].Service) + 1 + len(c.actions[i].Name)
	}
	var full, lower strings.Builder
	full.Grow(size)
	lower.Grow(size)
	var buf []byte
	for i := range c.actions {
		a := &c.actions[i]
		full.WriteString(a.Service)
		full.WriteByte(':')
		full.WriteString(a.Name)
		buf = append(append(append(buf[:0], a.Service...), ':'), a.Name...)
		for j, ch := range buf {
			if 'A' <= ch && ch <= 'Z' {
				buf[j] = ch + 'a' - 'A'
			}
		}
		lower.Write(buf)
	}
	fullS, lowerS := full.String(), lower.String()
	c.lower = make([]string, len(c.actions))
	off := 0
	for i := range c.actions {
		a := &c.actions[i]
		n := len(a.Service) + 1 + len(a.Name)
		a.full = fullS[off : off+n]
		c.lower[i] = lowerS[off : off+n]
		off += n
		c.maxName = max(c.maxName, n)
		// Dense IDs follow the lower-cased full name; lookups and prefix
		// ranges rely on it.
		if i > 0 && c.lower[i-1] >= c.lower[i] {
			return nil, fmt.Errorf("actions out of order: %s before %s", c.actions[i-1].full, a.full)
		}
	}

	ptrs := make([]*Action, len(c.actions))
	for i := range c.actions {
		ptrs[i] = &c.actions[i]
	}
	typePtrs := make([]*ResourceType, len(c.types))
	for i := range c.types {
		typePtrs[i] = &c.types[i]
	}
	for i := range svcs {
		a, t, k := svcSpans[i], svcTypes[i], keySpan[i]
		svcs[i].Actions = ptrs[a.lo:a.hi:a.hi]
		svcs[i].ResourceTypes = typePtrs[t.lo:t.hi:t.hi]
		svcs[i].ConditionKeys = svcKeys[k.lo:k.hi:k.hi]
	}
	sort.Slice(svcs, func(i, j int) bool { return svcs[i].Prefix < svcs[j].Prefix })
	for i := 1; i < len(svcs); i++ {
		if svcs[i-1].Prefix == svcs[i].Prefix {
			return nil, fmt.Errorf("service %s listed twice", svcs[i].Prefix)
		}
	}
	c.services = svcs
	return c, nil
}

// splitTabs splits a line into at most 5 tab-separated fields, reusing buf
// so that no line allocates.
func splitTabs(line string, buf *[5]string) []string {
	f := buf[:0]
	for len(f) < len(buf)-1 {
		field, rest, ok := strings.Cut(line, "\t")
		if !ok {
			break
		}
		f = append(f, field)
		line = rest
	}
	return append(f, line)
}

// token splits s at the first sep: the part before it, and the rest.
func token(s string, sep byte) (tok, rest string) {
	if i := strings.IndexByte(s, sep); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// index parses a small non-negative decimal below n.
func index(s string, n int) (int, error) {
	if s == "" || len(s) > 6 {
		return 0, fmt.Errorf("index %q malformed", s)
	}
	v := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("index %q malformed", s)
		}
		v = v*10 + int(s[i]-'0')
	}
	if v >= n {
		return 0, fmt.Errorf("index %d out of range (%d defined)", v, n)
	}
	return v, nil
}
