package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// maxEntry bounds one file read from the tarball (the largest, ec2's actions,
// is about 1 MB).
const maxEntry = 32 << 20

// pkgData is the part of the npm package the catalogue is built from, already
// validated, ordered and resolved to indices.
type pkgData struct {
	Name     string // package.json "name"
	Version  string // package.json "version"
	License  string // LICENSE.txt, verbatim
	Services []serviceData
}

type serviceData struct {
	Prefix  string
	Name    string
	Keys    []keyData    // sorted case-insensitively
	Types   []typeData   // sorted case-insensitively
	Actions []actionData // sorted case-insensitively
}

type keyData struct {
	Name string // canonical case, e.g. "s3:prefix", "aws:RequestTag/${TagKey}"
	Type string // String, ArrayOfString, ARN, Bool, Numeric, Date, IPAddress …
}

type typeData struct {
	Name string // e.g. "object"
	ARN  string // e.g. "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
	Keys []int  // indices into serviceData.Keys
}

type actionData struct {
	Name      string // canonical case, e.g. "GetObject"
	Level     int    // 1 List … 5 Tagging, as actions.AccessLevel
	Resources []resourceData
	Keys      []int // action-level condition keys, indices into serviceData.Keys
}

type resourceData struct {
	Type     int // index into serviceData.Types
	Required bool
	Keys     []int // condition keys of this resource row
}

// JSON shapes of the package's data files.
type (
	jsonAction struct {
		Name          string         `json:"name"`
		AccessLevel   string         `json:"accessLevel"`
		ResourceTypes []jsonResource `json:"resourceTypes"`
		ConditionKeys []string       `json:"conditionKeys"`
	}
	jsonResource struct {
		Name          string   `json:"name"`
		Required      bool     `json:"required"`
		ConditionKeys []string `json:"conditionKeys"`
	}
	jsonResourceType struct {
		Key           string   `json:"key"`
		ARN           string   `json:"arn"`
		ConditionKeys []string `json:"conditionKeys"`
	}
	jsonConditionKey struct {
		Key  string `json:"key"`
		Type string `json:"type"`
	}
)

// readPackage unpacks the tarball and builds pkgData, checking that it is the
// release we pinned and that every cross-reference resolves.
func readPackage(tgz []byte, rel release) (*pkgData, error) {
	files, err := untar(tgz)
	if err != nil {
		return nil, err
	}
	var meta struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := decodeFile(files, "package.json", &meta); err != nil {
		return nil, err
	}
	if meta.Name != rel.Package || meta.Version != rel.Version {
		return nil, fmt.Errorf("package.json: tarball is %s@%s, pinned %s@%s", meta.Name, meta.Version, rel.Package, rel.Version)
	}
	license, ok := files["LICENSE.txt"]
	if !ok {
		return nil, errors.New("LICENSE.txt: missing from tarball")
	}
	var prefixes []string
	if err := decodeFile(files, "data/services.json", &prefixes); err != nil {
		return nil, err
	}
	var names map[string]string
	if err := decodeFile(files, "data/serviceNames.json", &names); err != nil {
		return nil, err
	}
	pkg := &pkgData{Name: meta.Name, Version: meta.Version, License: string(license)}
	seen := map[string]bool{}
	for _, prefix := range prefixes {
		if seen[prefix] {
			return nil, fmt.Errorf("data/services.json: service %q listed twice", prefix)
		}
		seen[prefix] = true
	}
	// A stale services.json would silently drop a service's actions.
	for _, name := range sortedKeys(files) {
		if prefix, ok := strings.CutPrefix(name, "data/actions/"); ok {
			if prefix, ok = strings.CutSuffix(prefix, ".json"); ok && !seen[prefix] {
				return nil, fmt.Errorf("%s: service %q not listed in data/services.json", name, prefix)
			}
		}
	}
	for _, prefix := range prefixes {
		svc, err := readService(files, prefix, names[prefix])
		if err != nil {
			return nil, err
		}
		pkg.Services = append(pkg.Services, svc)
	}
	// Order services by "prefix:" so that, with each service's actions in
	// case-insensitive order, the file lists actions in the order of their
	// lower-cased full names "service:action". The catalogue's dense IDs follow
	// that order, which makes every literal prefix of a pattern an ID range.
	sort.Slice(pkg.Services, func(i, j int) bool {
		return pkg.Services[i].Prefix+":" < pkg.Services[j].Prefix+":"
	})
	return pkg, nil
}

