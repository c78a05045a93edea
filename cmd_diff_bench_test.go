package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/policy"
	"github.com/iamx/iamx/testdata/gen"
)

var benchPair struct {
	once     sync.Once
	old, new string
	err      error
}

// referencePair writes the reference account (DESIGN.md §8) and a copy
// with 50 random changes of the kinds a day brings: attachments, group
// membership, trust, policy documents, tags, users and roles removed.
func referencePair(b *testing.B) (string, string) {
	benchPair.once.Do(func() {
		dir, err := filepathTemp()
		if err != nil {
			benchPair.err = err
			return
		}
		old, err := gen.Account(gen.Reference)
		if err != nil {
			benchPair.err = err
			return
		}
		cur, err := gen.Account(gen.Reference)
		if err != nil {
			benchPair.err = err
			return
		}
		if err := randomChanges(cur, 50, rand.New(rand.NewPCG(1, 2))); err != nil {
			benchPair.err = err
			return
		}
		benchPair.old, benchPair.new = filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")
		if err := loader.WriteFile(benchPair.old, old); err != nil {
			benchPair.err = err
			return
		}
		benchPair.err = loader.WriteFile(benchPair.new, cur)
	})
	if benchPair.err != nil {
		b.Fatal(benchPair.err)
	}
	return benchPair.old, benchPair.new
}

func randomChanges(s *model.Snapshot, n int, r *rand.Rand) error {
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","ec2:Describe*"],"Resource":"*"}]}`))
	if err != nil {
		return err
	}
	trust, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::777766665555:root"},"Action":"sts:AssumeRole"}]}`))
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		u := s.Users[r.IntN(len(s.Users))]
		ro := s.Roles[r.IntN(len(s.Roles))]
		p := s.Policies[r.IntN(len(s.Policies))]
		switch i % 7 {
		case 0:
			u.AttachedPolicies = append(u.AttachedPolicies, model.AttachedPolicy{Name: p.Name, ARN: p.ARN})
		case 1:
			u.Groups = append(u.Groups, s.Groups[r.IntN(len(s.Groups))].Name)
		case 2:
			ro.TrustPolicy = model.Document{JSON: []byte("{}"), Policy: trust}
		case 3:
			if !p.IsAWSManaged() {
				if v := p.DefaultVersion(); v != nil {
					v.Document = model.Document{JSON: []byte("{}"), Policy: doc}
				}
			}
			ro.InlinePolicies = append(ro.InlinePolicies, model.InlinePolicy{Name: fmt.Sprintf("added-%d", i), Document: model.Document{JSON: []byte("{}"), Policy: doc}})
		case 4:
			u.Tags = append(u.Tags, model.Tag{Key: "changed", Value: fmt.Sprint(i)})
		case 5:
			s.Users = remove(s.Users, u)
		case 6:
			s.Roles = remove(s.Roles, ro)
		}
	}
	return nil
}

func remove[T comparable](list []T, x T) []T {
	out := list[:0]
	for _, y := range list {
		if y != x {
			out = append(out, y)
		}
	}
	return out
}

func filepathTemp() (string, error) { return tempDir("iamx-diff-bench") }

// BenchmarkDiffLoadBoth is the yardstick: read both files and build both
// graphs, as any command does before it answers.
func BenchmarkDiffLoadBoth(b *testing.B) {
	oldPath, newPath := referencePair(b)
	for b.Loop() {
		for _, p := range []string{oldPath, newPath} {
			s, err := loader.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := graph.Build([]*model.Snapshot{s}, graph.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkDiffEndToEnd is `iamx diff OLD NEW --json` on the reference
// account with 50 random changes; the target is 3× BenchmarkDiffLoadBoth.
func BenchmarkDiffEndToEnd(b *testing.B) {
	oldPath, newPath := referencePair(b)
	for b.Loop() {
		var errb strings.Builder
		if code := run(context.Background(), &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &errb}, []string{"diff", oldPath, newPath, "--json"}); code != exitOK {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
	}
}

func tempDir(prefix string) (string, error) { return os.MkdirTemp("", prefix) }
