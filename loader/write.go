package loader

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/iamx/iamx/model"
)

// WriteFile writes s as an iamx snapshot to path, gzipped when the name ends
// in ".gz". Snapshots describe who can do what in an account, so a new or
// replaced file is private to its owner (mode 0600, also when it replaces an
// existing file), and it is written to a temporary file in the same
// directory and renamed, so a reader never sees half a snapshot and a failed
// write leaves the old file intact. A symbolic link is followed and its
// target replaced; a device or FIFO (/dev/stdout, a named pipe) is written
// as a stream, never replaced by a file.
func WriteFile(path string, s *model.Snapshot) error {
	return WriteFileContext(context.Background(), path, s)
}

// WriteFileContext is WriteFile that stops when ctx is done, leaving no
// temporary file and the old file intact.
func WriteFileContext(ctx context.Context, path string, s *model.Snapshot) error {
	gz := strings.HasSuffix(strings.ToLower(path), ".gz")
	if fd, ok := descriptorPath(path); ok {
		// /dev/stdout and its kin name a descriptor this process already
		// has open (a pipe, a terminal, a file opened for appending):
		// write to it as it is, never to whatever its link points at.
		f, err := openDescriptor(fd, path)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, unwrapPathErr(err))
		}
		err = EncodeTo(ctx, f, gz, s)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", path, unwrapPathErr(err))
		}
		return nil
	}
	target, err := followLinks(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	st, err := os.Stat(target)
	switch {
	case err == nil && st.IsDir():
		return fmt.Errorf("write %s: is a directory", path)
	case err == nil && !st.Mode().IsRegular():
		return writeStream(ctx, path, target, gz, s)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("write %s: %w", path, unwrapPathErr(err))
	}
	return writeAtomic(ctx, path, target, gz, s)
}

// descriptorPath recognises the names of this process's open file
// descriptors: /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N.
func descriptorPath(path string) (uintptr, bool) {
	if runtime.GOOS == "windows" {
		return 0, false
	}
	switch path {
	case "/dev/stdout":
		return 1, true
	case "/dev/stderr":
		return 2, true
	}
	for _, dir := range []string{"/dev/fd/", "/proc/self/fd/"} {
		if n, ok := strings.CutPrefix(path, dir); ok {
			if fd, err := strconv.ParseUint(n, 10, 31); err == nil {
				return uintptr(fd), true
			}
		}
	}
	return 0, false
}

// followLinks returns the file path names after following symbolic links,
// also a last link whose target does not exist yet (it is where the file
// goes). A loop of links is an error.
func followLinks(path string) (string, error) {
	for range 40 { // Linux's own limit on links followed in one lookup
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", unwrapPathErr(err)
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", errors.New("too many levels of symbolic links")
}

// writeStream writes to a device or FIFO as it is: opening a FIFO waits for
// its reader, so the open runs aside and is given up when ctx is done.
func writeStream(ctx context.Context, path, target string, gz bool, s *model.Snapshot) error {
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		ch <- opened{f, err}
	}()
	var f *os.File
	select {
	case o := <-ch:
		if o.err != nil {
			return fmt.Errorf("write %s: %w", path, unwrapPathErr(o.err))
		}
		f = o.f
	case <-ctx.Done():
		go func() {
			if o := <-ch; o.f != nil {
				o.f.Close()
			}
		}()
		return context.Cause(ctx)
	}
	defer f.Close()
	if err := EncodeTo(ctx, f, gz, s); err != nil {
		return fmt.Errorf("write %s: %w", path, unwrapPathErr(err))
	}
	return unwrapClose(path, f.Close())
}

func unwrapClose(path string, err error) error {
	if err != nil && !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("write %s: %w", path, unwrapPathErr(err))
	}
	return nil
}

// writeAtomic writes a regular file through a temporary file and a rename.
func writeAtomic(ctx context.Context, path, target string, gz bool, s *model.Snapshot) (err error) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, unwrapPathErr(err))
	}
	// Cancelled before the rename: the temporary file goes, at once, even
	// while the encoder is still writing to it.
	stop := context.AfterFunc(ctx, func() { os.Remove(tmp.Name()) })
	defer func() {
		stop()
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, unwrapPathErr(err))
	}
	if err := EncodeTo(ctx, tmp, gz, s); err != nil {
		return fmt.Errorf("write %s: %w", path, unwrapPathErr(err))
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, unwrapPathErr(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, unwrapPathErr(err))
	}
	if !stop() { // ctx is done and the temporary file gone (or going)
		return context.Cause(ctx)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("write %s: %w", path, unwrapPathErr(err))
	}
	return nil
}

