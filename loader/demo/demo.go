// Package demo embeds the demo account, an iamx snapshot of a small company
// (account 111122223333). It is part of the product (iamx --demo);
// loader.Demo decodes it, and its tests live in loader.
//
// demo.json is generated: edit the pieces in src/ and run "go generate".
package demo

import (
	_ "embed"
	"strings"
)

//go:generate go run ./build

//go:embed demo.json
var snapshot string

// Reader returns a reader over the embedded snapshot.
func Reader() *strings.Reader { return strings.NewReader(snapshot) }

// Bytes returns a copy of the embedded snapshot.
func Bytes() []byte { return []byte(snapshot) }
