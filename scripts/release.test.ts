/**
 * `scripts/release.ts` against real git, in a repository of its own made in a
 * temporary folder for each test: never the checkout's tags.
 *
 * Usage: pnpm exec vitest run --project scripts
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"

const script = fileURLToPath(new URL("./release.ts", import.meta.url))
const checkout = fileURLToPath(new URL("..", import.meta.url))

let repo = ""
let home = ""

/** git as a fresh machine has it: no user or system configuration, a fixed identity. */
const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  HOME: home,
  XDG_CONFIG_HOME: home,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Release Test",
  GIT_AUTHOR_EMAIL: "release@example.invalid",
  GIT_COMMITTER_NAME: "Release Test",
  GIT_COMMITTER_EMAIL: "release@example.invalid"
})

const git = (...args: ReadonlyArray<string>): string => {
  const result = spawnSync("git", args, { cwd: repo, env: env(), encoding: "utf8" })
  if (result.error !== undefined) throw new Error(`git could not run (${result.error.message}): install git`)
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`)
  return result.stdout.trim()
}

const release = (...args: ReadonlyArray<string>) => {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: repo, env: env(), encoding: "utf8" })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

const write = (path: string, text: string) => {
  mkdirSync(join(repo, path, ".."), { recursive: true })
  writeFileSync(join(repo, path), text)
}

const manifest = (name: string, version: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ name, version, ...extra }, null, 2)}\n`

const commit = (message: string) => {
  git("add", "--all")
  git("commit", "--quiet", "--message", message)
  return git("rev-parse", "HEAD")
}

const tags = () => git("tag", "--list").split("\n").filter(Boolean).sort()

const checkoutTags = () =>
  spawnSync("git", ["tag", "--list"], { cwd: checkout, encoding: "utf8" }).stdout.split("\n").filter(Boolean)

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "teo-release-home-"))
  repo = mkdtempSync(join(tmpdir(), "teo-release-"))
  git("init", "--quiet", "--initial-branch=main")
  write("package.json", manifest("root", "0.0.0", { private: true }))
  write(".changeset/README.md", "# Changesets\n")
  write("packages/auth/package.json", manifest("@teo-effect/auth", "0.2.0"))
  write("packages/api/package.json", manifest("@teo-effect/api", "0.2.0"))
  write("packages/internal/package.json", manifest("@teo-effect/internal", "0.0.1", { private: true }))
  commit("release 0.2.0")
})

afterEach(() => {
  rmSync(repo, { recursive: true, force: true })
  rmSync(home, { recursive: true, force: true })
})

describe("scripts/release.ts", () => {
  it("tags each published package's version on HEAD, annotated, and nothing else", () => {
    const before = checkoutTags()
    const head = git("rev-parse", "HEAD")

    const run = release()

    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    expect(run.stdout).toContain("✓ tagged @teo-effect/api@0.2.0")
    expect(run.stdout).toContain("✓ tagged @teo-effect/auth@0.2.0")
    expect(tags()).toEqual(["@teo-effect/api@0.2.0", "@teo-effect/auth@0.2.0"])
    for (const tag of tags()) {
      expect(git("cat-file", "-t", tag)).toBe("tag")
      expect(git("rev-parse", `${tag}^{commit}`)).toBe(head)
      expect(git("tag", "--list", "--format=%(contents:subject)", tag)).toBe(tag)
    }
    // The checkout this test runs in keeps its own tags.
    expect(checkoutTags()).toEqual(before)
  })

  it("is idempotent: a tag already on HEAD is kept, only the missing ones are made", () => {
    git("tag", "--annotate", "--message", "by hand", "@teo-effect/auth@0.2.0")
    const object = git("rev-parse", "@teo-effect/auth@0.2.0")

    const first = release()
    const second = release()

    expect(first.status).toBe(0)
    expect(first.stdout).toContain("· @teo-effect/auth@0.2.0 already on HEAD")
    expect(first.stdout).toContain("✓ tagged @teo-effect/api@0.2.0")
    expect(second.status).toBe(0)
    expect(second.stderr).toBe("")
    expect(second.stdout).toContain("Nothing to tag")
    expect(second.stdout).not.toContain("✓ tagged")
    expect(git("rev-parse", "@teo-effect/auth@0.2.0")).toBe(object)
    expect(tags()).toEqual(["@teo-effect/api@0.2.0", "@teo-effect/auth@0.2.0"])
  })

  it("--dry-run says what it would tag and tags nothing", () => {
    const run = release("--dry-run")

    expect(run.status).toBe(0)
    expect(run.stdout).toContain("○ would tag @teo-effect/api@0.2.0")
    expect(run.stdout).toContain("○ would tag @teo-effect/auth@0.2.0")
    expect(run.stdout).toContain("nothing changed")
    expect(tags()).toEqual([])
  })

  it("refuses a working tree with changes, tracked or new", () => {
    write("packages/auth/package.json", manifest("@teo-effect/auth", "0.2.1"))
    const modified = release()
    git("checkout", "--", "packages/auth/package.json")
    write("notes.txt", "not committed\n")
    const untracked = release()

    expect(modified.status).toBe(1)
    expect(modified.stderr).toContain("the working tree has changes")
    expect(modified.stderr).toContain("packages/auth/package.json")
    expect(untracked.status).toBe(1)
    expect(untracked.stderr).toContain("notes.txt")
    expect(tags()).toEqual([])
  })

  it("refuses while changesets are pending: changeset version has not been run", () => {
    write(".changeset/brave-dogs-run.md", '---\n"@teo-effect/auth": patch\n---\n\nA fix.\n')
    commit("a change")

    const run = release()

    expect(run.status).toBe(1)
    expect(run.stderr).toContain("1 pending changeset(s) (brave-dogs-run.md)")
    expect(run.stderr).toContain("changeset version")
    expect(tags()).toEqual([])
  })

  it("refuses a version already tagged on another commit, and then tags none of the packages", () => {
    const released = git("rev-parse", "HEAD")
    git("tag", "--annotate", "--message", "@teo-effect/auth@0.2.0", "@teo-effect/auth@0.2.0")
    write("README.md", "A change after the release, the version not bumped.\n")
    commit("after the release")

    const run = release()

    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`@teo-effect/auth@0.2.0 already names ${released.slice(0, 12)}`)
    expect(run.stderr).toContain("not HEAD")
    expect(tags()).toEqual(["@teo-effect/auth@0.2.0"])
    expect(git("rev-parse", "@teo-effect/auth@0.2.0^{commit}")).toBe(released)
  })

  it("refuses an unknown argument with its usage", () => {
    const run = release("--force")

    expect(run.status).toBe(2)
    expect(run.stderr).toContain("unknown argument --force")
    expect(run.stderr).toContain("usage: node scripts/release.ts [--dry-run]")
    expect(tags()).toEqual([])
  })
})
