/**
 * The release's publishing step, `pnpm run release` after the build: the four
 * packages at their one version, published with `changeset publish` to the
 * registry npm is configured with — the public one after `npm login`, or any
 * other through `npm_config_registry` and an npm user config holding its token
 * (`npm run release:local` does exactly that). No git tag is made here:
 * `pnpm run release:tag` makes them, annotated, before.
 *
 * A registry takes each version once. When it already has this version of
 * every package, nothing is sent: this says so, and how to release a change,
 * and exits 1. When it has some (an earlier release stopped midway), the
 * others are published and the ones already there are named.
 *
 * Usage: pnpm run release   (node scripts/publish.ts when built)
 */
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { publishedPackages } from "./published-packages.ts"

const root = fileURLToPath(new URL("..", import.meta.url))

const fail = (message: string): never => {
  console.error(`✗ ${message}`)
  process.exit(1)
}

const npm = (args: ReadonlyArray<string>) =>
  spawnSync("npm", args, { cwd: root, encoding: "utf8", timeout: 60_000, env: process.env })

const folders = publishedPackages()
const packages = folders.map(({ manifest }) => manifest)

/** Every file a package's `exports` and `bin` name, from its folder. */
const entryPoints = (value: unknown): ReadonlyArray<string> =>
  typeof value === "string"
    ? [value]
    : typeof value === "object" && value !== null
      ? Object.values(value).flatMap(entryPoints)
      : []
/** What a bin that exists before the build (`bin/teo.js`) loads of its package: its relative imports. */
const binImports = (dir: string, bin: string): ReadonlyArray<string> => {
  const file = join(dir, bin)
  if (!existsSync(file)) return []
  return [...readFileSync(file, "utf8").matchAll(/(?:from|import\()\s*"(\.\.?\/[^"]+)"/g)].map((match) =>
    relative(dir, resolve(dirname(file), match[1] ?? "."))
  )
}
// What is published is what is built: a missing entry point is a build that did not run (pnpm run release builds first).
for (const { dir, manifest } of folders) {
  const bins = entryPoints(manifest.bin)
  const missing = [...entryPoints(manifest.exports), ...bins, ...bins.flatMap((bin) => binImports(dir, bin))].filter(
    (file) => !existsSync(join(dir, file))
  )
  if (missing.length > 0)
    fail(`${manifest.name} is not built (${missing.join(", ")} missing): run pnpm run release, which builds first`)
}
// What is published is what git has, and the build: a file in a published folder that git does not
// track (a local .env, an experiment) would go out with the release.
for (const { dir, manifest } of folders) {
  const published = (manifest.files ?? []).filter((entry) => entry !== "dist")
  if (published.length === 0) continue
  const listed = spawnSync("git", ["ls-files", "--others", "-z", "--", ...published], { cwd: dir, encoding: "utf8" })
  if (listed.status !== 0)
    fail(
      `cannot ask git which files of ${manifest.name} it tracks (${(listed.stderr ?? String(listed.error)).trim()}): a release is made from a git checkout`
    )
  const untracked = listed.stdout.split("\0").filter((file) => file !== "")
  if (untracked.length > 0)
    fail(
      `${manifest.name} would publish files git does not track: ${untracked.map((file) => relative(root, join(dir, file))).join(", ")}. Commit them or remove them, then release`
    )
}
const versions = [...new Set(packages.map((manifest) => manifest.version))]
if (versions.length !== 1)
  fail(`the packages carry several versions (${versions.join(", ")}); they are released together`)
const version = versions[0] ?? fail("no package to publish")

const configured = (key: string) => {
  const value = npm(["config", "get", key]).stdout?.trim() ?? ""
  return value === "" || value === "undefined" ? undefined : value
}
const registry = configured("@teo-effect:registry") ?? configured("registry") ?? "https://registry.npmjs.org/"

/** npm's `--json` error: `{ "error": { "code", "summary" } }`, or nothing when its output is not that. */
const npmError = (stdout: string): { readonly code?: unknown; readonly summary?: unknown } | undefined => {
  try {
    const parsed: unknown = JSON.parse(stdout)
    return typeof parsed === "object" && parsed !== null && "error" in parsed && typeof parsed.error === "object"
      ? (parsed.error ?? undefined)
      : undefined
  } catch {
    return undefined
  }
}

/** Whether the registry has this version of the package; fails when the registry cannot say. */
const published = (name: string): boolean => {
  const result = npm(["view", `${name}@${version}`, "version", "--json"])
  const stdout = result.stdout ?? ""
  if (result.status === 0) return stdout.includes(`"${version}"`)
  const error = npmError(stdout)
  if (error?.code === "E404") return false
  const reason =
    ((result.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT" ? "no answer within 60 s" : undefined) ??
    result.error?.message ??
    (typeof error?.summary === "string"
      ? `${typeof error.code === "string" ? `${error.code}: ` : ""}${error.summary}`
      : (`${stdout}${result.stderr ?? ""}`.trim().split("\n")[0] ?? ""))
  return fail(`could not ask ${registry} whether ${name}@${version} is there: ${reason}`)
}

const there = packages.filter((manifest) => published(manifest.name)).map((manifest) => manifest.name)
if (there.length === packages.length)
  fail(
    `nothing published: ${registry} already has ${version} of ${there.join(", ")}.\n` +
      "  A registry takes each version once and refuses it a second time. To release a change, bump the version\n" +
      "  (pnpm changeset, then pnpm run version-packages, commit) and run the release again."
  )
if (there.length > 0) console.log(`${registry} already has ${version} of ${there.join(", ")}: publishing the others.`)

const changeset = spawnSync("pnpm", ["exec", "changeset", "publish", "--no-git-tag"], { cwd: root, stdio: "inherit" })
if (changeset.status !== 0) {
  const now = packages.filter((manifest) => published(manifest.name)).map((manifest) => manifest.name)
  const lacking = packages.map((manifest) => manifest.name).filter((name) => !now.includes(name))
  fail(
    `changeset publish to ${registry} failed (exit ${changeset.status ?? changeset.signal}; its reason is above). ` +
      `${registry} has ${version} of ${now.length > 0 ? now.join(", ") : "none of them"}; not of ${lacking.join(", ")}. ` +
      "Run the release again once the cause is fixed: it publishes only what is missing."
  )
}

const missing = packages.filter((manifest) => !published(manifest.name)).map((manifest) => manifest.name)
if (missing.length > 0) fail(`after changeset publish, ${registry} still lacks ${version} of ${missing.join(", ")}`)
console.log(`✓ ${registry} has ${version} of ${packages.map((manifest) => manifest.name).join(", ")}`)
