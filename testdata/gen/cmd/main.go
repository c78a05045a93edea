// Command cmd writes a generated large account to a file, as an iamx
// snapshot (default; .gz → gzip) or as get-account-authorization-details
// output in the CLI's form (-gaad).
//
//	go run ./testdata/gen/cmd -o /tmp/big.json
//	go run ./testdata/gen/cmd -gaad -users 500 -roles 500 -o /tmp/gaad.json
//
// With -accounts N it writes an organization instead (see gen.Org): N
// workload accounts plus a CI and a security account, each of the given
// size, one file per account (ACCOUNT.json) into the directory -o names.
//
//	go run ./testdata/gen/cmd -gaad -accounts 100 -users 1000 -roles 1000 -groups 60 -policies 300 -o /tmp/org
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/testdata/gen"
)

func main() {
	o := gen.Reference
	out := flag.String("o", "", "output `FILE` (required)")
	gaad := flag.Bool("gaad", false, "write get-account-authorization-details output instead of an iamx snapshot")
	flag.IntVar(&o.Users, "users", o.Users, "number of users")
	flag.IntVar(&o.Roles, "roles", o.Roles, "number of roles")
	flag.IntVar(&o.Groups, "groups", o.Groups, "number of groups")
	flag.IntVar(&o.Policies, "policies", o.Policies, "number of customer managed policies")
	flag.Uint64Var(&o.Seed, "seed", o.Seed, "random seed (same seed, same account)")
	accounts := flag.Int("accounts", 0, "write an organization of `N` workload accounts (plus CI and security) into the directory -o")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 || *accounts < 0 {
		fmt.Fprintln(os.Stderr, "usage: go run ./testdata/gen/cmd [-gaad] [-accounts N] [-users N -roles N -groups N -policies N -seed N] -o FILE|DIR")
		os.Exit(2)
	}
	var err error
	if *accounts > 0 {
		err = writeOrg(*out, gen.OrgOptions{Accounts: *accounts, Account: o}, *gaad)
	} else {
		err = write(*out, o, *gaad)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func write(path string, o gen.Options, gaad bool) error {
	if gaad {
		data, err := gen.GAAD(o)
		if err != nil {
			return err
		}
		return os.WriteFile(path, data, 0o600)
	}
	s, err := gen.Account(o)
	if err != nil {
		return err
	}
	if len(s.Warnings) > 0 {
		return fmt.Errorf("generated account has %d warnings; first: %s", len(s.Warnings), s.Warnings[0])
	}
	return loader.WriteFile(path, s)
}

// writeOrg writes the organization one account at a time, so that memory
// holds one account, not the organization.
func writeOrg(dir string, o gen.OrgOptions, gaad bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, id := range gen.OrgAccountIDs(o) {
		data, err := gen.OrgAccountGAAD(o, i, id)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, id+".json")
		if gaad {
			err = os.WriteFile(path, data, 0o600)
		} else {
			err = writeSnapshot(path, data)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return nil
}

func writeSnapshot(path string, gaad []byte) error {
	s, err := loader.ParseGAAD(gaad, path)
	if err != nil {
		return err
	}
	if len(s.Warnings) > 0 {
		return fmt.Errorf("generated account has %d warnings; first: %s", len(s.Warnings), s.Warnings[0])
	}
	return loader.WriteFile(path, s)
}
