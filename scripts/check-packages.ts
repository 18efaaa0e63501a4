/**
 * Checks the published packages as a user would receive them: each package is
 * packed with `pnpm pack`, the tarball is linted by publint and by "Are the
 * Types Wrong?", and a small consumer project that imports the unpacked
 * tarballs is type-checked with TypeScript 5.9 (effect's minimum), not the
 * TypeScript 7 the repository builds with. Before that, each package's
 * metadata as npm shows it: `repository` (with the package's `directory`),
 * `homepage` and `bugs` set, and a README whose links are all absolute (npm's
 * page cannot follow a relative one).
 *
 * Usage: node scripts/check-packages.ts
 */
import { spawnSync } from "node:child_process"
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from "node:fs"
import { join, relative, sep } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const work = join(root, ".tmp", "package-checks")

const packageDirs = readdirSync(join(root, "packages"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(root, "packages", entry.name))

const failures: Array<string> = []

/** Runs a step; its standard output when it passed, `undefined` when it failed (and was reported). */
const run = (label: string, command: string, args: ReadonlyArray<string>, cwd = root): string | undefined => {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" })
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim()
  if (result.status !== 0) {
    failures.push(label)
    console.error(`✗ ${label}\n${output || String(result.error)}\n`)
    return undefined
  }
  console.log(`✓ ${label}`)
  return result.stdout ?? ""
}

/** The tools of the `scripts` workspace package, so `tsc` here is TypeScript 5.9, not the root's 7. */
const bin = (name: string) => join(root, "scripts", "node_modules", ".bin", name)

interface Metadata {
  readonly name: string
  readonly private?: boolean
  readonly repository?: { readonly type?: string; readonly url?: string; readonly directory?: string }
  readonly homepage?: string
  readonly bugs?: { readonly url?: string }
}

/** What is missing from a published package's metadata for npm's page to link back to the repository. */
const metadataProblems = (dir: string, manifest: Metadata): ReadonlyArray<string> => {
  const directory = relative(root, dir).split(sep).join("/")
  const problems: Array<string> = []
  const { repository, homepage, bugs } = manifest
  if (repository?.type !== "git" || !repository.url?.startsWith("git+https://")) {
    problems.push(`"repository" must be { "type": "git", "url": "git+https://…" }`)
  }
  if (repository?.directory !== directory) problems.push(`"repository.directory" must be "${directory}"`)
  if (homepage === undefined || !/^https:\/\//.test(homepage)) problems.push(`"homepage" must be an https URL`)
  if (bugs?.url === undefined || !/^https:\/\//.test(bugs.url)) problems.push(`"bugs.url" must be an https URL`)
  const readme = join(dir, "README.md")
  if (!existsSync(readme)) problems.push("no README.md")
  else {
    readFileSync(readme, "utf8")
      .split("\n")
      .forEach((line, index) => {
        for (const match of line.matchAll(/\]\(([^)\s]+)\)|^\s*\[[^\]]+\]:\s*(\S+)/g)) {
          const target = match[1] ?? match[2] ?? ""
          if (!/^(?:[a-z][a-z+.-]*:|#)/i.test(target)) {
            problems.push(
              `README.md:${index + 1}: relative link ${target} (npm's page cannot follow it; use https://…)`
            )
          }
        }
      })
  }
  return problems
}

for (const dir of packageDirs) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Metadata
  if (manifest.private === true) continue
  const problems = metadataProblems(dir, manifest)
  if (problems.length > 0) {
    failures.push(`${manifest.name}: metadata`)
    console.error(`✗ ${manifest.name}: metadata\n${problems.map((problem) => `  ${problem}`).join("\n")}\n`)
  } else console.log(`✓ ${manifest.name}: repository, homepage, bugs; README links absolute`)
}

rmSync(work, { recursive: true, force: true })
mkdirSync(join(work, "packs"), { recursive: true })

// Fresh build outputs: `tsc -b` is incremental, so this is quick when nothing changed.
run("build (tsc -b)", process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-b"])

const consumerModules = join(work, "consumer", "node_modules")

for (const dir of packageDirs) {
  const { name } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string }
  const packed = run(`${name}: pnpm pack`, "pnpm", ["pack", "--json", "--pack-destination", join(work, "packs")], dir)
  if (packed === undefined) continue
  const tarball = (JSON.parse(packed) as { filename: string }).filename

  run(`${name}: publint`, bin("publint"), ["run", tarball, "--strict"])
  run(`${name}: attw`, bin("attw"), [tarball, "--profile", "esm-only", "--format", "table-flipped", "--no-emoji"])

  const target = join(consumerModules, ...name.split("/"))
  mkdirSync(target, { recursive: true })
  run(`${name}: unpack`, "tar", ["-xzf", tarball, "-C", target, "--strip-components=1"])
}

// The consumer: its own tsconfig, the unpacked tarballs, the repository's effect, and the packages'
// own dependencies (jose…) as an install would bring them.
mkdirSync(join(consumerModules, "@types"), { recursive: true })
symlinkSync(realpathSync(join(root, "node_modules", "effect")), join(consumerModules, "effect"))
for (const dir of packageDirs) {
  const { dependencies = {} } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>
  }
  for (const dependency of Object.keys(dependencies)) {
    const link = join(consumerModules, ...dependency.split("/"))
    if (dependency.startsWith("@teo-effect/") || existsSync(link)) continue
    mkdirSync(join(link, ".."), { recursive: true })
    symlinkSync(realpathSync(join(dir, "node_modules", ...dependency.split("/"))), link)
  }
}
symlinkSync(realpathSync(join(root, "node_modules", "@types", "node")), join(consumerModules, "@types", "node"))
cpSync(join(root, "scripts", "consumer"), join(work, "consumer"), { recursive: true })
writeFileSync(
  join(work, "consumer", "package.json"),
  JSON.stringify({ name: "consumer", private: true, type: "module" })
)
const version = run("TypeScript for the consumer", bin("tsc"), ["--version"])?.trim()
run(`consumer type-check (${version})`, bin("tsc"), ["-p", join(work, "consumer")])

if (failures.length > 0) {
  console.error(`\n${failures.length} package check(s) failed: ${failures.join(", ")}`)
  process.exit(1)
}