// EncodeTo writes s to w as an iamx snapshot, gzipped when gz, buffered,
// and stops with ctx's error when ctx is done.
func EncodeTo(ctx context.Context, w io.Writer, gz bool, s *model.Snapshot) error {
	bw := bufio.NewWriterSize(ctxWriter{ctx, w}, 1<<20)
	var out io.Writer = bw
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(bw)
		out = zw
	}
	if err := Encode(out, s); err != nil {
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ctxWriter fails its writes once ctx is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, context.Cause(c.ctx)
	}
	return c.w.Write(p)
}

// unwrapPathErr drops the *PathError wrapper, whose path is the temporary
// file's, so messages name the file the user asked for.
func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// Encode writes s to w as an iamx snapshot: versioned JSON whose
// authorization_details is get-account-authorization-details in the CLI's
// decoded form, so other GAAD tools can read it too.
func Encode(w io.Writer, s *model.Snapshot) error {
	top := wireTop{
		Format:       snapshotFormat,
		AccountID:    s.AccountID,
		AccountAlias: s.AccountAlias,
		Partition:    s.Partition,
		CapturedAt:   encodeTime(s.CapturedAt),
		CapturedBy:   s.CapturedBy,
		AuthorizationDetails: &wireGAAD{
			UserDetailList:  []wireUser{},
			GroupDetailList: []wireGroup{},
			RoleDetailList:  []wireRole{},
			Policies:        []wirePolicy{},
		},
		CredentialReport: s.CredentialReport,
	}
	// Version 2 only when its sections are there: a file without them
	// stays readable by an iamx that knows version 1 only.
	v := 1
	if s.Resources != nil || s.Organization != nil || s.Coverage != nil {
		v = snapshotVersion
	}
	top.Version = &v
	if err := encodeSections(&top, s); err != nil {
		return err
	}
	for _, wa := range s.Warnings {
		top.Warnings = append(top.Warnings, wireWarning{Where: wa.Where, Message: wa.Message})
	}
	g := top.AuthorizationDetails
	roleARN := make(map[string]string, len(s.Roles))
	for _, r := range s.Roles {
		roleARN[r.Name] = r.ARN
	}
	for _, u := range s.Users {
		g.UserDetailList = append(g.UserDetailList, wireUser{
			Path: u.Path, UserName: u.Name, UserID: u.ID, Arn: u.ARN,
			CreateDate:              encodeTime(u.CreateDate),
			UserPolicyList:          encodeInline(u.InlinePolicies),
			GroupList:               nonNil(u.Groups),
			AttachedManagedPolicies: encodeAttached(u.AttachedPolicies),
			PermissionsBoundary:     encodeBoundary(u.PermissionsBoundary),
			Tags:                    encodeTags(u.Tags),
			AccessKeys:              encodeAccessKeys(u),
		})
	}
	for _, gr := range s.Groups {
		g.GroupDetailList = append(g.GroupDetailList, wireGroup{
			Path: gr.Path, GroupName: gr.Name, GroupID: gr.ID, Arn: gr.ARN,
			CreateDate:              encodeTime(gr.CreateDate),
			GroupPolicyList:         encodeInline(gr.InlinePolicies),
			AttachedManagedPolicies: encodeAttached(gr.AttachedPolicies),
		})
	}
	for _, r := range s.Roles {
		wr := wireRole{
			Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.ARN,
			CreateDate:               encodeTime(r.CreateDate),
			AssumeRolePolicyDocument: encodeDocument(r.TrustPolicy),
			InstanceProfileList:      []wireInstanceProfile{},
			RolePolicyList:           encodeInline(r.InlinePolicies),
			AttachedManagedPolicies:  encodeAttached(r.AttachedPolicies),
			PermissionsBoundary:      encodeBoundary(r.PermissionsBoundary),
			Tags:                     encodeTags(r.Tags),
			Description:              r.Description,
			MaxSessionDuration:       r.MaxSessionDuration,
		}
		for _, ip := range r.InstanceProfiles {
			wp := wireInstanceProfile{
				Path: ip.Path, InstanceProfileName: ip.Name, InstanceProfileID: ip.ID, Arn: ip.ARN,
				CreateDate: encodeTime(ip.CreateDate),
				Roles:      []wireProfileRole{},
				Tags:       encodeTags(ip.Tags),
			}
			for _, name := range ip.Roles {
				wp.Roles = append(wp.Roles, wireProfileRole{RoleName: name, Arn: roleARN[name]})
			}
			wr.InstanceProfileList = append(wr.InstanceProfileList, wp)
		}
		if r.LastUsed != nil {
			wr.RoleLastUsed = &wireRoleLastUsed{LastUsedDate: encodeTime(r.LastUsed.LastUsedDate), Region: r.LastUsed.Region}
		}
		g.RoleDetailList = append(g.RoleDetailList, wr)
	}
	for _, p := range s.Policies {
		wp := wirePolicy{
			PolicyName: p.Name, PolicyID: p.ID, Arn: p.ARN, Path: p.Path,
			DefaultVersionID:              p.DefaultVersionID,
			AttachmentCount:               p.AttachmentCount,
			PermissionsBoundaryUsageCount: p.PermissionsBoundaryUsageCount,
			IsAttachable:                  p.IsAttachable,
			Description:                   p.Description,
			CreateDate:                    encodeTime(p.CreateDate),
			UpdateDate:                    encodeTime(p.UpdateDate),
			PolicyVersionList:             make([]wireVersion, 0, len(p.Versions)),
			Tags:                          encodeTags(p.Tags),
		}
		for _, v := range p.Versions {
			wp.PolicyVersionList = append(wp.PolicyVersionList, wireVersion{
				Document:         encodeDocument(v.Document),
				VersionID:        v.VersionID,
				IsDefaultVersion: v.IsDefaultVersion,
				CreateDate:       encodeTime(v.CreateDate),
			})
		}
		g.Policies = append(g.Policies, wp)
	}
	enc := json.NewEncoder(w)
	// Policy documents are written as they are; "&" and "<" in a condition
	// value must stay readable.
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	return enc.Encode(&top)
}

