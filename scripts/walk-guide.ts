/**
 * A guide followed literally, as a new user would, in an empty folder: its
 * blocks in the order they come —
 *
 * - a ```sh block runs with bash, its commands as written (`npm init`, the
 *   install lines, `node src/…`, `npm test`); a documented placeholder (the
 *   path of a clone) is replaced by the real one. Fenced ```sh norun: shown,
 *   not run (the registry's install line before the release, the reader's own
 *   credentials).
 * - a ```sh block of `$ command` lines is a transcript, run as one bash
 *   session: each command must print the lines under it, exactly, in order
 *   (`…` matches anything within a line; blank lines aside), and exit 0 —
 *   unless the next command is `echo $?`, which then shows its code. Any
 *   other shell fence (`bash`, `console`…) is an error: it would be skipped.
 * - a ```ts block whose first line is `// <path>` is written to that file;
 *   the guide's one ```json block is its `tsconfig.json`. A guide with no
 *   command to run fails.
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

/**
 * The file a ```ts block is, from its first line `// src/teo.ts`: a path
 * inside the project (no segment starting with a dot, so no `..`).
 */
export const namedFile = (source: string): string | undefined =>
  /^\/\/ ((?:[\w-][\w.-]*\/)*[\w-][\w.-]*\.ts)\s*$/.exec(source.split("\n")[0] ?? "")?.[1]

/** A whole printed line; `…` matches anything, the rest literally. */
const expectedLine = (line: string) =>
  new RegExp(
    `^${line
      .split("…")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`
  )

/** Shell blocks under another name would be skipped without a word: a guide says `sh` (run) or `sh norun`. */
const otherShells = new Set(["bash", "shell", "console", "zsh", "shell-session", "sh-session"])

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

/** Where one command's output ends, and its exit code: `<<<walk-guide N rc=R>>>`. */
const marker = /^<<<walk-guide (\d+) rc=(\d+)>>>$/

/**
 * A transcript as one bash session (so `export` and `$?` carry on from one
 * command to the next), each command's output (stdout and stderr, as a
 * terminal shows them) and exit code.
 */
const transcript = (commands: ReadonlyArray<string>, run: (script: string) => string) => {
  const script = [
    "exec 2>&1",
    ...commands.map(
      (command, index) =>
        `${command}\n__walk_rc=$?; printf '\\n<<<walk-guide ${index} rc=%d>>>\\n' "$__walk_rc"; (exit "$__walk_rc")`
    )
  ].join("\n")
  const results: Array<{ output: Array<string>; code: number }> = []
  let output: Array<string> = []
  for (const line of run(script).split("\n")) {
    const end = marker.exec(line)
    if (end === null) output.push(line)
    else {
      // The newline printed before the marker, when the command's output did not end with one.
      if (output.at(-1) === "") output.pop()
      results.push({ output, code: Number(end[2]) })
      output = []
    }
  }
  return results
}

/** Follows the guide in a fresh folder; the failures, each naming its line (none: the guide works as written). */
export const walkGuide = (walk: Walk): { readonly steps: number; readonly failures: ReadonlyArray<string> } => {
  const project = mkdtempSync(join(tmpdir(), "teo-effect-guide-"))
  const failures: Array<string> = []
  let steps = 0
  let tsconfig = false
  const where = (line: number) => `${walk.file}:${line}`
  const placeheld = (script: string) => {
    let text = script
    for (const [placeholder, value] of Object.entries(walk.replace)) text = text.replaceAll(placeholder, value)
    return text
  }
  const bash = (script: string) =>
    spawnSync("bash", ["-e", "-o", "pipefail", "-c", placeheld(script)], {
      cwd: project,
      env: walk.env,
      encoding: "utf8",
      timeout: 300_000
    })
  try {
    for (const fence of fences(readFileSync(join(walk.root, walk.file), "utf8"))) {
      if (failures.length > 0) break
      const source = fence.body.join("\n")
      if (fence.lang === "json") {
        if (tsconfig)
          failures.push(`${where(fence.line)}: a second json block; the guide's one json block is its tsconfig.json`)
        writeFileSync(join(project, "tsconfig.json"), `${source}\n`)
        tsconfig = true
      } else if (fence.lang === "ts" && namedFile(source) !== undefined) {
        const path = join(project, namedFile(source) ?? "")
        mkdirSync(dirname(path), { recursive: true })
        writeFileSync(path, `${source}\n`)
      } else if (otherShells.has(fence.lang)) {
        failures.push(
          `${where(fence.line)}: a \`${fence.lang}\` block: write \`sh\` (run by this walk) or \`sh norun\``
        )
      } else if (fence.lang === "sh" && !fence.info.includes("norun")) {
        steps++
        if (fence.body.some((line) => line.startsWith("$ "))) {
          // A transcript: each command, then what it prints — every line of it, in order. A command that
          // fails must be followed by `$ echo $?` and its code, as a reader would see it.
          const runs: Array<{ command: string; expected: Array<string> }> = []
          for (const line of fence.body) {
            if (line.startsWith("$ ")) runs.push({ command: line.slice(2), expected: [] })
            else if (runs.length === 0)
              failures.push(`${where(fence.line)}: "${line}" comes before the first \`$ \` command`)
            else if (line.trim() !== "") runs.at(-1)?.expected.push(line)
          }
          const results = transcript(
            runs.map((run) => run.command),
            (script) => {
              const result = spawnSync("bash", ["-c", placeheld(script)], {
                cwd: project,
                env: walk.env,
                encoding: "utf8",
                timeout: 300_000
              })
              return result.stdout ?? ""
            }
          )
          for (const [index, { command, expected }] of runs.entries()) {
            const result = results[index]
            if (result === undefined) {
              failures.push(`${where(fence.line)}: \`${command}\` did not finish (or ended the shell)`)
              break
            }
            const printed = result.output.filter((line) => line.trim() !== "")
            const checked = runs[index + 1]?.command.trim() === "echo $?"
            if (result.code !== 0 && !checked) {
              failures.push(
                `${where(fence.line)}: \`${command}\` exits with ${result.code}, and the transcript does not show it (\`$ echo $?\`):\n${printed.join("\n")}`
              )
              break
            }
            if (
              printed.length !== expected.length ||
              !expected.every((line, at) => expectedLine(line).test(printed[at] ?? ""))
            ) {
              failures.push(
                `${where(fence.line)}: \`${command}\` should print\n${expected.join("\n")}\nit prints\n${printed.join("\n")}`
              )
              break
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
    if (failures.length === 0 && steps === 0) failures.push("no command block to follow")
    if (failures.length === 0) failures.push(...walk.afterwards(project).map((failure) => `${walk.file}: ${failure}`))
  } finally {
    rmSync(project, { recursive: true, force: true })
  }
  return { steps, failures }
}
