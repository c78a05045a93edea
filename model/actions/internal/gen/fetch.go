package main

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxTarball bounds what we read from the registry; the pinned release is
// under 1 MB, so anything near this size is not the file we asked for.
const maxTarball = 64 << 20

// download fetches url from the npm registry.
func download(url string) ([]byte, error) {
	client := &http.Client{Timeout: 2 * time.Minute}
	resp, err := client.Get(url)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: HTTP %s", url, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxTarball+1))
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", url, err)
	}
	if len(data) > maxTarball {
		return nil, fmt.Errorf("download %s: larger than %d bytes", url, maxTarball)
	}
	return data, nil
}

// verifyIntegrity checks data against an npm integrity value, a Subresource
// Integrity string "sha512-<base64 digest>" (the form `npm view PKG dist.integrity`
// prints and package-lock.json records). Only sha512 is accepted: it is what
// the registry publishes, and a weaker pin would defeat the purpose.
func verifyIntegrity(data []byte, want string) error {
	b64, ok := strings.CutPrefix(want, "sha512-")
	if !ok {
		return fmt.Errorf("pinned integrity %q: want the form sha512-<base64>", want)
	}
	wantSum, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(wantSum) != sha512.Size {
		return fmt.Errorf("pinned integrity %q: not a base64 sha512 digest", want)
	}
	got := sha512.Sum512(data)
	if !bytes.Equal(got[:], wantSum) {
		return fmt.Errorf("integrity mismatch: tarball is sha512-%s, pinned %s; refusing to use it",
			base64.StdEncoding.EncodeToString(got[:]), want)
	}
	return nil
}
