/**
 * `walkGuide` on small guides written for each test: a guide that does not
 * work as written must fail the walk, naming its line.
 *
 * Usage: pnpm exec vitest run --project scripts
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { walkGuide } from "./walk-guide.ts"

let root = ""
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "walk-guide-test-"))
})
afterEach(() => {
  rmSync(root, { recursive: true, force: true })
})

const fence = "```"

/** Walks a guide made of `blocks` (Markdown), with nothing to check afterwards. */
const walk = (...blocks: ReadonlyArray<string>) => {
  writeFileSync(join(root, "guide.md"), `# A guide\n\n${blocks.join("\n\n")}\n`)
  return walkGuide({ file: "guide.md", root, env: process.env, replace: {}, afterwards: () => [] })
}

const sh = (body: string, info = "") => `${fence}sh${info}\n${body}\n${fence}`

describe("walkGuide", () => {
  it("follows a guide that works: files written where they are named, commands run in order", () => {
    const result = walk(
      `${fence}ts\n// src/hello.ts\nconsole.log("bonjour")\n${fence}`,
      sh("test -f src/hello.ts"),
      sh("$ cat src/hello.ts | head -1\n// src/hello.ts\n$ export GREETING=salut\n$ echo $GREETING\nsalut")
    )
    expect(result).toEqual({ steps: 2, failures: [] })
  })

  it("a command that fails in a script block, or in a pipe, fails the walk", () => {
    expect(walk(sh("true\nfalse\ntrue")).failures[0]).toMatch(/^guide\.md:3: exits with 1/)
    expect(walk(sh("false | cat")).failures).toHaveLength(1)
  })

  it("a transcript's command that fails must be followed by `echo $?` showing its code", () => {
    expect(walk(sh("$ echo ok; exit_code() { return 3; }; exit_code\nok")).failures[0]).toContain(
      "exits with 3, and the transcript does not show it"
    )
    expect(walk(sh("$ (exit 3)\n$ echo $?\n3")).failures).toEqual([])
    expect(walk(sh("$ (exit 3)\n$ echo $?\n0")).failures[0]).toContain("should print\n0\nit prints\n3")
  })

  it("a transcript's output is matched line for line: a missing, extra or partial line fails; … matches within a line", () => {
    expect(walk(sh("$ printf 'a\\nb\\n'\na\nb")).failures).toEqual([])
    expect(walk(sh("$ printf 'a\\nb\\n'\na")).failures).toHaveLength(1)
    expect(walk(sh("$ echo '10 failed, 0 passed'\n0 passed")).failures).toHaveLength(1)
    expect(walk(sh("$ echo 'created /api/dossiers/42'\ncreated /api/…")).failures).toEqual([])
    expect(walk(sh("a line before any command\n$ true")).failures[0]).toContain("comes before the first `$ ` command")
  })

  it("sh norun is shown, not run; another shell fence is an error; a guide with nothing to run fails", () => {
    expect(walk(sh("false", " norun"), sh("true")).failures).toEqual([])
    expect(walk(`${fence}bash\nfalse\n${fence}`, sh("true")).failures[0]).toContain("a `bash` block")
    expect(walk(sh("false", " norun")).failures).toEqual(["no command block to follow"])
  })

  it("a block naming a path outside the project is not written there", () => {
    const result = walk(`${fence}ts\n// ../escaped.ts\nexport {}\n${fence}`, sh("test ! -e ../escaped.ts"))
    expect(result.failures).toEqual([])
  })
})
