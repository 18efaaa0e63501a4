/**
 * `scripts/release.ts` against real git, in a repository of its own made in a
 * temporary folder for each test: never the checkout's tags.
 *
 * Usage: pnpm exec vitest run --project scripts
 */
import { spawnSync } from "node:child_process"
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
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

/** A refusal as the script makes them all: exit 1, one line starting `✗`, no stack trace. */
const expectRefusal = (run: ReturnType<typeof release>, ...says: ReadonlyArray<string>) => {
  expect(run.status).toBe(1)
  expect(run.stderr).toMatch(/^✗ [^\n]*\n$/)
  expect(run.stderr).not.toMatch(/Error|\n\s+at /)
  for (const text of says) expect(run.stderr).toContain(text)
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

    expectRefusal(modified, "the working tree has changes", "packages/auth/package.json")
    expectRefusal(untracked, "the working tree has changes", "notes.txt")
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

  it.each([
    "0.1.0; rm -rf /tmp/x",
    "0.1.0\nfoo",
    "../../x",
    "0.1.0~1",
    "0.1.0^{tree}",
    "HEAD",
    "v0.1.0",
    "0.1",
    "01.0.0",
    "1.0.0-01",
    ""
  ])("refuses the version %j before making any tag, --dry-run too", (version) => {
    write("packages/zeta/package.json", manifest("@teo-effect/zeta", version))
    commit("a bad version")

    const dry = release("--dry-run")
    const run = release()

    for (const refused of [dry, run]) {
      expectRefusal(refused, "packages/zeta/package.json", `version ${JSON.stringify(version)}`, "semver")
      expect(refused.stdout).not.toContain("tag")
    }
    expect(tags()).toEqual([])
  })

  it("tags a semver version with a prerelease and build metadata", () => {
    write("packages/auth/package.json", manifest("@teo-effect/auth", "1.0.0-rc.1+build.5"))
    write("packages/api/package.json", manifest("@teo-effect/api", "1.0.0-rc.1+build.5"))
    commit("release candidate")

    const run = release()

    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    expect(tags()).toEqual(["@teo-effect/api@1.0.0-rc.1+build.5", "@teo-effect/auth@1.0.0-rc.1+build.5"])
  })

  it.each([
    "-m",
    "--delete",
    "@other/auth",
    "teo-effect-auth",
    "@teo-effect/Auth",
    "@teo-effect/a b",
    "@teo-effect/",
    "@teo-effect/x/y"
  ])("refuses the package name %j, tagging nothing", (name) => {
    write("packages/zeta/package.json", manifest(name, "0.2.0"))
    commit("a bad name")

    const dry = release("--dry-run")
    const run = release()

    for (const refused of [dry, run]) {
      expectRefusal(refused, "packages/zeta/package.json", `name ${JSON.stringify(name)}`, "@teo-effect/")
    }
    expect(tags()).toEqual([])
  })

  it("passes the tag's name after -- to git tag, so no name is read as an option", () => {
    // git on PATH is a wrapper writing down each call, then running the real git.
    const real = spawnSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).stdout.trim()
    const bin = join(home, "bin")
    const log = join(home, "git.log")
    mkdirSync(bin)
    writeFileSync(join(bin, "git"), `#!/bin/sh\nprintf '%s ' "$@" >> '${log}'\necho >> '${log}'\nexec '${real}' "$@"\n`)
    chmodSync(join(bin, "git"), 0o755)
    const head = git("rev-parse", "HEAD")

    const result = spawnSync(process.execPath, [script], {
      cwd: repo,
      env: { ...env(), PATH: `${bin}:${process.env.PATH}` },
      encoding: "utf8"
    })

    expect(result.stderr).toBe("")
    expect(result.status).toBe(0)
    const calls = readFileSync(log, "utf8").split("\n")
    const tagging = calls.filter((call) => call.startsWith("tag "))
    expect(tagging).toEqual([
      `tag --annotate --message=@teo-effect/api@0.2.0 -- @teo-effect/api@0.2.0 ${head} `,
      `tag --annotate --message=@teo-effect/auth@0.2.0 -- @teo-effect/auth@0.2.0 ${head} `
    ])
    expect(tags()).toEqual(["@teo-effect/api@0.2.0", "@teo-effect/auth@0.2.0"])
  })

  it("refuses a tag git would not accept as a ref name (a version ending in .lock)", () => {
    write("packages/zeta/package.json", manifest("@teo-effect/zeta", "0.2.0-rc.lock"))
    commit("a version git refuses")

    const dry = release("--dry-run")
    const run = release()

    for (const refused of [dry, run]) expectRefusal(refused, "@teo-effect/zeta@0.2.0-rc.lock", "git check-ref-format")
    expect(tags()).toEqual([])
  })

  it("refuses two packages of the same name", () => {
    write("packages/auth-copy/package.json", manifest("@teo-effect/auth", "0.2.0"))
    commit("a copy")

    const run = release()

    expectRefusal(run, "@teo-effect/auth", "packages/auth-copy/package.json", "packages/auth/package.json")
    expect(tags()).toEqual([])
  })

  it("refuses a lightweight tag, even on HEAD: git push --follow-tags would not push it", () => {
    git("tag", "@teo-effect/auth@0.2.0")

    const dry = release("--dry-run")
    const run = release()

    for (const refused of [dry, run]) {
      expectRefusal(refused, "@teo-effect/auth@0.2.0 is a lightweight tag", "--follow-tags", "git tag -d")
    }
    expect(tags()).toEqual(["@teo-effect/auth@0.2.0"])
    expect(git("cat-file", "-t", "@teo-effect/auth@0.2.0")).toBe("commit")
  })

  it("refuses a tag naming a tree, not a commit, lightweight or annotated", () => {
    git("tag", "@teo-effect/auth@0.2.0", "HEAD^{tree}")
    git("tag", "--annotate", "--message", "a tree", "@teo-effect/api@0.2.0", "HEAD^{tree}")

    const run = release()

    expectRefusal(run, "@teo-effect/auth@0.2.0 names a tree, not a commit", "@teo-effect/api@0.2.0 names a tree")
    expect(tags()).toEqual(["@teo-effect/api@0.2.0", "@teo-effect/auth@0.2.0"])
  })

  it("refuses a tag another tag is in the way of (refs/tags/<tag>/… exists)", () => {
    git("tag", "--annotate", "--message", "in the way", "@teo-effect/auth@0.2.0/old")

    const run = release()

    expectRefusal(run, "@teo-effect/auth@0.2.0", "@teo-effect/auth@0.2.0/old")
    expect(tags()).toEqual(["@teo-effect/auth@0.2.0/old"])
  })

  it("removes the tags it made when git tag fails midway, so the next run can tag them all", () => {
    // Another git holds auth's tag: api is tagged first, then auth cannot be.
    const lock = join(repo, ".git/refs/tags/@teo-effect/auth@0.2.0.lock")
    mkdirSync(join(lock, ".."), { recursive: true })
    writeFileSync(lock, "")

    const failed = release()

    expectRefusal(failed, "git tag @teo-effect/auth@0.2.0", "removed @teo-effect/api@0.2.0")
    expect(failed.stdout).not.toContain("Push them")
    expect(tags()).toEqual([])

    rmSync(lock)
    const again = release()

    expect(again.stderr).toBe("")
    expect(again.status).toBe(0)
    expect(tags()).toEqual(["@teo-effect/api@0.2.0", "@teo-effect/auth@0.2.0"])
  })

  it("refuses a package.json without a name, or that is not JSON, naming the file", () => {
    write("packages/zeta/package.json", `${JSON.stringify({ version: "0.2.0" })}\n`)
    commit("no name")
    const nameless = release()
    write("packages/zeta/package.json", '{ "name": "@teo-effect/zeta", ')
    commit("not JSON")
    const broken = release()
    write("packages/zeta/package.json", "[]\n")
    commit("not an object")
    const array = release()

    expectRefusal(nameless, "packages/zeta/package.json", "no name")
    expectRefusal(broken, "packages/zeta/package.json", "not valid JSON")
    expectRefusal(array, "packages/zeta/package.json", "not a JSON object")
    expect(tags()).toEqual([])
  })

  it("refuses a detached HEAD: a release is tagged on a branch", () => {
    git("checkout", "--quiet", "--detach")

    const dry = release("--dry-run")
    const run = release()

    for (const refused of [dry, run]) expectRefusal(refused, "HEAD is detached", "git switch")
    expect(tags()).toEqual([])
  })

  it("refuses an unknown argument with its usage", () => {
    const run = release("--force")

    expect(run.status).toBe(2)
    expect(run.stderr).toContain("unknown argument --force")
    expect(run.stderr).toContain("usage: node scripts/release.ts [--dry-run]")
    expect(tags()).toEqual([])
  })
})
