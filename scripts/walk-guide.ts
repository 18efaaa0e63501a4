/**
 * A guide followed literally, as a new user would, in an empty folder: its
 * blocks in the order they come —
 *
 * - a ```sh block runs with bash, its commands as written (`npm init`, the
 *   install lines, `node src/…`, `npm test`); a documented placeholder (the
 *   path of a clone) is replaced by the real one. Fenced ```sh norun: shown,
 *   not run (the registry's install line before the release, the reader's own
 *   credentials).
 * - a ```sh block of `$ command` lines is a transcript: each command runs, and
 *   the lines under it must appear in what it prints, in order (`…` matches
 *   anything).
 * - a ```ts block whose first line is `// <path>` is written to that file;
 *   the guide's ```json block is its `tsconfig.json`.
 *
 * Used by run-docs.ts, with FakeTeo's environment standing in for the
 * reader's credentials.
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"

interface Fence {
  readonly line: number
  readonly lang: string
  readonly info: ReadonlyArray<string>
  readonly body: ReadonlyArray<string>
}

/** Every fenced block, indented (in a list item) or not, its indentation removed. */
export const fences = (markdown: string): ReadonlyArray<Fence> => {
  const lines = markdown.split("\n")
  const found: Array<Fence> = []
  let open: { line: number; indent: number; lang: string; info: Array<string>; body: Array<string> } | undefined
  for (const [index, text] of lines.entries()) {
    const fence = /^(\s*)```(.*)$/.exec(text)
    if (open === undefined) {
      if (fence !== null) {
        const [lang = "", ...info] = (fence[2] ?? "").trim().split(/\s+/)
        open = { line: index + 1, indent: fence[1]?.length ?? 0, lang, info, body: [] }
      }
    } else if (fence !== null && (fence[2] ?? "").trim() === "") {
      found.push(open)
      open = undefined
    } else open.body.push(text.slice(Math.min(open.indent, /^\s*/.exec(text)?.[0].length ?? 0)))
  }
  return found
}

/** The file a ```ts block is, from its first line `// src/teo.ts`. */
export const namedFile = (source: string): string | undefined =>
  /^\/\/ ((?:[\w.-]+\/)*[\w.-]+\.ts)\s*$/.exec(source.split("\n")[0] ?? "")?.[1]

/** `…` matches anything; the rest literally. */
const expectedLine = (line: string) =>
  new RegExp(
    line
      .split("…")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")
  )

export interface Walk {
  /** The Markdown file, from the repository's root. */
  readonly file: string
  readonly root: string
  /** Environment of every command (FakeTeo's TEO_* among it). */
  readonly env: Record<string, string | undefined>
  /** Placeholders of the guide and what they stand for. */
  readonly replace: Readonly<Record<string, string>>
  /** Checks of the project the guide leaves (its package.json…): what is wrong. */
  readonly afterwards: (project: string) => ReadonlyArray<string>
}

/** Follows the guide in a fresh folder; the failures, each naming its line (none: the guide works as written). */
export const walkGuide = (walk: Walk): { readonly steps: number; readonly failures: ReadonlyArray<string> } => {
  const project = mkdtempSync(join(tmpdir(), "teo-effect-guide-"))
  const failures: Array<string> = []
  let steps = 0
  const where = (line: number) => `${walk.file}:${line}`
  const bash = (script: string) => {
    let text = script
    for (const [placeholder, value] of Object.entries(walk.replace)) text = text.replaceAll(placeholder, value)
    return spawnSync("bash", ["-e", "-c", text], { cwd: project, env: walk.env, encoding: "utf8", timeout: 300_000 })
  }
  try {
    for (const fence of fences(readFileSync(join(walk.root, walk.file), "utf8"))) {
      if (failures.length > 0) break
      const source = fence.body.join("\n")
      if (fence.lang === "json") {
        writeFileSync(join(project, "tsconfig.json"), `${source}\n`)
      } else if (fence.lang === "ts" && namedFile(source) !== undefined) {
        const path = join(project, namedFile(source) ?? "")
        mkdirSync(dirname(path), { recursive: true })
        writeFileSync(path, `${source}\n`)
      } else if (fence.lang === "sh" && !fence.info.includes("norun")) {
        steps++
        if (fence.body.some((line) => line.startsWith("$ "))) {
          // A transcript: each command, then what it prints.
          const runs: Array<{ command: string; expected: Array<string> }> = []
          for (const line of fence.body) {
            if (line.startsWith("$ ")) runs.push({ command: line.slice(2), expected: [] })
            else if (line.trim() !== "") runs.at(-1)?.expected.push(line)
          }
          for (const { command, expected } of runs) {
            const result = bash(command)
            const output = `${result.stdout}${result.stderr}`.split("\n")
            let at = 0
            for (const line of expected) {
              const pattern = expectedLine(line)
              const found = output.findIndex((printed, index) => index >= at && pattern.test(printed))
              if (found === -1) {
                failures.push(
                  `${where(fence.line)}: \`${command}\` does not print "${line}"; it prints:\n${output.join("\n")}`
                )
                break
              }
              at = found + 1
            }
          }
        } else {
          const result = bash(source)
          if (result.status !== 0)
            failures.push(
              `${where(fence.line)}: exits with ${result.status ?? result.signal}\n${source}\n${result.stdout}${result.stderr}`
            )
        }
      }
    }
    if (failures.length === 0) failures.push(...walk.afterwards(project).map((failure) => `${walk.file}: ${failure}`))
  } finally {
    rmSync(project, { recursive: true, force: true })
  }
  return { steps, failures }
}
