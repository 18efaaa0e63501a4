/**
 * Tags a release: after `changeset version` has been run and committed, each
 * published package gets the annotated git tag `<name>@<version>`
 * (`@teo-effect/auth@0.2.0`…) on HEAD, the tag `changeset publish` and
 * npm's users look for.
 *
 * Everything is checked before any tag is made, `--dry-run` too: it refuses,
 * tagging nothing, when the working tree has changes (the tag would not name
 * what was tested), when HEAD is detached (a release is tagged on a branch),
 * when changesets are pending (their versions are not cut yet), when a
 * package.json is not JSON or its name is not `@teo-effect/<a-z0-9->` or its
 * version not semver, or when a package's tag already exists and is not an
 * annotated tag of HEAD (another commit, a tree, a lightweight tag). An
 * annotated tag already on HEAD is left as it is, so running it twice is
 * harmless; if `git tag` fails midway, the tags made by the run are removed.
 * Every refusal is one line starting `✗`, exit 1. It works on the git
 * repository of the current directory.
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

/** Every refusal is one line: git's words and the values quoted in it keep no newline. */
const fail = (message: string): never => {
  console.error(`✗ ${message.replace(/\s*\n\s*/g, " ").trim()}`)
  process.exit(1)
}

const options = process.argv.slice(2)
const unknown = options.filter((option) => option !== "--dry-run")
if (unknown.length > 0) {
  console.error(`✗ unknown argument ${unknown.join(" ")}; ${usage}`)
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
  if (result.error !== undefined) fail(`git could not run (${result.error.message}): install git`)
  if (result.status !== 0)
    fail(`${what}: ${`${result.stderr}${result.stdout}`.trim() || `git exited ${result.status}`}`)
  return result.stdout.trimEnd()
}

/** semver.org's regular expression: `x.y.z`, an optional `-prerelease` and `+build`, nothing else. */
const semver =
  /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/
/** The names this repository publishes: npm's scoped names, in the `@teo-effect` scope. */
const packageName = /^@teo-effect\/[a-z0-9-]+$/

const root = gitOrFail(process.cwd(), ["rev-parse", "--show-toplevel"], "not in a git repository")

// 1. The commit to tag is the one that was tested: nothing changed, nothing left out.
const changes = gitOrFail(root, ["status", "--porcelain", "--untracked-files=normal"], "git status")
if (changes !== "") {
  const files = changes.split("\n").map((line) => line.trim())
  fail(`the working tree has changes (${files.join(", ")}); commit or remove them first (the tags name HEAD)`)
}

// 2. On a branch: `git push --follow-tags` pushes the tags with the branch, a detached HEAD has none.
const head = gitOrFail(root, ["rev-parse", "--verify", "HEAD^{commit}"], "no commit to tag")
const commit = head.slice(0, 12)
if (git(root, ["symbolic-ref", "--quiet", "HEAD"]) === undefined) {
  fail(
    `HEAD is detached (at ${commit}): a release is tagged on a branch — git switch <branch> (the one with the release commit), then tag`
  )
}

// 3. Every changeset has become a version and a changelog entry.
const changesetDir = join(root, ".changeset")
const pending = existsSync(changesetDir)
  ? readdirSync(changesetDir).filter((file) => file.endsWith(".md") && file !== "README.md")
  : []
if (pending.length > 0) {
  fail(
    `${pending.length} pending changeset(s) (${pending.join(", ")}): run \`pnpm run version-packages\` (changeset version), review and commit, then tag`
  )
}

// 4. The published packages, as their package.json says now: each checked before any is sorted or tagged.
const packagesDir = join(root, "packages")
const read = (file: string): Manifest | undefined => {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(join(root, file), "utf8"))
  } catch (error) {
    return fail(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return fail(`${file} is not a JSON object`)
  const { name, version, private: unpublished } = json as Record<string, unknown>
  if (unpublished === true) return undefined
  if (name === undefined) fail(`${file} has no name`)
  if (typeof name !== "string" || !packageName.test(name)) {
    fail(`${file}: name ${JSON.stringify(name)} is not @teo-effect/<a-z, 0-9, ->, the names this repository publishes`)
  }
  if (version === undefined) fail(`${file} has no version`)
  if (typeof version !== "string" || !semver.test(version)) {
    fail(`${file}: version ${JSON.stringify(version)} is not semver (x.y.z, optional -prerelease and +build)`)
  }
  return json as Manifest
}
const packages = existsSync(packagesDir)
  ? readdirSync(packagesDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, "package.json")))
      .map((entry) => `packages/${entry.name}/package.json`)
      .sort()
      .flatMap((file) => {
        const manifest = read(file)
        return manifest === undefined ? [] : [{ file, manifest }]
      })
  : []
