/**
 * Every test runs: no `.only` (which silently skips the others), no `.skip`,
 * `.todo` or `.skipIf` / `.runIf` (a test that does not run asserts
 * nothing), in any test file of the repository. A missing tool fails its
 * test with a sentence saying what to install; it never skips it.
 *
 * Usage: node scripts/check-tests.ts
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { root } from "./doc-blocks.ts"

const ignored = new Set(["node_modules", "dist", ".git", ".toolchain"])

const testFiles = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    if (ignored.has(name) || name.startsWith(".")) return []
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return testFiles(path)
    return /\.test\.ts$/.test(name) ? [path] : []
  })

const forbidden =
  /\b(?:it|test|describe|suite)(?:\.(?:effect|live|scoped|layer|prop|each|concurrent|sequential))*\.(only|skip|todo|skipIf|runIf)\b/

const files = testFiles(root)
const findings = files.flatMap((file) =>
  readFileSync(file, "utf8")
    .split("\n")
    .flatMap((line, index) => {
      const match = forbidden.exec(line)
      return match === null ? [] : [`${relative(root, file)}:${index + 1}: .${match[1]}`]
    })
)

if (findings.length > 0) {
  console.error(findings.join("\n"))
  console.error(`✗ ${findings.length} test(s) that would not run, or would stop the others from running`)
  process.exit(1)
}
console.log(`✓ ${files.length} test files: no .only, .skip, .todo, .skipIf or .runIf`)
