/**
 * Tags a release: after `changeset version` has been run and committed, each
 * published package gets the annotated git tag `<name>@<version>`
 * (`@teo-effect/auth@0.2.0`…) on HEAD, the tag `changeset publish` and
 * npm's users look for.
 *
 * It refuses, tagging nothing, when the working tree has changes (the tag
 * would not name what was tested), when changesets are pending (their
 * versions are not cut yet), or when a package's tag already names another
 * commit. A tag already on HEAD is left as it is, so running it twice is
 * harmless. It works on the git repository of the current directory.
 *
 * Usage: pnpm run release:tag [--dry-run]   (node scripts/release.ts)
 */
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

const usage = "usage: node scripts/release.ts [--dry-run]"

interface Manifest {
  readonly name: string
  readonly version: string
  readonly private?: boolean
}

const fail = (message: string): never => {
  console.error(`✗ ${message}`)
  process.exit(1)
}

const options = process.argv.slice(2)
const unknown = options.filter((option) => option !== "--dry-run")
if (unknown.length > 0) {
  console.error(`✗ unknown argument ${unknown.join(" ")}\n${usage}`)
  process.exit(2)
}
const dryRun = options.includes("--dry-run")

/** Runs git in `cwd`; its trimmed output, or `undefined` when it exits non-zero. */
const git = (cwd: string, args: ReadonlyArray<string>): string | undefined => {
  const result = spawnSync("git", args, { cwd, encoding: "utf8" })
  if (result.error !== undefined) fail(`git could not run (${result.error.message}): install git`)
  return result.status === 0 ? result.stdout.trim() : undefined
}

/** Runs git in `cwd`, failing with git's own words when it exits non-zero. */
const gitOrFail = (cwd: string, args: ReadonlyArray<string>, what: string): string => {
  const result = spawnSync("git", args, { cwd, encoding: "utf8" })
  if (result.status !== 0)
    fail(`${what}: ${`${result.stderr}${result.stdout}`.trim() || `git exited ${result.status}`}`)
  return result.stdout.trimEnd()
}

const root = gitOrFail(process.cwd(), ["rev-parse", "--show-toplevel"], "not in a git repository")

// 1. The commit to tag is the one that was tested: nothing changed, nothing left out.
const changes = gitOrFail(root, ["status", "--porcelain", "--untracked-files=normal"], "git status")
if (changes !== "") {
  fail(`the working tree has changes; commit or remove them first (the tags name HEAD):\n${changes}`)
}

// 2. Every changeset has become a version and a changelog entry.
const changesetDir = join(root, ".changeset")
const pending = existsSync(changesetDir)
  ? readdirSync(changesetDir).filter((file) => file.endsWith(".md") && file !== "README.md")
  : []
if (pending.length > 0) {
  fail(
    `${pending.length} pending changeset(s) (${pending.join(", ")}): run \`pnpm run version-packages\` (changeset version), review and commit, then tag`
  )
}

// 3. The published packages, as their package.json says now.
const packagesDir = join(root, "packages")
const manifests: ReadonlyArray<Manifest> = existsSync(packagesDir)
  ? readdirSync(packagesDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, "package.json")))
      .map((entry) => JSON.parse(readFileSync(join(packagesDir, entry.name, "package.json"), "utf8")) as Manifest)
      .filter((manifest) => manifest.private !== true)
      .sort((a, b) => a.name.localeCompare(b.name))
  : []
if (manifests.length === 0) fail(`no published package under ${packagesDir}`)
for (const manifest of manifests) {
  if (typeof manifest.name !== "string" || typeof manifest.version !== "string" || manifest.version === "") {
    fail(`a package.json under ${packagesDir} has no name or version`)
  }
}

// 4. Which tags exist, and where: all checked before any is made.
const head = gitOrFail(root, ["rev-parse", "--verify", "HEAD^{commit}"], "no commit to tag")
const tags = manifests.map((manifest) => {
  const tag = `${manifest.name}@${manifest.version}`
  const target = git(root, ["rev-parse", "-q", "--verify", `refs/tags/${tag}^{commit}`])
  return { tag, target }
})
const elsewhere = tags.filter(({ target }) => target !== undefined && target !== head)
if (elsewhere.length > 0) {
  fail(
    `${elsewhere.map(({ tag, target }) => `${tag} already names ${target?.slice(0, 12)}`).join("; ")}, not HEAD (${head.slice(0, 12)}): a released version is never tagged again — bump it with a changeset`
  )
}

const present = tags.filter(({ target }) => target === head).map(({ tag }) => tag)
const missing = tags.filter(({ target }) => target === undefined).map(({ tag }) => tag)
for (const tag of present) console.log(`· ${tag} already on HEAD`)

// 5. The tags, annotated (so `git push --follow-tags` pushes them), on HEAD.
for (const tag of missing) {
  if (dryRun) console.log(`○ would tag ${tag}`)
  else {
    gitOrFail(root, ["tag", "--annotate", "--message", tag, tag, head], `git tag ${tag}`)
    console.log(`✓ tagged ${tag}`)
  }
}

const commit = head.slice(0, 12)
if (missing.length === 0) console.log(`\nNothing to tag: every package's version is tagged on ${commit}.`)
else if (dryRun) console.log(`\n--dry-run: ${missing.length} tag(s) would be made on ${commit}; nothing changed.`)
else {
  console.log(`\n${missing.length} tag(s) on ${commit}. Push them with: git push --follow-tags`)
}
