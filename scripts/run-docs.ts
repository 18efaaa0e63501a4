/**
 * The docs' programs and tests run, as a reader would paste them, on the
 * release as a registry serves it: release-local.ts publishes the packages to
 * a local registry with the release command (and checks what it serves), then
 * every complete ```ts block — a program (it runs an effect: `runMain`,
 * `runPromise`…) or a test (it imports vitest) — is written into a fresh
 * project outside the repository that installs the packages by name from that
 * registry (`npm_config_registry`), as a user will from the public one, with
 * `effect`, `@effect/platform-node` and the test libraries at the versions
 * this repository pins. A FakeTeo process (`fake-teo`, from the installed
 * `@teo-effect/testing`) plays téo, in its `documented` profile — only what
 * téo documents, none of our guesses about dossier fields: the programs run
 * with the `TEO_*` environment it prints, as the getting-started guide says;
 * each must exit 0 within a minute. The tests run with vitest. Blocks with
 * `declare` are fragments (they type-check in check-docs.ts, they cannot
 * run). The guides (getting started EN and FR, codegen) are followed
 * literally, each in an empty folder of its own, from `npm init` to
 * `npm test` (walk-guide.ts), their install lines as written, by name; the
 * package.json they leave must hold the runtime libraries in dependencies,
 * the tooling in devDependencies, pinned exact.
 *
 * Usage: node scripts/run-docs.ts
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, dirname, join } from "node:path"
import { launchRedisServer } from "@teo-effect/test-support"
import { docBlocks, root } from "./doc-blocks.ts"
import { npmEnvironment } from "./local-registry.ts"
import { publishedPackages } from "./published-packages.ts"
import { releaseLocally } from "./release-local.ts"
import { namedFile, walkGuide } from "./walk-guide.ts"

const isTest = (source: string) => /from "(@effect\/vitest|vitest)"/.test(source)
const isProgram = (source: string) => /\b(runMain|runPromise|runPromiseExit|runFork)\b/.test(source)
/** The guides, followed literally in a project of their own (walk-guide.ts). */
const guides = ["docs/getting-started.md", "docs/fr/demarrage.md", "docs/codegen.md"]
// A block naming its file (`// src/teo.ts`) belongs to a guide's project: it runs there.
const blocks = docBlocks().filter(
  (block) =>
    namedFile(block.source) === undefined &&
    !/^\s*declare /m.test(block.source) &&
    (isTest(block.source) || isProgram(block.source))
)

const fail = (message: string): never => {
  console.error(`✗ ${message}`)
  process.exit(1)
}

const run = (command: string, args: ReadonlyArray<string>, cwd: string, label: string) => {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    timeout: 300_000,
    env: npmEnvironment(registry.installEnv)
  })
  if (result.status !== 0) fail(`${label}\n${result.stdout ?? ""}${result.stderr ?? ""}${result.error ?? ""}`)
  return result.stdout
}

const version = (dir: string, name: string): string => {
  const manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as {
    readonly devDependencies?: Record<string, string>
    readonly dependencies?: Record<string, string>
  }
  const pinned = manifest.devDependencies?.[name] ?? manifest.dependencies?.[name]
  return pinned ?? fail(`${dir}/package.json pins no version of ${name}`)
}

// The release, published to a local registry by the release command; everything below installs from it by name.
const registry = await releaseLocally().catch((error: unknown) =>
  fail(`the release, through a local registry (release-local.ts): ${error instanceof Error ? error.message : error}`)
)
const project = mkdtempSync(join(tmpdir(), "teo-effect-docs-"))
const ours = Object.fromEntries(publishedPackages().map(({ manifest }) => [manifest.name, manifest.version]))

writeFileSync(
  join(project, "package.json"),
  JSON.stringify(
    {
      name: "a-reader-s-project",
      private: true,
      type: "module",
      dependencies: {
        ...ours,
        effect: version(".", "effect"),
        "@effect/platform-node": version("bench", "@effect/platform-node")
      },
      devDependencies: {
        "@effect/vitest": version(".", "@effect/vitest"),
        vitest: version(".", "vitest"),
        typescript: version("scripts", "typescript"),
        "@types/node": version("scripts", "@types/node")
      }
    },
    null,
    2
  )
)
// The guide's setup, as it is written: its tsconfig.json, and its install line's pinned test libraries.
const guide = readFileSync(join(root, "docs", "getting-started.md"), "utf8")
const tsconfig = /```json\n([\s\S]*?)```/.exec(guide)?.[1] ?? fail("docs/getting-started.md has no tsconfig.json block")
writeFileSync(join(project, "tsconfig.json"), tsconfig.replace(/^ {2}/gm, ""))
for (const name of ["vitest", "@effect/vitest"]) {
  const pinned = `${name}@${version(".", name)}`
  if (!guide.includes(pinned))
    fail(`docs/getting-started.md should install ${pinned}, the version this repository tests`)
}
run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], project, "npm install (from the local registry)")
console.log(
  `✓ a fresh project installs ${Object.keys(ours).join(", ")} ${Object.values(ours)[0]} by name from the registry`
)

