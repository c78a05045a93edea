#!/usr/bin/env node
// whocan-sim: an outside who-can for timing and cross-checking iamx.
//
// It reads an iamx snapshot or plain get-account-authorization-details
// output (documents decoded or URL-encoded), and for every user and role asks
// @cloud-copilot/iam-simulate (a separate project, AGPL-3.0-or-later, installed
// from npm into node_modules here and never copied) whether that principal may
// perform ACTION on RESOURCE. It reports direct access only: no assume-role
// chains. This file is our own glue; the decisions are iam-simulate's.
//
//	node whocan-sim.mjs ACTION RESOURCE FILE [--strict]
//
// Output on stdout: {"action","resource","principals":[{"arn","decision","conditional"}]}
// sorted by ARN, allowed principals only. Discovery mode (default) marks a
// principal conditional when its allow depends on request context the
// snapshot cannot know (MFA, source IP …); --strict evaluates with only the
// snapshot-known keys and drops those principals instead.
import { readFileSync } from 'node:fs'
import { runSimulation } from '@cloud-copilot/iam-simulate'

function usage(msg) {
  process.stderr.write(`whocan-sim: ${msg}\nusage: node whocan-sim.mjs ACTION RESOURCE FILE [--strict]\n`)
  process.exit(2)
}

const args = process.argv.slice(2)
const strict = args.includes('--strict')
const pos = args.filter((a) => a !== '--strict')
if (pos.length !== 3) usage('expected ACTION RESOURCE FILE')
const [action, resource, file] = pos

let raw
try {
  raw = JSON.parse(readFileSync(file, 'utf8'))
} catch (e) {
  usage(`${file}: ${e.message}`)
}
// An iamx snapshot wraps GAAD in authorization_details; plain GAAD is the object itself.
const gaad = raw.authorization_details ?? raw
if (!Array.isArray(gaad.UserDetailList) || !Array.isArray(gaad.RoleDetailList)) {
  usage(`${file}: neither an iamx snapshot nor get-account-authorization-details output`)
}

// The API returns documents URL-encoded; the CLI decodes them. Accept both.
function doc(d) {
  if (typeof d !== 'string') return d
  return JSON.parse(decodeURIComponent(d))
}

const accountOf = (arn) => arn.split(':')[4]
const resourceAccount = raw.account_id ?? accountOf(gaad.UserDetailList[0]?.Arn ?? gaad.RoleDetailList[0]?.Arn ?? '')

// Managed policies by ARN → default version's document.
const managed = new Map()
for (const p of gaad.Policies ?? []) {
  const v = (p.PolicyVersionList ?? []).find((v) => v.IsDefaultVersion) ??
    (p.PolicyVersionList ?? []).find((v) => v.VersionId === p.DefaultVersionId)
  if (v) managed.set(p.Arn, doc(v.Document))
}
const groups = new Map()
for (const g of gaad.GroupDetailList ?? []) groups.set(g.GroupName, g)

function attached(list, into, via) {
  for (const a of list ?? []) {
    const d = managed.get(a.PolicyArn)
    if (d) into.push({ name: `${via}${a.PolicyArn}`, policy: d })
  }
}

function inline(list, into, via) {
  for (const p of list ?? []) into.push({ name: `${via}inline:${p.PolicyName}`, policy: doc(p.PolicyDocument) })
}

// Keys the snapshot knows for certain; Discovery mode trusts these and treats
// every other key as unknown (conditional).
const knownKeys = ['aws:PrincipalArn', 'aws:PrincipalAccount', 'aws:PrincipalType', 'aws:username', 'aws:userid']
const constraints = [
  ...knownKeys.map((k) => ({ keyName: k, presenceIsKnown: true, valueIsKnown: true })),
  { keyName: '/^aws:PrincipalTag\\/.*$/', presenceIsKnown: true, valueIsKnown: true }
]

function context(p, type) {
  const c = {
    'aws:PrincipalArn': p.Arn,
    'aws:PrincipalAccount': accountOf(p.Arn),
    'aws:PrincipalType': type
  }
  if (type === 'User') {
    c['aws:username'] = p.UserName
    c['aws:userid'] = p.UserId
  }
  for (const t of p.Tags ?? []) c[`aws:PrincipalTag/${t.Key}`] = t.Value
  return c
}

async function check(p, type, identityPolicies) {
  const sim = {
    request: {
      principal: p.Arn,
      action,
      resource: { resource, accountId: resourceAccount },
      contextVariables: context(p, type)
    },
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: []
  }
  const b = p.PermissionsBoundary?.PermissionsBoundaryArn
  if (b) {
    const d = managed.get(b)
    sim.permissionBoundaryPolicies = [{ name: b, policy: d ?? { Version: '2012-10-17', Statement: [] } }]
  }
  const r = await runSimulation(sim, strict
    ? { simulationMode: 'Strict' }
    : { simulationMode: 'Discovery', discoveryContextKeyConstraints: constraints })
  if (r.resultType === 'error') {
    errors++
    if (errors <= 3) process.stderr.write(`whocan-sim: ${p.Arn}: ${r.errors.message}\n`)
    return
  }
  if (r.overallResult !== 'Allowed') return
  const analyses = r.resultType === 'single' ? [r.result.analysis] : r.results.map((x) => x.analysis)
  // Discovery mode attaches the conditions an allow still depends on; 'always' means none.
  const conditional = analyses.some((a) => a.conditions && a.conditions.conditionType !== 'always')
  out.push({ arn: p.Arn, decision: 'allow', conditional })
}

const out = []
let errors = 0
for (const u of gaad.UserDetailList) {
  const pols = []
  inline(u.UserPolicyList, pols, '')
  attached(u.AttachedManagedPolicies, pols, '')
  for (const gn of u.GroupList ?? []) {
    const g = groups.get(gn)
    if (!g) continue
    inline(g.GroupPolicyList, pols, `group:${gn}:`)
    attached(g.AttachedManagedPolicies, pols, `group:${gn}:`)
  }
  await check(u, 'User', pols)
}
for (const r of gaad.RoleDetailList) {
  const pols = []
  inline(r.RolePolicyList, pols, '')
  attached(r.AttachedManagedPolicies, pols, '')
  await check(r, 'AssumedRole', pols)
}
out.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0))
if (errors > 0) process.stderr.write(`whocan-sim: ${errors} principals could not be simulated\n`)
process.stdout.write(JSON.stringify({ action, resource, principals: out }) + '\n')
