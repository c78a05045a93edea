#!/usr/bin/env node
// compare: the principal sets of `iamx who-can --json` and whocan-sim.
//
//	node compare.mjs IAMX.json SIM.json
//
// whocan-sim reports direct access only, so it is compared with the iamx
// principals whose best path is direct (empty via). iamx lists each principal
// once, preferring an unconditional chain over a conditional direct allow, so
// a principal the simulator finds conditionally and iamx lists via a chain is
// counted apart, not as a disagreement.
import { readFileSync } from 'node:fs'

const [iamxFile, simFile] = process.argv.slice(2)
if (!iamxFile || !simFile) {
  process.stderr.write('usage: node compare.mjs IAMX.json SIM.json\n')
  process.exit(2)
}
const iamx = new Map(JSON.parse(readFileSync(iamxFile, 'utf8')).principals.map((p) => [p.arn, p]))
const sim = new Map(JSON.parse(readFileSync(simFile, 'utf8')).principals.map((p) => [p.arn, p]))
const direct = new Map([...iamx].filter(([, p]) => (p.via ?? []).length === 0))

const both = [...direct.keys()].filter((a) => sim.has(a))
const iamxOnly = [...direct.keys()].filter((a) => !sim.has(a))
const simOnly = [...sim.keys()].filter((a) => !direct.has(a))
const simOnlyChained = simOnly.filter((a) => iamx.has(a))
const flagDiff = both.filter((a) => direct.get(a).conditional !== sim.get(a).conditional)
const count = (m) => [...m.values()].filter((p) => p.conditional).length

console.log(`iamx: ${iamx.size} principals, ${direct.size} direct (${count(direct)} conditional)`)
console.log(`sim:  ${sim.size} principals, all direct (${count(sim)} conditional)`)
console.log(`agree: ${both.length}; conditional flag differs: ${flagDiff.length}`)
console.log(`iamx direct only: ${iamxOnly.length}`)
console.log(`sim only: ${simOnly.length} (${simOnlyChained.length} of them listed by iamx via a chain)`)
for (const [name, list] of [['iamx-only', iamxOnly], ['sim-only-unlisted', simOnly.filter((a) => !iamx.has(a))], ['flag-differs', flagDiff]]) {
  for (const a of list.slice(0, 10)) console.log(`  ${name} ${a}`)
}
