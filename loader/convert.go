package loader

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/arn"
	"github.com/iamx/iamx/model/policy"
)

// snapshotHeader is what an iamx snapshot adds around GAAD.
type snapshotHeader struct {
	accountID    string
	accountAlias string
	partition    string
	capturedAt   wireTime
	capturedBy   string
	report       []model.CredentialReportRow
	warnings     []model.Warning
	// version 2 sections, as the file has them (resources.go)
	resources, organization, coverage json.RawMessage
}

// converter turns wire values into model values, collecting warnings that
// name the entity and the place.
type converter struct {
	docs     docBatch
	warnings []seqWarning
	seq      int // orders warnings as the entities are read

	// reading says which entity the converter was reading from each seq
	// on, so that every warning, a document's found late by the batch
	// included, carries its entity's ARN. places maps an entity's place in
	// the input ("roles[3] (Deploy)") to its ARN, for the warnings a
	// snapshot file brought along (see placeEntity); nil when it brought
	// none.
	reading []entityFrom
	places  map[string]string
}

type seqWarning struct {
	seq int
	w   model.Warning
}

type entityFrom struct {
	seq int
	arn string
}

func (c *converter) next() int { c.seq++; return c.seq }

func (c *converter) warn(where, format string, a ...any) {
	c.warnings = append(c.warnings, seqWarning{c.next(), model.Warning{Where: where, Message: fmt.Sprintf(format, a...)}})
}

// at says that what comes next is read from the entity arn (empty: from no
// entity) found at place in the input.
func (c *converter) at(place, arn string) {
	if n := len(c.reading); n > 0 && c.reading[n-1].seq == c.seq+1 {
		c.reading = c.reading[:n-1] // nothing was read from the one before
	}
	c.reading = append(c.reading, entityFrom{c.seq + 1, arn})
	if c.places != nil && place != "" && arn != "" {
		c.places[place] = arn
	}
}

// entityOf is the ARN of the entity being read when seq was taken.
func (c *converter) entityOf(seq int) string {
	i, found := slices.BinarySearchFunc(c.reading, seq, func(e entityFrom, seq int) int { return e.seq - seq })
	if !found {
		i--
	}
	if i < 0 {
		return ""
	}
	return c.reading[i].arn
}

// placeEntity finds the entity of a warning a snapshot file brought along:
// its Where starts with the place the converter itself wrote when it
// loaded the entity ("roles[3] (Deploy)", IAM names have no parentheses),
// and the same entity is at the same place when the file is read.
func (c *converter) placeEntity(where string) string {
	i := strings.IndexByte(where, ')')
	if i < 0 || c.places == nil {
		return ""
	}
	return c.places[where[:i+1]]
}

// finish parses the queued documents and returns every warning in the order
// of the entities, each once: a snapshot file keeps the warnings of its
// first load, and reading it again finds the same faults in the same
// documents.
func (c *converter) finish() []model.Warning {
	for _, f := range c.docs.run() {
		c.warnings = append(c.warnings, seqWarning{f.seq, docWarning(f.where, f.err)})
	}
	slices.SortStableFunc(c.warnings, func(a, b seqWarning) int { return a.seq - b.seq })
	var out []model.Warning
	seen := make(map[model.Warning]bool, len(c.warnings))
	for _, w := range c.warnings {
		if w.w.Entity == "" {
			w.w.Entity = c.entityOf(w.seq)
		}
		if w.w.Entity == "" {
			w.w.Entity = c.placeEntity(w.w.Where)
		}
		if !seen[w.w] {
			seen[w.w] = true
			out = append(out, w.w)
		}
	}
	return out
}

// docWarning describes a document fault, joining the entity's place with
// the parser's path inside the document.
func docWarning(where string, err error) model.Warning {
	var pe *policy.ParseError
	if errors.As(err, &pe) {
		if pe.Path != "" {
			where += "." + pe.Path
		}
		return model.Warning{Where: where, Message: pe.Msg}
	}
	return model.Warning{Where: where, Message: err.Error()}
}

// document queues the document field raw, used as a policy of kind, to be
// parsed into dst.
func (c *converter) document(dst *model.Document, raw json.RawMessage, where string, kind policy.Kind) {
	c.docs.add(raw, dst, where, c.next(), kind)
}

// time reads a time field; where+field names it in a warning (joined only
// then: most loads warn about nothing).
func (c *converter) time(t wireTime, where, field string) time.Time {
	if t.raw == nil {
		return time.Time{}
	}
	v, err := parseTime(t.raw)
	if err != nil {
		c.warn(where+field, "%v", err)
	}
	return v
}

