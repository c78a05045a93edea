package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strconv"
	"strings"
)

// The catalogue file is gzip'd UTF-8 text, one record per line, fields
// separated by tabs. Package actions decodes it (decode.go there); keep the
// two in step and bump the version on any change.
//
//	iamx-actions <TAB> 1 <TAB> package <TAB> version      header
//	S <TAB> prefix <TAB> service name                      starts a service
//	K <TAB> key <TAB> type                                 condition key #0, #1 … of the service
//	T <TAB> name <TAB> ARN format <TAB> keys               resource type #0, #1 … of the service
//	A <TAB> Name <TAB> level <TAB> resources <TAB> keys    action
//
// keys are condition-key indices separated by spaces. resources are entries
// separated by spaces, each a resource-type index, then "*" when the resource
// type is required (as the AWS reference marks it), then "+index" for each
// condition key of that row: "3*+0+5". level is 1 List, 2 Read, 3 Write,
// 4 Permissions management, 5 Tagging. Services come in the order of
// "prefix:" and actions in case-insensitive name order, so the file lists
// actions in the order of their lower-cased full names.
const formatVersion = 1

// encode renders pkg in the catalogue format.
func encode(pkg *pkgData) ([]byte, error) {
	var b bytes.Buffer
	var bad error
	field := func(where, s string) string {
		if bad == nil && (s == "" || strings.ContainsAny(s, "\t\n\r")) {
			bad = fmt.Errorf("%s: %q is empty or contains a tab or newline", where, s)
		}
		return s
	}
	fmt.Fprintf(&b, "iamx-actions\t%d\t%s\t%s\n", formatVersion, field("package name", pkg.Name), field("package version", pkg.Version))
	for _, s := range pkg.Services {
		fmt.Fprintf(&b, "S\t%s\t%s\n", field("service", s.Prefix), field(s.Prefix+" name", s.Name))
		for _, k := range s.Keys {
			// A few keys carry no type in the source; "String" is IAM's default.
			typ := k.Type
			if typ == "" {
				typ = "String"
			}
			fmt.Fprintf(&b, "K\t%s\t%s\n", field(s.Prefix+" condition key", k.Name), field(s.Prefix+" "+k.Name+" type", typ))
		}
		for _, t := range s.Types {
			fmt.Fprintf(&b, "T\t%s\t%s\t%s\n", field(s.Prefix+" resource type", t.Name), field(s.Prefix+" "+t.Name+" ARN", t.ARN), indices(t.Keys, " "))
		}
		for _, a := range s.Actions {
			fmt.Fprintf(&b, "A\t%s\t%d\t", field(s.Prefix+" action", a.Name), a.Level)
			for i, r := range a.Resources {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(strconv.Itoa(r.Type))
				if r.Required {
					b.WriteByte('*')
				}
				for _, k := range r.Keys {
					b.WriteByte('+')
					b.WriteString(strconv.Itoa(k))
				}
			}
			fmt.Fprintf(&b, "\t%s\n", indices(a.Keys, " "))
		}
	}
	if bad != nil {
		return nil, bad
	}
	return b.Bytes(), nil
}

func indices(xs []int, sep string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, sep)
}

// compress gzips text with a zero header (no name, no time) so the same
// tarball always yields the same bytes and regenerating shows no spurious diff.
func compress(text []byte) ([]byte, error) {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(text); err != nil {
		return nil, fmt.Errorf("compress catalogue: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress catalogue: %w", err)
	}
	return b.Bytes(), nil
}
