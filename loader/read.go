package loader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"strings"

	"github.com/go-json-experiment/json"

	"github.com/iamx/iamx/model"
)

// FileError is a whole-file fault: the file could not be read as a snapshot
// at all. Its message is one line naming the file and the fault.
type FileError struct {
	Name  string // file path, or "demo", "-", …
	Fault string
}

func (e *FileError) Error() string { return e.Name + ": " + e.Fault }

func fileErr(name, format string, a ...any) error {
	return &FileError{Name: name, Fault: fmt.Sprintf(format, a...)}
}

// ReadFile loads an iamx snapshot or get-account-authorization-details
// output (CLI or raw API form, gzipped or not) from path.
func ReadFile(path string) (*model.Snapshot, error) {
	return ReadFileContext(context.Background(), path)
}

// ReadFileContext is ReadFile that stops when ctx is done, also while it
// waits for a FIFO's writer or for its data.
func ReadFileContext(ctx context.Context, path string) (*model.Snapshot, error) {
	f, err := openContext(ctx, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			return nil, fileErr(path, "is a directory, not a snapshot file")
		}
		if st.Mode().IsRegular() {
			// A sparse or huge file is refused by its size, before a byte
			// of it is read.
			size = st.Size()
			if size > maxFileSize {
				return nil, tooLarge(path, maxFileSize)
			}
		}
	}
	stop := context.AfterFunc(ctx, func() { f.Close() }) // unblocks a read from a FIFO
	defer stop()
	data, err := readLimited(ctx, f, path, size, maxFileSize)
	if err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, err
	}
	return ParseGAAD(data, path)
}

// openContext opens path for reading. Opening a FIFO blocks until a writer
// opens it too, so the open runs aside and is given up when ctx is done.
func openContext(ctx context.Context, path string) (*os.File, error) {
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := os.Open(path)
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		if o.err != nil {
			return nil, openErr(path, o.err)
		}
		return o.f, nil
	case <-ctx.Done():
		go func() { // close the file if the open completes after all
			if o := <-ch; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, context.Cause(ctx)
	}
}

func openErr(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fileErr(path, "no such file")
	case errors.Is(err, fs.ErrPermission):
		return fileErr(path, "permission denied")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fileErr(path, "%v", pe.Err)
	}
	return fileErr(path, "%v", err)
}

// Read loads a snapshot from r; name is used in errors and as the
// snapshot's Source.
func Read(r io.Reader, name string) (*model.Snapshot, error) {
	return ReadContext(context.Background(), r, name)
}

// ReadContext is Read that stops between reads when ctx is done.
func ReadContext(ctx context.Context, r io.Reader, name string) (*model.Snapshot, error) {
	data, err := readLimited(ctx, r, name, sizeHint(r), maxFileSize)
	if err != nil {
		return nil, err
	}
	return ParseGAAD(data, name)
}

// sizeHint returns how many bytes r holds when it can say (an in-memory
// reader, or a regular file such as stdin redirected from one), else 0.
func sizeHint(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len())
	case interface{ Stat() (fs.FileInfo, error) }:
		if st, err := r.Stat(); err == nil && st.Mode().IsRegular() {
			return st.Size()
		}
	}
	return 0
}