// timeLayouts are the forms GAAD producers write: the CLI's
// "2019-01-01T00:00:00+00:00", the SDK's RFC 3339 with fractions, and the
// space-separated form some scripts print.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"}

// parseTime reads a time field: an ISO 8601 string or epoch seconds (as
// botocore's raw output has them). Times are kept in UTC.
func parseTime(raw json.RawMessage) (time.Time, error) {
	if len(raw) > 0 && raw[0] == '"' {
		var buf [64]byte
		b, err := appendString(buf[:0], raw)
		if err != nil {
			return time.Time{}, fmt.Errorf("expected a time, found %s", raw)
		}
		s := string(b)
		if s == "" {
			return time.Time{}, nil
		}
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("expected an ISO 8601 time, found %q", s)
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f < 0 || f > 1e11 {
		return time.Time{}, fmt.Errorf("expected a time, found %.40s", raw)
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
}

// convert builds a snapshot from decoded GAAD and the snapshot header.
func convert(g *wireGAAD, h *snapshotHeader, name string) (*model.Snapshot, error) {
	c := &converter{}
	c.docs.expect(documentCount(g))
	defer c.docs.stop()
	s := &model.Snapshot{
		AccountID:    h.accountID,
		AccountAlias: h.accountAlias,
		Partition:    h.partition,
		CapturedBy:   h.capturedBy,
		Source:       name,
	}
	if len(h.report) > 0 {
		s.CredentialReport = h.report
	}
	// Warnings already in the file come first: they were made when it was
	// captured and stay with it.
	for _, w := range h.warnings {
		c.warn(w.Where, "%s", w.Message)
	}
	if len(h.warnings) > 0 {
		c.places = map[string]string{} // to find their entities (placeEntity)
	}
	s.CapturedAt = c.time(h.capturedAt, "captured_at", "")

	seen := make(map[string]string, len(g.UserDetailList)+len(g.RoleDetailList)+len(g.GroupDetailList)+len(g.Policies))
	// unique reports whether an entity's ARN is new; GAAD pages saved twice
	// or overlapping would otherwise show every principal twice.
	unique := func(where, a string) bool {
		if a == "" {
			c.warn(where, "missing Arn")
			return true
		}
		if first, dup := seen[a]; dup {
			c.warn(where, "duplicate of %s (same Arn %s); keeping the first", first, a)
			return false
		}
		seen[a] = where
		if _, err := arn.Parse(a); err != nil {
			c.warn(where+".Arn", "%v", err)
		}
		return true
	}

	s.Users = make([]*model.User, 0, len(g.UserDetailList))
	for i := range g.UserDetailList {
		w := &g.UserDetailList[i]
		where := fmt.Sprintf("users[%d] (%s)", i, w.UserName)
		c.at(where, w.Arn)
		if !unique(where, w.Arn) {
			continue
		}
		u := &model.User{
			Path: w.Path, Name: w.UserName, ID: w.UserID, ARN: w.Arn,
			CreateDate:       c.time(w.CreateDate, where, ".CreateDate"),
			Groups:           nilIfEmpty(w.GroupList),
			InlinePolicies:   c.inline(w.UserPolicyList, where, ".UserPolicyList"),
			AttachedPolicies: attached(w.AttachedManagedPolicies),
			Tags:             tags(w.Tags),
		}
		if w.PermissionsBoundary != nil {
			u.PermissionsBoundary = w.PermissionsBoundary.PermissionsBoundaryArn
		}
		c.accessKeys(u, w.AccessKeys, where)
		s.Users = append(s.Users, u)
	}

	s.Groups = make([]*model.Group, 0, len(g.GroupDetailList))
	for i := range g.GroupDetailList {
		w := &g.GroupDetailList[i]
		where := fmt.Sprintf("groups[%d] (%s)", i, w.GroupName)
		c.at(where, w.Arn)
		if !unique(where, w.Arn) {
			continue
		}
		s.Groups = append(s.Groups, &model.Group{
			Path: w.Path, Name: w.GroupName, ID: w.GroupID, ARN: w.Arn,
			CreateDate:       c.time(w.CreateDate, where, ".CreateDate"),
			InlinePolicies:   c.inline(w.GroupPolicyList, where, ".GroupPolicyList"),
			AttachedPolicies: attached(w.AttachedManagedPolicies),
		})
	}

	s.Roles = make([]*model.Role, 0, len(g.RoleDetailList))
	for i := range g.RoleDetailList {
		w := &g.RoleDetailList[i]
		where := fmt.Sprintf("roles[%d] (%s)", i, w.RoleName)
		c.at(where, w.Arn)
		if !unique(where, w.Arn) {
			continue
		}
		r := &model.Role{
			Path: w.Path, Name: w.RoleName, ID: w.RoleID, ARN: w.Arn,
			CreateDate:         c.time(w.CreateDate, where, ".CreateDate"),
			Description:        w.Description,
			MaxSessionDuration: w.MaxSessionDuration,
			InlinePolicies:     c.inline(w.RolePolicyList, where, ".RolePolicyList"),
			AttachedPolicies:   attached(w.AttachedManagedPolicies),
			Tags:               tags(w.Tags),
		}
		c.document(&r.TrustPolicy, w.AssumeRolePolicyDocument, where+".AssumeRolePolicyDocument", policy.KindTrust)
		if w.PermissionsBoundary != nil {
			r.PermissionsBoundary = w.PermissionsBoundary.PermissionsBoundaryArn
		}
		if len(w.InstanceProfileList) > 0 {
			r.InstanceProfiles = make([]model.InstanceProfile, 0, len(w.InstanceProfileList))
		}
		for j := range w.InstanceProfileList {
			ip := &w.InstanceProfileList[j]
			p := model.InstanceProfile{
				Path: ip.Path, Name: ip.InstanceProfileName, ID: ip.InstanceProfileID, ARN: ip.Arn,
				CreateDate: c.time(ip.CreateDate, where, ".InstanceProfileList["+strconv.Itoa(j)+"].CreateDate"),
				Tags:       tags(ip.Tags),
			}
			for _, pr := range ip.Roles {
				p.Roles = append(p.Roles, pr.RoleName)
			}
			r.InstanceProfiles = append(r.InstanceProfiles, p)
		}
		if w.RoleLastUsed != nil && !w.RoleLastUsed.LastUsedDate.IsZero() {
			r.LastUsed = &model.RoleLastUsed{
				LastUsedDate: c.time(w.RoleLastUsed.LastUsedDate, where, ".RoleLastUsed.LastUsedDate"),
				Region:       w.RoleLastUsed.Region,
			}
		}
		s.Roles = append(s.Roles, r)
	}

	s.Policies = make([]*model.ManagedPolicy, 0, len(g.Policies))
	for i := range g.Policies {
		w := &g.Policies[i]
		if w.PolicyName == "" {
			w.PolicyName = policyNameOf(w.Arn) // moto leaves it out of GAAD
		}
		where := fmt.Sprintf("policies[%d] (%s)", i, w.PolicyName)
		c.at(where, w.Arn)
		if !unique(where, w.Arn) {
			continue
		}
		p := &model.ManagedPolicy{
			Name: w.PolicyName, ID: w.PolicyID, ARN: w.Arn, Path: w.Path,
			DefaultVersionID:              w.DefaultVersionID,
			AttachmentCount:               w.AttachmentCount,
			PermissionsBoundaryUsageCount: w.PermissionsBoundaryUsageCount,
			IsAttachable:                  w.IsAttachable,
			Description:                   w.Description,
			CreateDate:                    c.time(w.CreateDate, where, ".CreateDate"),
			UpdateDate:                    c.time(w.UpdateDate, where, ".UpdateDate"),
			Tags:                          tags(w.Tags),
		}
		if len(w.PolicyVersionList) > 0 {
			p.Versions = make([]model.PolicyVersion, len(w.PolicyVersionList))
		}
		for j := range w.PolicyVersionList {
			v := &w.PolicyVersionList[j]
			vw := where + ".PolicyVersionList[" + strconv.Itoa(j) + "] (" + v.VersionID + ")"
			p.Versions[j] = model.PolicyVersion{
				VersionID:        v.VersionID,
				IsDefaultVersion: v.IsDefaultVersion,
				CreateDate:       c.time(v.CreateDate, vw, ".CreateDate"),
			}
			// A managed policy serves as an identity policy or a
			// permissions boundary; AWS holds both to the same rules.
			c.document(&p.Versions[j].Document, v.Document, vw+".Document", policy.KindIdentity)
		}
		if len(p.Versions) > 0 && p.DefaultVersion() == nil {
			c.warn(where, "no default version among %d versions (DefaultVersionId %q)", len(p.Versions), p.DefaultVersionID)
		}
		s.Policies = append(s.Policies, p)
	}

	c.at("", "")
	if g.IsTruncated {
		c.warn("", "the get-account-authorization-details output is marked IsTruncated: later pages are missing, so the account is incomplete")
	}
	fillAccount(s)
	if s.Partition == "" {
		s.Partition = "aws"
	}
	if err := c.sections(s, h, name); err != nil {
		return nil, err
	}
	s.Warnings = c.finish()
	return s, nil
}

// documentCount is how many policy document fields g has, to size the
// document batch once.
func documentCount(g *wireGAAD) int {
	n := len(g.RoleDetailList)
	for i := range g.UserDetailList {
		n += len(g.UserDetailList[i].UserPolicyList)
	}
	for i := range g.GroupDetailList {
		n += len(g.GroupDetailList[i].GroupPolicyList)
	}
	for i := range g.RoleDetailList {
		n += len(g.RoleDetailList[i].RolePolicyList)
	}
	for i := range g.Policies {
		n += len(g.Policies[i].PolicyVersionList)
	}
	return n
}

func (c *converter) inline(list []wireInline, entity, field string) []model.InlinePolicy {
	if len(list) == 0 {
		return nil
	}
	out := make([]model.InlinePolicy, len(list))
	for i := range list {
		out[i].Name = list[i].PolicyName
		where := entity + field + "[" + strconv.Itoa(i) + "] (" + list[i].PolicyName + ").PolicyDocument"
		c.document(&out[i].Document, list[i].PolicyDocument, where, policy.KindIdentity)
	}
	return out
}

// accessKeys fills in a user's access keys. A nil list was never listed
// (GAAD has none); an empty one says the user has no keys.
func (c *converter) accessKeys(u *model.User, list []wireAccessKey, where string) {
	if list == nil {
		return
	}
	u.AccessKeysListed = true
	u.AccessKeys = make([]model.AccessKey, 0, len(list))
	for i, k := range list {
		kw := where + ".AccessKeys[" + strconv.Itoa(i) + "]"
		if k.AccessKeyID == "" {
			c.warn(kw, "missing AccessKeyId")
			continue
		}
		if !validAccessKeyID(k.AccessKeyID) {
			c.warn(kw+".AccessKeyId", "%q is not an access key ID (16 to 128 letters, digits or _)", k.AccessKeyID)
			continue
		}
		status := k.Status
		switch status {
		case "Active", "Inactive", "Expired":
		default:
			c.warn(kw+".Status", "unknown status %q (expected Active, Inactive or Expired); kept as unknown", k.Status)
			status = ""
		}
		u.AccessKeys = append(u.AccessKeys, model.AccessKey{
			ID: k.AccessKeyID, Status: status,
			CreateDate: c.time(k.CreateDate, kw, ".CreateDate"),
		})
	}
}

// validAccessKeyID checks an ID against AccessKeyId's pattern in the API
// reference ([\w]+, 16 to 128 characters), so that a hostile file cannot
// put anything else where answers print it.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKeyMetadata.html
func validAccessKeyID(id string) bool {
	if len(id) < 16 || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

func attached(list []wireAttached) []model.AttachedPolicy {
	if len(list) == 0 {
		return nil
	}
	out := make([]model.AttachedPolicy, len(list))
	for i, a := range list {
		name := a.PolicyName
		if name == "" {
			name = policyNameOf(a.PolicyArn) // moto leaves it out of AttachedManagedPolicies
		}
		out[i] = model.AttachedPolicy{Name: name, ARN: a.PolicyArn}
	}
	return out
}

// policyNameOf returns a managed policy's name from its ARN, the last path
// segment: "X" for arn:aws:iam::aws:policy/service-role/X.
func policyNameOf(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return ""
}

func tags(list []wireTag) []model.Tag {
	if len(list) == 0 {
		return nil
	}
	out := make([]model.Tag, len(list))
	for i, t := range list {
		out[i] = model.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

// fillAccount takes the account ID and partition from the entities' ARNs
// when the file does not say them (bare GAAD output never does).
func fillAccount(s *model.Snapshot) {
	if s.AccountID != "" && s.Partition != "" {
		return
	}
	try := func(a string) bool {
		parsed, err := arn.Parse(a)
		if err != nil || !arn.IsAccountID(parsed.Account) {
			return false
		}
		if s.AccountID == "" {
			s.AccountID = parsed.Account
		}
		if s.Partition == "" {
			s.Partition = parsed.Partition
		}
		return true
	}
	for _, u := range s.Users {
		if try(u.ARN) {
			return
		}
	}
	for _, r := range s.Roles {
		if try(r.ARN) {
			return
		}
	}
	for _, g := range s.Groups {
		if try(g.ARN) {
			return
		}
	}
	for _, p := range s.Policies {
		if !p.IsAWSManaged() && try(p.ARN) {
			return
		}
	}
	if s.Partition == "" {
		for _, p := range s.Policies {
			if parsed, err := arn.Parse(p.ARN); err == nil {
				s.Partition = parsed.Partition
				return
			}
		}
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
