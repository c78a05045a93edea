// Command cmd writes a generated large account to a file, as an iamx
// snapshot (default; .gz → gzip) or as get-account-authorization-details
// output in the CLI's form (-gaad).
//
//	go run ./testdata/gen/cmd -o /tmp/big.json
//	go run ./testdata/gen/cmd -gaad -users 500 -roles 500 -o /tmp/gaad.json
package main

import (
	"flag"
	"fmt"
	"os"

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
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: go run ./testdata/gen/cmd [-gaad] [-users N -roles N -groups N -policies N -seed N] -o FILE")
		os.Exit(2)
	}
	if err := write(*out, o, *gaad); err != nil {
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
