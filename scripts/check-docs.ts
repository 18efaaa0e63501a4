/**
 * The docs cannot rot: every ```ts block of docs/**\/*.md and the READMEs is
 * written to a file of its own and type-checked, with TypeScript 5.9, against
 * the built packages, as a user's code would be. A block that is not meant to
 * compile on its own is fenced ```ts nocheck.
 *
 * Usage: node scripts/check-docs.ts
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const work = join(root, "scripts", ".docs-check")

const markdown = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    // docs/reference is generated (npm run docs), not written.
    if (path === join(root, "docs", "reference")) return []
    return statSync(path).isDirectory() ? markdown(path) : name.endsWith(".md") ? [path] : []
  })

const files = [
  ...markdown(join(root, "docs")),
  join(root, "README.md"),
  ...readdirSync(join(root, "packages")).map((name) => join(root, "packages", name, "README.md"))
]

rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })

const blocks: Array<{ readonly file: string; readonly source: string; readonly line: number }> = []
for (const file of files) {
  const lines = readFileSync(file, "utf8").split("\n")
  let start: number | undefined
  for (const [index, line] of lines.entries()) {
    if (start === undefined && /^```(ts|typescript)\s*$/.test(line)) start = index
    else if (start !== undefined && /^```\s*$/.test(line)) {
      const name = `${relative(root, file).replace(/[^A-Za-z0-9]+/g, "_")}_${start + 1}.ts`
      writeFileSync(join(work, name), `${lines.slice(start + 1, index).join("\n")}\nexport {}\n`)
      blocks.push({ file: relative(root, file), source: name, line: start + 1 })
      start = undefined
    }
  }
}

writeFileSync(
  join(work, "tsconfig.json"),
  JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2022", "DOM", "DOM.Iterable"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      skipLibCheck: true,
      types: ["node"]
    },
    include: ["*.ts"]
  })
)
writeFileSync(join(work, "package.json"), JSON.stringify({ type: "module", private: true }))

const tsc = join(root, "scripts", "node_modules", ".bin", "tsc")
const result = spawnSync(tsc, ["-p", work], { encoding: "utf8" })
if (result.status !== 0) {
  // Point each error at the Markdown file and line it came from.
  const output = `${result.stdout}${result.stderr}`.replace(
    /(?:[^\s]*\/)?([A-Za-z0-9_]+\.ts)\((\d+),(\d+)\)/g,
    (match, source, line) => {
      const block = blocks.find((candidate) => candidate.source === source)
      return block === undefined ? match : `${block.file}:${block.line + Number(line)}`
    }
  )
  console.error(output)
  console.error(`✗ ${blocks.length} TypeScript blocks in the docs; some do not type-check`)
  process.exit(1)
}
console.log(`✓ ${blocks.length} TypeScript blocks in ${files.length} Markdown files type-check (TypeScript 5.9)`)
