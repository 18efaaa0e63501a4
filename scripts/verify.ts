/**
 * Everything `npm test` checks, in order. Every step runs even when an earlier
 * one failed, so one run shows every problem; the exit code is non-zero when
 * any step failed. Run through `npm test` (which first ensures Node and pnpm),
 * or `pnpm run verify` when the toolchain is already in place.
 */
import { spawnSync } from "node:child_process"

const steps: ReadonlyArray<readonly [name: string, script: string]> = [
  ["type-check (tsc -b, TypeScript 7)", "typecheck"],
  ["lint and format (Biome)", "lint"],
  ["every test runs (no .only, .skip, .todo)", "check:tests"],
  ["the repository stands alone (no reference outside it, no dead relative link)", "check:references"],
  ["tests (vitest, all projects; consumer tests regenerate the pacts)", "test:vitest"],
  ["contracts drift (regenerated pacts = contracts/)", "check:contracts"],
  ["packages (pack, publint, attw, consumer on TypeScript 5.9)", "check:packages"],
  ["docs (every TypeScript block type-checks)", "check:docs"],
  ["API reference (TypeDoc, zero warnings; each service page shows its own members)", "check:api-reference"],
  [
    "release and docs run (published to a local registry, checked; every program, test and guide of the docs installed from it by name)",
    "run:docs"
  ]
]

const results = steps.map(([name, script]) => {
  console.log(`\n━━ ${name}: pnpm run ${script}`)
  const started = performance.now()
  const { status } = spawnSync("pnpm", ["run", "--silent", script], { stdio: "inherit" })
  return { name, ok: status === 0, seconds: (performance.now() - started) / 1000 }
})

console.log(`\n━━ summary (Node ${process.version}, ${process.platform}-${process.arch})`)
for (const { name, ok, seconds } of results) {
  console.log(`${ok ? "✓" : "✗"} ${name} (${seconds.toFixed(1)} s)`)
}
const failed = results.filter((result) => !result.ok).map((result) => result.name)
console.log(failed.length === 0 ? `all ${results.length} steps passed` : `failed steps: ${failed.join("; ")}`)
process.exit(failed.length === 0 ? 0 : 1)