// ParseGAAD decodes one file's bytes: an iamx snapshot, or
// get-account-authorization-details output with documents as JSON objects
// (the CLI, the SDK's decoded form) or as URL-encoded strings (the raw API,
// the Go SDK's marshalled output), or a JSON array of such pages. Malformed
// policy documents become warnings in the snapshot; faults in the file
// itself are a *FileError.
func ParseGAAD(data []byte, name string) (*model.Snapshot, error) {
	if isUTF16(data) {
		return nil, utf16Err(name)
	}
	trimmed := bytes.TrimSpace(trimBOM(data))
	if len(trimmed) == 0 {
		return nil, fileErr(name, "empty file")
	}
	switch trimmed[0] {
	case '{':
		var top wireTop
		if err := unmarshal(trimmed, &top); err != nil {
			return nil, decodeErr(name, trimmed, err)
		}
		return fromTop(&top, name)
	case '[':
		// Pages saved one after another as a JSON array.
		var pages []wireGAAD
		if err := unmarshal(trimmed, &pages); err != nil {
			var me *json.SemanticError
			if errors.As(syntaxFirst(trimmed, err), &me) && me.GoType == reflect.TypeFor[wireGAAD]() && strings.Count(string(me.JSONPointer), "/") == 1 {
				return nil, fileErr(name, "wrong top-level shape: expected an object (an iamx snapshot or get-account-authorization-details output) or an array of such pages, found an array of %ss", strings.Fields(kindWord(me))[0])
			}
			return nil, decodeErr(name, trimmed, err)
		}
		if len(pages) == 0 {
			return nil, fileErr(name, "wrong top-level shape: an empty array (expected get-account-authorization-details pages)")
		}
		var merged wireGAAD
		for i := range pages {
			if !pages[i].present() {
				return nil, fileErr(name, "[%d]: not a get-account-authorization-details page (no UserDetailList, GroupDetailList, RoleDetailList or Policies)", i)
			}
			merged.UserDetailList = append(merged.UserDetailList, pages[i].UserDetailList...)
			merged.GroupDetailList = append(merged.GroupDetailList, pages[i].GroupDetailList...)
			merged.RoleDetailList = append(merged.RoleDetailList, pages[i].RoleDetailList...)
			merged.Policies = append(merged.Policies, pages[i].Policies...)
			merged.IsTruncated = pages[i].IsTruncated
		}
		return convert(&merged, &snapshotHeader{}, name)
	}
	if err := syntaxFirst(trimmed, nil); err != nil {
		return nil, decodeErr(name, trimmed, err)
	}
	return nil, fileErr(name, "wrong top-level shape: expected a JSON object, found %s", jsonKind(trimmed[0]))
}

// trimBOM drops a UTF-8 byte-order mark, which Windows editors and
// PowerShell's Out-File put before JSON; RFC 8259 §8.1 lets a parser
// ignore it.
func trimBOM(data []byte) []byte {
	return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
}

// fromTop tells an iamx snapshot from bare GAAD output and converts either.
func fromTop(top *wireTop, name string) (*model.Snapshot, error) {
	if top.Format != "" || top.AuthorizationDetails != nil {
		if top.Format != "" && top.Format != snapshotFormat {
			return nil, fileErr(name, "format %q is not an iamx snapshot (expected %q)", top.Format, snapshotFormat)
		}
		if top.Version == nil {
			return nil, fileErr(name, "iamx snapshot without a version")
		}
		if v := *top.Version; v > snapshotVersion {
			return nil, fileErr(name, "iamx snapshot version %d is newer than this iamx reads (up to %d); upgrade iamx", v, snapshotVersion)
		} else if v < 1 {
			return nil, fileErr(name, "iamx snapshot version %d is not valid", v)
		}
		if top.AuthorizationDetails == nil {
			return nil, fileErr(name, "iamx snapshot without authorization_details")
		}
		h := &snapshotHeader{
			accountID:    top.AccountID,
			accountAlias: top.AccountAlias,
			partition:    top.Partition,
			capturedAt:   top.CapturedAt,
			capturedBy:   top.CapturedBy,
			report:       top.CredentialReport,
			resources:    top.Resources,
			organization: top.Organization,
			coverage:     top.Coverage,
		}
		for _, w := range top.Warnings {
			h.warnings = append(h.warnings, model.Warning{Where: w.Where, Message: w.Message})
		}
		return convert(top.AuthorizationDetails, h, name)
	}
	if !top.wireGAAD.present() {
		return nil, fileErr(name, "wrong top-level shape: neither an iamx snapshot (no \"format\") nor get-account-authorization-details output (no UserDetailList, GroupDetailList, RoleDetailList or Policies)")
	}
	return convert(&top.wireGAAD, &snapshotHeader{}, name)
}

func jsonKind(c byte) string {
	switch c {
	case '"':
		return "a string"
	case '[':
		return "an array"
	case '{':
		return "an object"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
