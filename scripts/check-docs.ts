/**
 * The docs cannot rot: every ```ts block of docs/**\/*.md, of the READMEs and
 * of the JSDoc examples in the packages' sources is
 * written to a file of its own and type-checked, with TypeScript 5.9, against
 * the built packages, as a user's code would be. A block that is not meant to
 * compile on its own is fenced ```ts nocheck.
 *
 * Usage: node scripts/check-docs.ts
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { Generate } from "@teo-effect/cli"
import { Effect } from "effect"
import { docBlocks, exampleBlocks, markdownFiles, root } from "./doc-blocks.ts"
import { fences, namedFile } from "./walk-guide.ts"

const work = join(root, "scripts", ".docs-check")
const files = markdownFiles()

rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })

const examples = exampleBlocks()
// A block that names its file (`// src/teo.ts`, in a guide) is that file of the guide's own project,
// so that the guide's later blocks import it (`./teo.ts`).
const blocks = [...docBlocks(), ...examples].map((block) => {
  const named = namedFile(block.source)
  const source = named === undefined ? `${block.name}.ts` : join(block.file.replace(/[^A-Za-z0-9]+/g, "_"), named)
  mkdirSync(dirname(join(work, source)), { recursive: true })
  writeFileSync(join(work, source), `${block.source}\nexport {}\n`)
  return { file: block.file, source, line: block.line }
})

// A guide that runs `teo generate … --out <dir>` imports what it writes: the modules of the document
// FakeTeo serves (the one the guide's run reads) are written there, as the command would.
const teoDocument: unknown = JSON.parse(readFileSync(join(root, "packages/testing/openapi/teo.openapi.json"), "utf8"))
for (const file of files) {
  const markdown = readFileSync(file, "utf8")
  for (const fence of fences(markdown).filter((candidate) => candidate.lang === "sh")) {
    for (const line of fence.body) {
      const command = /\bteo generate .*--out (\S+)/.exec(line.replace(/^\$ /, ""))
      if (command?.[1] === undefined) continue
      const generated = await Effect.runPromise(
        Generate.generate(teoDocument, {
          source: "teo.openapi.json",
          imports: /--imports ts\b/.test(line) ? "ts" : "js"
        })
      )
      const out = join(work, relative(root, file).replace(/[^A-Za-z0-9]+/g, "_"), command[1])
      mkdirSync(out, { recursive: true })
      for (const module of generated) writeFileSync(join(out, module.path), module.contents)
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
      allowImportingTsExtensions: true,
      types: ["node"]
    },
    include: ["**/*.ts"]
  })
)
writeFileSync(join(work, "package.json"), JSON.stringify({ type: "module", private: true }))

const tsc = join(root, "scripts", "node_modules", ".bin", "tsc")
const result = spawnSync(tsc, ["-p", work], { encoding: "utf8" })
if (result.status !== 0) {
  // Point each error at the Markdown file and line it came from.
  const output = `${result.stdout}${result.stderr}`.replace(
    /([^\s(]+\.ts)\((\d+),(\d+)\)/g,
    (match, path: string, line) => {
      const block = blocks.find((candidate) => path === candidate.source || path.endsWith(`/${candidate.source}`))
      return block === undefined ? match : `${block.file}:${block.line + Number(line)}`
    }
  )
  console.error(output)
  console.error(`✗ ${blocks.length} TypeScript blocks in the docs; some do not type-check`)
  process.exit(1)
}
console.log(
  `✓ ${blocks.length} TypeScript blocks type-check (TypeScript 5.9): ${blocks.length - examples.length} in ${files.length} Markdown files, ${examples.length} JSDoc examples`
)
