/**
 * The TypeScript blocks of the documentation — every ```ts block of
 * docs/**\/*.md and the READMEs, and every ```ts block of a JSDoc `@example`
 * in the packages' sources — for the two checks that use them: check-docs.ts
 * type-checks them all, run-docs.ts runs the Markdown's complete programs and
 * tests.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"

export const root = fileURLToPath(new URL("..", import.meta.url))

export interface DocBlock {
  /** The Markdown file, from the repository's root. */
  readonly file: string
  /** The line of the opening fence. */
  readonly line: number
  /** A file name for the block, unique in the docs. */
  readonly name: string
  readonly source: string
}

const markdown = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    // docs/reference is generated (npm run docs), not written.
    if (path === join(root, "docs", "reference")) return []
    return statSync(path).isDirectory() ? markdown(path) : name.endsWith(".md") ? [path] : []
  })

export const markdownFiles = (): ReadonlyArray<string> => [
  ...markdown(join(root, "docs")),
  join(root, "README.md"),
  ...readdirSync(join(root, "packages")).map((name) => join(root, "packages", name, "README.md"))
]

/** Every ```ts block (a block fenced ```ts nocheck is left out). */
export const docBlocks = (): ReadonlyArray<DocBlock> => {
  const blocks: Array<DocBlock> = []
  for (const file of markdownFiles()) {
    const lines = readFileSync(file, "utf8").split("\n")
    let start: number | undefined
    for (const [index, line] of lines.entries()) {
      if (start === undefined && /^```(ts|typescript)\s*$/.test(line)) start = index
      else if (start !== undefined && /^```\s*$/.test(line)) {
        blocks.push({
          file: relative(root, file),
          line: start + 1,
          name: `${relative(root, file).replace(/[^A-Za-z0-9]+/g, "_")}_${start + 1}`,
          source: lines.slice(start + 1, index).join("\n")
        })
        start = undefined
      }
    }
  }
  return blocks
}

const sources = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : name.endsWith(".ts") ? [path] : []
  })

/** Every ```ts block of a JSDoc comment in `packages/*\/src` (```ts nocheck left out), its ` * ` prefix removed. */
export const exampleBlocks = (): ReadonlyArray<DocBlock> => {
  const blocks: Array<DocBlock> = []
  const files = readdirSync(join(root, "packages")).flatMap((name) => sources(join(root, "packages", name, "src")))
  for (const file of files) {
    const lines = readFileSync(file, "utf8").split("\n")
    let start: number | undefined
    for (const [index, line] of lines.entries()) {
      if (start === undefined && /^\s*\*\s?```(ts|typescript)\s*$/.test(line)) start = index
      else if (start !== undefined && /^\s*\*\s?```\s*$/.test(line)) {
        blocks.push({
          file: relative(root, file),
          line: start + 1,
          name: `${relative(root, file).replace(/[^A-Za-z0-9]+/g, "_")}_${start + 1}`,
          source: lines
            .slice(start + 1, index)
            .map((text) => text.replace(/^\s*\*\s?/, ""))
            .join("\n")
        })
        start = undefined
      }
    }
  }
  return blocks
}
