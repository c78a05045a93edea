// driver.mjs runs iamx difftest scenarios through @cloud-copilot/iam-simulate.
// It reads one JSON scenario per line on stdin ({"id":N,"simulation":{...}},
// the Simulation shape that runSimulation takes) and writes one JSON answer
// per line on stdout, in order: {"id":N,"result":"Allowed"|"ExplicitlyDenied"|
// "ImplicitlyDenied","ignored":[...]} or {"id":N,"error":"..."}.
// It is a test-time tool only: nothing here is bundled into iamx.
import readline from 'node:readline'
import { runSimulation } from '@cloud-copilot/iam-simulate'

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of rl) {
  if (line.trim() === '') continue
  let id = null
  let out
  try {
    const sc = JSON.parse(line)
    id = sc.id
    const r = await runSimulation(sc.simulation, { simulationMode: 'Strict' })
    if (r.resultType === 'error') {
      out = { id, error: r.errors.message, details: r.errors }
    } else if (r.resultType === 'single') {
      out = { id, result: r.overallResult, ignored: r.result.ignoredContextKeys ?? [] }
    } else {
      out = { id, result: r.overallResult, ignored: r.results[0]?.ignoredContextKeys ?? [], wildcard: true }
    }
  } catch (e) {
    out = { id, error: 'exception: ' + (e && e.message ? e.message : String(e)) }
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}