if (packages.length === 0) fail(`no published package under ${packagesDir}`)
for (const { manifest } of packages) {
  const same = packages.filter((other) => other.manifest.name === manifest.name)
  if (same.length > 1) fail(`${manifest.name} is the name of ${same.map((other) => other.file).join(" and ")}`)
}
const manifests: ReadonlyArray<Manifest> = packages
  .map(({ manifest }) => manifest)
  .sort((a, b) => a.name.localeCompare(b.name))

// 5. Which tags exist, and what they are: all checked before any is made.
const existing = gitOrFail(root, ["for-each-ref", "--format=%(refname)", "refs/tags/"], "git for-each-ref").split("\n")
const problems: Array<string> = []
const tags = manifests.map((manifest) => {
  const tag = `${manifest.name}@${manifest.version}`
  const ref = `refs/tags/${tag}`
  if (git(root, ["check-ref-format", ref]) === undefined) {
    problems.push(`${tag} is not a tag name git accepts (git check-ref-format ${ref})`)
    return { tag, present: false }
  }
  const object = git(root, ["rev-parse", "--quiet", "--verify", ref])
  if (object === undefined) {
    const inTheWay = existing.find((other) => other.startsWith(`${ref}/`) || ref.startsWith(`${other}/`))
    if (inTheWay !== undefined) {
      problems.push(`${tag} cannot be made: the tag ${inTheWay.slice("refs/tags/".length)} is in its way`)
    }
    return { tag, present: false }
  }
  const annotated = gitOrFail(root, ["cat-file", "-t", object], `git cat-file ${ref}`) === "tag"
  const target = git(root, ["rev-parse", "--quiet", "--verify", `${object}^{commit}`])
  if (target === undefined) {
    const peeled = gitOrFail(root, ["rev-parse", "--verify", `${object}^{}`], `git rev-parse ${ref}`)
    const type = gitOrFail(root, ["cat-file", "-t", peeled], `git cat-file ${ref}`)
    problems.push(`${tag} names a ${type}, not a commit: delete it (git tag -d ${tag}), then tag`)
  } else if (target !== head) {
    problems.push(
      `${tag} already names ${target.slice(0, 12)}${annotated ? "" : " (a lightweight tag)"}, not HEAD (${commit}): a released version is never tagged again — bump it with a changeset`
    )
  } else if (!annotated) {
    problems.push(
      `${tag} is a lightweight tag: git push --follow-tags does not push it — delete it (git tag -d ${tag}) or make it annotated (git tag --force --annotate --message ${tag} ${tag})`
    )
  }
  return { tag, present: target === head && annotated }
})
if (problems.length > 0) fail(problems.join("; "))

const present = tags.filter((tag) => tag.present).map(({ tag }) => tag)
const missing = tags.filter((tag) => !tag.present).map(({ tag }) => tag)
for (const tag of present) console.log(`· ${tag} already on HEAD`)

// 6. The tags, annotated (so `git push --follow-tags` pushes them), on HEAD: all of them or, git failing midway, none.
const made: Array<{ readonly tag: string; readonly object: string }> = []
for (const tag of missing) {
  if (dryRun) {
    console.log(`○ would tag ${tag}`)
    continue
  }
  const result = spawnSync("git", ["tag", "--annotate", `--message=${tag}`, "--", tag, head], {
    cwd: root,
    encoding: "utf8"
  })
  if (result.error !== undefined || result.status !== 0) {
    const why = result.error?.message ?? (`${result.stderr}${result.stdout}`.trim() || `git exited ${result.status}`)
    const kept = [...made]
      .reverse()
      .filter(({ tag, object }) => git(root, ["update-ref", "-d", `refs/tags/${tag}`, object]) === undefined)
      .map(({ tag }) => tag)
    const undone =
      made.length === 0
        ? "no tag was made"
        : kept.length === 0
          ? `removed ${made.map(({ tag }) => tag).join(", ")}, the tag(s) this run had made`
          : `could not remove ${kept.join(", ")}: delete them with git tag -d`
    fail(`git tag ${tag}: ${why}; ${undone}`)
  }
  made.push({ tag, object: gitOrFail(root, ["rev-parse", "--verify", `refs/tags/${tag}`], `git rev-parse ${tag}`) })
  console.log(`✓ tagged ${tag}`)
}

if (missing.length === 0) console.log(`\nNothing to tag: every package's version is tagged on ${commit}.`)
else if (dryRun) console.log(`\n--dry-run: ${missing.length} tag(s) would be made on ${commit}; nothing changed.`)
else {
  console.log(`\n${missing.length} tag(s) on ${commit}. Push them with: git push --follow-tags`)
}
