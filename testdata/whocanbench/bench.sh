#!/usr/bin/env bash
# Times iamx who-can end to end against whocan-sim (iam-simulate) and compares
# their principal sets. Generated accounts and outputs go to ./data (ignored).
#   bash testdata/whocanbench/bench.sh            # reference account (10,000 principals)
#   N_USERS=500 N_ROLES=500 N_GROUPS=30 N_POLICIES=150 bash testdata/whocanbench/bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=$here/data
mkdir -p "$data"
action=${ACTION:-s3:GetObject}
resource=${RESOURCE:-arn:aws:s3:::acme-data-7/key}
runs=${RUNS:-7}
command -v hyperfine >/dev/null || { echo "bench.sh: hyperfine not found (apt-get install -y hyperfine)" >&2; exit 1; }
(cd "$here" && npm ci --no-audit --no-fund >/dev/null)
(cd "$root" && go build -o "$data/iamx" .)
gen=()
[[ -n ${N_USERS:-} ]] && gen+=(-users "$N_USERS")
[[ -n ${N_ROLES:-} ]] && gen+=(-roles "$N_ROLES")
[[ -n ${N_GROUPS:-} ]] && gen+=(-groups "$N_GROUPS")
[[ -n ${N_POLICIES:-} ]] && gen+=(-policies "$N_POLICIES")
acct=$data/account.json
(cd "$root" && go run ./testdata/gen/cmd "${gen[@]}" -o "$acct")
"$data/iamx" who-can "$action" "$resource" --snapshot "$acct" --json >"$data/iamx.out.json"
node "$here/whocan-sim.mjs" "$action" "$resource" "$acct" >"$data/sim.out.json"
node "$here/compare.mjs" "$data/iamx.out.json" "$data/sim.out.json"
hyperfine --warmup 1 --runs "$runs" --export-json "$data/hyperfine.json" \
  -n iamx "'$data/iamx' who-can '$action' '$resource' --snapshot '$acct' --json >/dev/null" \
  -n whocan-sim "node '$here/whocan-sim.mjs' '$action' '$resource' '$acct' >/dev/null"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results
const m = Object.fromEntries(r.map((x) => [x.command, x.median]))
console.log(`median iamx ${m.iamx.toFixed(3)} s, whocan-sim ${m["whocan-sim"].toFixed(3)} s, ratio ${(m["whocan-sim"] / m.iamx).toFixed(2)}x`)
' "$data/hyperfine.json"
