package loader

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"slices"
)

// Size limits, checked while a file streams in, before its bytes are kept:
// a file that is too large is refused in the time it takes to notice, not
// after its whole size has been read into memory.
const (
	// maxFileSize bounds a snapshot file, compressed and inflated. The
	// largest real accounts produce GAAD output of a few hundred MiB; beyond
	// this is a gzip bomb or the wrong file.
	maxFileSize = 2 << 30
	// maxPolicyFileSize bounds a single policy file (--scp). AWS caps a
	// service control policy at 5,120 characters and an identity policy at
	// 6,144; describe-policy's wrapper adds little.
	maxPolicyFileSize = 1 << 20
	// maxSideFileSize bounds a --resources or --org file: one line per
	// resource with its policy (AWS caps a bucket policy at 20 KiB, a key
	// policy at 32 KiB), so a quarter GiB holds several thousand of the
	// largest.
	maxSideFileSize = 256 << 20
	// maxInflation is how many times its compressed size a gzip stream may
	// inflate to. Snapshots compress 10 to 20 times; deflate's ceiling is
	// about 1,000, reached only by long runs of one byte, which is what a
	// gzip bomb is made of.
	maxInflation = 200
	// inflationFloor is how much a stream may inflate before maxInflation is
	// checked, so small, very repetitive files are never refused.
	inflationFloor = 64 << 20
)

// readLimited reads r whole, inflating it when it starts with the gzip magic
// (whatever its name says; every member of a multi-member file, and bytes
// after the last member are an error). It stops with the file's error as
// soon as the stream passes limit bytes (compressed or inflated), inflates
// more than maxInflation-fold, or holds a byte no JSON text may contain, and
// when ctx is done. size, when known, is the stream's size: reading into a
// buffer of that size at once keeps a large file from being copied as the
// buffer grows, which matters for peak memory.
func readLimited(ctx context.Context, r io.Reader, name string, size, limit int64) (data []byte, err error) {
	defer func() {
		if err != nil && ctx.Err() != nil {
			data, err = nil, context.Cause(ctx) // stopped, not a fault of the file
		}
	}()
	if size > limit {
		return nil, tooLarge(name, limit)
	}
	in := &countingReader{ctx: ctx, r: r, limit: limit, name: name}
	br := bufio.NewReader(in)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, readErr(name, err)
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, gzipErr(name, err)
		}
		zr.Multistream(true)
		out := &countingReader{ctx: ctx, r: zr, limit: limit, name: name, compressed: &in.n, checkText: true}
		data, err := readChunks(out, 0)
		if errors.Is(err, gzip.ErrHeader) {
			// The first member's header was good: what follows the last
			// member is not gzip.
			return nil, fileErr(name, "broken gzip: trailing garbage after the last gzip member")
		}
		if err != nil {
			return nil, gzipErr(name, err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, fileErr(name, "empty (gzip holds no data)")
		}
		return data, nil
	}
	text := &countingReader{ctx: ctx, r: br, limit: limit, name: name, checkText: true}
	data, err = readChunks(text, size)
	if err != nil {
		return nil, readErr(name, err)
	}
	return data, nil
}

func tooLarge(name string, limit int64) error {
	return fileErr(name, "larger than %d MiB", limit>>20)
}

func readErr(name string, err error) error {
	var fe *FileError
	switch {
	case errors.As(err, &fe):
		return fe
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fileErr(name, "read: %v", err)
}

// countingReader passes r through, counting bytes against limit and, for
// inflated data, against maxInflation times the compressed bytes read so far.
// checkText refuses the control bytes JSON text never holds (RFC 8259 §7:
// inside strings they must be escaped; outside only tab, newline and return
// are whitespace), so /dev/zero or a bomb of zeros stops at its first read.
type countingReader struct {
	ctx        context.Context
	r          io.Reader
	n, limit   int64
	name       string
	compressed *int64 // bytes of the compressed stream read, for inflated data
	checkText  bool
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, context.Cause(c.ctx)
	}
	if rest := c.limit - c.n + 1; int64(len(p)) > rest {
		p = p[:rest] // never read far past the limit
	}
	n, err := c.r.Read(p)
	if c.checkText {
		if c.n == 0 && isUTF16(p[:n]) {
			return 0, utf16Err(c.name)
		}
		if i := controlByte(p[:n]); i >= 0 {
			return 0, fileErr(c.name, "not JSON: control byte %#02x at byte %d", p[i], c.n+int64(i))
		}
	}
	c.n += int64(n)
	switch {
	case c.n > c.limit:
		return 0, tooLarge(c.name, c.limit)
	case c.compressed != nil && c.n > inflationFloor && c.n > maxInflation*max(*c.compressed, 1):
		return 0, fileErr(c.name, "gzip inflates more than %d-fold (%d MiB from %d KiB): a gzip bomb, not a snapshot", maxInflation, c.n>>20, *c.compressed>>10)
	}
	return n, err
}

// isUTF16 reports whether data starts with a UTF-16 byte-order mark, which
// is what PowerShell 5's ">" writes.
func isUTF16(data []byte) bool {
	return len(data) >= 2 && (data[0] == 0xff && data[1] == 0xfe || data[0] == 0xfe && data[1] == 0xff)
}

func utf16Err(name string) error {
	return fileErr(name, "UTF-16 text (as PowerShell's > writes it); JSON files are UTF-8: save it as UTF-8 (Out-File -Encoding utf8)")
}

// controlByte returns the index of the first byte below 0x20 other than tab,
// newline and return, or -1.
func controlByte(b []byte) int {
	for i, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return i
		}
	}
	return -1
}

// readChunks reads r to its end. With a known size it reads into one buffer
// of that size; otherwise it collects fixed chunks and joins them once, so a
// stream costs at most twice its size, never the three times a doubling
// buffer does.
func readChunks(r io.Reader, size int64) ([]byte, error) {
	if size > 0 {
		// One allocation of the known size; bytes.Buffer would clear it
		// first, faulting in every page twice over.
		buf, err := readSized(r, make([]byte, 0, size+1), true)
		if err == io.EOF {
			err = nil
		}
		return buf, err
	}
	const chunk = 4 << 20
	var chunks [][]byte
	total := 0
	for {
		buf, err := readSized(r, make([]byte, 0, chunk), false)
		if len(buf) > 0 {
			chunks = append(chunks, buf)
			total += len(buf)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	out := make([]byte, 0, total)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out, nil
}

// readSized reads r into buf, which has room for what r is expected to
// hold, until r ends (io.EOF) or, unless grow, buf is full (nil error).
// With grow it grows buf when r holds more.
func readSized(r io.Reader, buf []byte, grow bool) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			if !grow {
				return buf, nil
			}
			buf = slices.Grow(buf, cap(buf)/2+bytes.MinRead)
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			return buf, err
		}
	}
}

func gzipErr(name string, err error) error {
	var fe *FileError
	switch {
	case errors.As(err, &fe):
		return fe
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fileErr(name, "truncated gzip data")
	case errors.Is(err, gzip.ErrChecksum):
		return fileErr(name, "broken gzip: checksum mismatch")
	case errors.Is(err, gzip.ErrHeader):
		return fileErr(name, "broken gzip: invalid header")
	}
	return fileErr(name, "broken gzip: %v", err)
}
