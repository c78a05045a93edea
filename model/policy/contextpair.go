package policy

import (
	"fmt"
	"strings"
)

// ParseContextPair reads one request-context pair, KEY=VALUE, as iamx takes
// it everywhere (the command line's -c, the explorer's :whocan, :can and
// Explain): split at the first "=", the key trimmed and not empty, the
// value as given (it may be empty or hold "=" itself).
func ParseContextPair(s string) (key, value string, err error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return "", "", fmt.Errorf("expected KEY=VALUE, got %q", s)
	}
	return strings.TrimSpace(k), v, nil
}

// ParseContextPairs reads several pairs into a Context; a key given twice
// gets both values, as -c given twice does.
func ParseContextPairs(pairs []string) (Context, error) {
	ctx := Context{}
	for _, p := range pairs {
		k, v, err := ParseContextPair(p)
		if err != nil {
			return nil, err
		}
		ctx.Add(k, v)
	}
	return ctx, nil
}
