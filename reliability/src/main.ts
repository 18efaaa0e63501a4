/**
 * `npm run soak` — the long chaos soak: 50,000 calls (or `--calls N`).
 * Prints the figures; exits 1 when a criterion fails.
 */
import { check, report, runSoak } from "./soak.ts"

const args = process.argv.slice(2)
const index = args.indexOf("--calls")
const calls = index >= 0 ? Number(args[index + 1]) : 50_000
if (!Number.isInteger(calls) || calls <= 0) {
  process.stderr.write(`--calls must be a positive integer, got ${JSON.stringify(args[index + 1])}\n`)
  process.exit(2)
}
const figures = await runSoak({ calls, concurrency: 50 })
console.log(report(figures))
const problems = check(figures)
if (problems.length > 0) {
  console.error(`✗ ${problems.join("; ")}`)
  process.exit(1)
}
console.log("✓ every call ended in a success or a typed error; all criteria hold")