func encodeTime(t time.Time) wireTime {
	if t.IsZero() {
		return wireTime{}
	}
	b, _ := json.Marshal(t.UTC().Format(time.RFC3339Nano))
	return wireTime{raw: b}
}

// encodeDocument writes a document as a JSON object (the CLI's form). Text
// that is not JSON — kept from a malformed source so nothing is lost — is
// written URL-encoded as a string, the raw API's form, which reads back to
// the same text.
func encodeDocument(d model.Document) json.RawMessage {
	if len(d.JSON) == 0 {
		return nil
	}
	if d.Policy != nil || json.Valid(d.JSON) {
		return d.JSON
	}
	b, _ := json.Marshal(url.PathEscape(string(d.JSON)))
	return b
}

func encodeInline(list []model.InlinePolicy) []wireInline {
	out := make([]wireInline, 0, len(list))
	for _, p := range list {
		out = append(out, wireInline{PolicyName: p.Name, PolicyDocument: encodeDocument(p.Document)})
	}
	return out
}

func encodeAttached(list []model.AttachedPolicy) []wireAttached {
	out := make([]wireAttached, 0, len(list))
	for _, a := range list {
		out = append(out, wireAttached{PolicyName: a.Name, PolicyArn: a.ARN})
	}
	return out
}

func encodeBoundary(a string) *wireBoundary {
	if a == "" {
		return nil
	}
	return &wireBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: a}
}

func encodeTags(list []model.Tag) []wireTag {
	if len(list) == 0 {
		return nil
	}
	out := make([]wireTag, len(list))
	for i, t := range list {
		out[i] = wireTag{Key: t.Key, Value: t.Value}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// encodeAccessKeys writes a user's keys: nil (left out) when they were never
// listed, a list (perhaps empty) when they were.
func encodeAccessKeys(u *model.User) []wireAccessKey {
	if !u.AccessKeysListed {
		return nil
	}
	out := make([]wireAccessKey, 0, len(u.AccessKeys))
	for _, k := range u.AccessKeys {
		out = append(out, wireAccessKey{AccessKeyID: k.ID, Status: k.Status, CreateDate: encodeTime(k.CreateDate)})
	}
	return out
}