for (const block of blocks) {
  writeFileSync(join(project, `${block.name}${isTest(block.source) ? ".test" : ""}.ts`), `${block.source}\n`)
}

// Every program and test of the docs type-checks with the guide's tsconfig.json and the released packages.
run(
  process.execPath,
  [join(project, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
  project,
  "tsc with the guide's tsconfig.json"
)
console.log(`✓ the docs' programs and tests type-check with the guide's tsconfig.json`)

/**
 * What the guide's install lines leave in package.json: the libraries an application runs with in
 * `dependencies`, the test and CLI tooling in `devDependencies`, the pinned test libraries exact.
 */
const installed = (manifest: {
  readonly dependencies?: Record<string, string>
  readonly devDependencies?: Record<string, string>
}): ReadonlyArray<string> => {
  const problems: Array<string> = []
  for (const name of ["@teo-effect/auth", "@teo-effect/api", "effect", "@effect/platform-node"])
    if (manifest.dependencies?.[name] === undefined) problems.push(`${name} is not in dependencies`)
  for (const name of [
    "@teo-effect/testing",
    "@teo-effect/cli",
    "vitest",
    "@effect/vitest",
    "typescript",
    "@types/node"
  ]) {
    if (manifest.devDependencies?.[name] === undefined) problems.push(`${name} is not in devDependencies`)
    if (manifest.dependencies?.[name] !== undefined) problems.push(`${name} is in dependencies, for production`)
  }
  for (const name of ["vitest", "@effect/vitest"]) {
    const saved = manifest.devDependencies?.[name] ?? ""
    if (saved !== version(".", name))
      problems.push(`${name} is saved as "${saved}", not the pinned ${version(".", name)}`)
  }
  return problems
}

/** FakeTeo as a process, on a free port, serving only what téo documents; resolves with the environment it prints. */
const startFakeTeo = () =>
  new Promise<{ readonly env: Record<string, string>; readonly process: ChildProcess }>((resolve, reject) => {
    const child = spawn(join(project, "node_modules", ".bin", "fake-teo"), ["--port", "0", "--profile", "documented"], {
      cwd: project
    })
    let out = ""
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8")
      const env = Object.fromEntries(
        [...out.matchAll(/^export (TEO_[A-Z_]+)=(.*)$/gm)].map((match) => [match[1] ?? "", match[2] ?? ""])
      )
      if (env.TEO_PARTNER_JWKS_URL !== undefined) resolve({ env, process: child })
    })
    child.once("exit", (code) => reject(new Error(`fake-teo exited with ${code}`)))
  })

const fake = await startFakeTeo()
// A redis-server for the fleet guide's program (REDIS_URL).
const redis = await launchRedisServer().catch((error: unknown) => fail(String(error)))
const failures: Array<string> = []
try {
  for (const block of blocks.filter((block) => !isTest(block.source))) {
    const result = spawnSync(process.execPath, [`${block.name}.ts`], {
      cwd: project,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, ...fake.env, REDIS_URL: redis.url, NODE_NO_WARNINGS: "1" }
    })
    if (result.status === 0) console.log(`✓ ${block.file}:${block.line} runs`)
    else {
      failures.push(`${block.file}:${block.line}`)
      console.error(`✗ ${block.file}:${block.line} exits with ${result.status}\n${result.stdout}${result.stderr}`)
    }
  }
  // A reader's shell: this Node first on the PATH, none of the npm_* variables `npm test` sets for its scripts.
  const readersEnvironment = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name))),
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`
  }
  for (const file of guides) {
    const walk = walkGuide({
      file,
      root,
      env: { ...readersEnvironment, ...fake.env, ...registry.installEnv },
      replace: {},
      afterwards: (project) => installed(JSON.parse(readFileSync(join(project, "package.json"), "utf8")))
    })
    if (walk.failures.length === 0)
      console.log(`✓ ${file} followed literally in a new folder: its ${walk.steps} command blocks work`)
    else {
      failures.push(file)
      console.error(`✗ ${file}, followed literally:\n${walk.failures.join("\n")}`)
    }
  }
} finally {
  fake.process.kill()
  await redis.stop()
  await registry.stop()
}

const tests = blocks.filter((block) => isTest(block.source))
const vitest = spawnSync(
  process.execPath,
  [join(project, "node_modules", "vitest", "vitest.mjs"), "run", "--reporter=dot"],
  { cwd: project, encoding: "utf8", timeout: 300_000 }
)
if (vitest.status === 0)
  console.log(`✓ ${tests.length} test blocks pass (${tests.map((t) => `${t.file}:${t.line}`).join(", ")})`)
else {
  failures.push("the test blocks")
  console.error(`✗ the test blocks fail\n${vitest.stdout}${vitest.stderr}`)
}

rmSync(project, { recursive: true, force: true })
if (failures.length > 0) fail(`${failures.length} doc block(s) do not run: ${failures.join(", ")}`)
console.log(`✓ ${blocks.length} programs and tests of the docs run on the packages installed from the registry`)