func readService(files map[string][]byte, prefix, name string) (serviceData, error) {
	svc := serviceData{Prefix: prefix, Name: name}
	if !plainName(prefix) || prefix != strings.ToLower(prefix) {
		return svc, fmt.Errorf("data/services.json: bad service prefix %q", prefix)
	}
	if name == "" {
		return svc, fmt.Errorf("data/serviceNames.json: no name for service %q", prefix)
	}

	var keys map[string]jsonConditionKey
	keysFile := "data/conditionKeys/" + prefix + ".json"
	if err := decodeFile(files, keysFile, &keys); err != nil {
		return svc, err
	}
	for _, k := range sortedKeys(keys) {
		svc.Keys = append(svc.Keys, keyData{Name: keys[k].Key, Type: keys[k].Type})
	}
	keyIndex := map[string]int{}
	for i, k := range svc.Keys {
		keyIndex[strings.ToLower(k.Name)] = i
	}
	resolveKeys := func(file, where string, list []string) ([]int, error) {
		var out []int
		for _, k := range list {
			i, ok := keyIndex[strings.ToLower(k)]
			if !ok {
				return nil, fmt.Errorf("%s: %s: condition key %q not in %s", file, where, k, keysFile)
			}
			out = append(out, i)
		}
		return out, nil
	}

	var types map[string]jsonResourceType
	typesFile := "data/resourceTypes/" + prefix + ".json"
	if err := decodeFile(files, typesFile, &types); err != nil {
		return svc, err
	}
	typeIndex := map[string]int{}
	for _, k := range sortedKeys(types) {
		t := types[k]
		ks, err := resolveKeys(typesFile, k, t.ConditionKeys)
		if err != nil {
			return svc, err
		}
		if t.Key == "" || t.ARN == "" {
			return svc, fmt.Errorf("%s: %s: missing key or arn", typesFile, k)
		}
		typeIndex[strings.ToLower(t.Key)] = len(svc.Types)
		svc.Types = append(svc.Types, typeData{Name: t.Key, ARN: t.ARN, Keys: ks})
	}

	var actions map[string]jsonAction
	actionsFile := "data/actions/" + prefix + ".json"
	if err := decodeFile(files, actionsFile, &actions); err != nil {
		return svc, err
	}
	for _, k := range sortedKeys(actions) {
		a := actions[k]
		if !plainName(a.Name) || strings.ToLower(a.Name) != k {
			return svc, fmt.Errorf("%s: %s: bad action name %q", actionsFile, k, a.Name)
		}
		level, err := parseLevel(a.AccessLevel)
		if err != nil {
			return svc, fmt.Errorf("%s: %s.accessLevel: %w", actionsFile, k, err)
		}
		ks, err := resolveKeys(actionsFile, k+".conditionKeys", a.ConditionKeys)
		if err != nil {
			return svc, err
		}
		act := actionData{Name: a.Name, Level: level, Keys: ks}
		for i, r := range a.ResourceTypes {
			where := fmt.Sprintf("%s.resourceTypes[%d]", k, i)
			ti, ok := typeIndex[strings.ToLower(r.Name)]
			if !ok {
				return svc, fmt.Errorf("%s: %s: resource type %q not in %s", actionsFile, where, r.Name, typesFile)
			}
			rks, err := resolveKeys(actionsFile, where+".conditionKeys", r.ConditionKeys)
			if err != nil {
				return svc, err
			}
			act.Resources = append(act.Resources, resourceData{Type: ti, Required: r.Required, Keys: rks})
		}
		svc.Actions = append(svc.Actions, act)
	}
	return svc, nil
}

// Access levels as numbered by package actions (AccessLevel constants).
const (
	levelList = 1 + iota
	levelRead
	levelWrite
	levelPermissions
	levelTagging
)

// parseLevel maps the package's accessLevel to one AWS access level. This
// release writes the two narrow levels as "Permissions management, Write"
// and "Tagging, Write"; the Service Authorization Reference lists such actions
// under the narrow level alone, so the most specific level named wins.
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html
func parseLevel(s string) (int, error) {
	best := 0
	rank := map[int]int{levelList: 1, levelRead: 2, levelWrite: 3, levelTagging: 4, levelPermissions: 5}
	for _, part := range strings.Split(s, ",") {
		var l int
		switch strings.TrimSpace(part) {
		case "List":
			l = levelList
		case "Read":
			l = levelRead
		case "Write":
			l = levelWrite
		case "Permissions management":
			l = levelPermissions
		case "Tagging":
			l = levelTagging
		default:
			return 0, fmt.Errorf("unknown access level %q", s)
		}
		if rank[l] > rank[best] {
			best = l
		}
	}
	return best, nil
}

// untar returns the regular files of a gzip'd npm tarball keyed by their path
// below the top-level "package/" folder.
func untar(tgz []byte) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, fmt.Errorf("tarball: %w", err)
	}
	tr := tar.NewReader(zr)
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tarball: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name, ok := strings.CutPrefix(h.Name, "package/")
		if !ok {
			continue
		}
		if h.Size > maxEntry {
			return nil, fmt.Errorf("tarball: %s: %d bytes is implausibly large", h.Name, h.Size)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("tarball: %s: %w", h.Name, err)
		}
		files[name] = data
	}
	return files, nil
}

// plainName reports whether s can be a service prefix or action name as the
// catalogue assumes: printable ASCII (so case folding and "?" work bytewise),
// without spaces, ":" or wildcards.
func plainName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == ':' || c == '*' || c == '?' {
			return false
		}
	}
	return true
}

func decodeFile(files map[string][]byte, name string, v any) error {
	data, ok := files[name]
	if !ok {
		return fmt.Errorf("%s: missing from tarball", name)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
