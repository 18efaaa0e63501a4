/**
 * `@teo-effect/testing` is an optional peer: a production install of `teo`
 * has no FakeTeo. The built package (its bin, dist and package.json) is laid
 * out in a temporary directory with the dependencies an install brings —
 * `dependencies` and the required peers, linked from this workspace — and
 * not the optional peer. There, `teo` works against a téo (here a FakeTeo
 * started by the test), and `--fake` / `TEO_FAKE=1` / `teo fake-server` exit
 * 2 saying what to install. With a testing package that is there but broken
 * — it does not load, it lacks `FakeTeoCommand`, its `make` throws — its own
 * error is reported in one line, not "install it"; at another version than
 * the CLI's, exit 2 saying which version to install. The same word as a
 * flag's value or an argument (`teo get fake-server`) runs as always.
 */

import { spawnSync } from "node:child_process"
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { FakeTeo, type RunningFakeTeo } from "@teo-effect/testing"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { bin, type Run, teo } from "./utils/teo.js"

const packageDir = fileURLToPath(new URL("..", import.meta.url))

interface Manifest {
  readonly version: string
  readonly dependencies?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
  readonly peerDependenciesMeta?: Record<string, { readonly optional?: boolean }>
}

const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as Manifest

/** What an install of the package brings: its dependencies and its required peers. */
const installed = [
  ...Object.keys(manifest.dependencies ?? {}),
  ...Object.keys(manifest.peerDependencies ?? {}).filter(
    (name) => manifest.peerDependenciesMeta?.[name]?.optional !== true
  )
]

const work = mkdtempSync(join(tmpdir(), "teo-cli-without-testing-"))

/** A stand-in `@teo-effect/testing`: its version and its `index.js`. */
interface Testing {
  readonly version: string
  readonly index: string
}

/**
 * The package as installed in `name/`, with its dependencies linked but not
 * `@teo-effect/testing` — or, with `testing`, a stand-in one (a broken
 * package, another version). Returns the bin to run.
 */
const layOut = (name: string, testing?: Testing): string => {
  const root = join(work, name, "node_modules", "@teo-effect", "cli")
  mkdirSync(root, { recursive: true })
  for (const entry of ["bin", "dist", "package.json"])
    cpSync(join(packageDir, entry), join(root, entry), { recursive: true })
  const modules = join(work, name, "node_modules")
  for (const dependency of installed) {
    const link = join(modules, ...dependency.split("/"))
    mkdirSync(dirname(link), { recursive: true })
    symlinkSync(realpathSync(join(packageDir, "node_modules", ...dependency.split("/"))), link)
  }
  if (testing !== undefined) {
    const dir = join(modules, "@teo-effect", "testing")
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "@teo-effect/testing",
        version: testing.version,
        type: "module",
        exports: { ".": "./index.js", "./package.json": "./package.json" }
      })
    )
    writeFileSync(join(dir, "index.js"), testing.index)
  }
  return join(root, "bin", "teo.js")
}

/** An index that fails to load for a reason of its own: a dependency missing. */
const unloadable = 'import "jose-not-installed"\n'

let absent: string
let broken: string
let hollow: string
let throwing: string
let older: string
let olderBroken: string
let fake: RunningFakeTeo

beforeAll(async () => {
  // The setup must hold, or the test proves nothing: it fails here rather than skip.
  assert.isTrue(existsSync(bin), `${bin} is missing: build first (pnpm exec tsc -b; npm test does)`)
  assert.include(installed, "@teo-effect/auth")
  assert.notInclude(installed, "@teo-effect/testing")
  assert.strictEqual(manifest.peerDependenciesMeta?.["@teo-effect/testing"]?.optional, true)
  assert.isUndefined(manifest.dependencies?.["@teo-effect/testing"])
  absent = layOut("absent")
  broken = layOut("broken", { version: manifest.version, index: unloadable })
  hollow = layOut("hollow", { version: manifest.version, index: "export const FakeTeo = {}\n" })
  throwing = layOut("throwing", {
    version: manifest.version,
    index: 'export const FakeTeoCommand = { make() { throw new Error("make failed on purpose") } }\n'
  })
  older = layOut("older", { version: "0.0.9", index: "export const FakeTeo = {}\n" })
  olderBroken = layOut("older-broken", { version: "0.0.9", index: unloadable })
  // Node.js itself, from where the bin is and in the environment teo runs in (no NODE_PATH), finds none.
  const resolved = spawnSync(process.execPath, ["-e", 'require.resolve("@teo-effect/testing")'], {
    cwd: dirname(dirname(absent)),
    env: { PATH: process.env.PATH ?? "" },
    encoding: "utf8"
  })
  assert.notStrictEqual(resolved.status, 0, "@teo-effect/testing resolves from the temporary install")
  assert.include(resolved.stderr, "Cannot find module '@teo-effect/testing'")
  fake = await FakeTeo.start({ dossiers: 3 })
})

afterAll(async () => {
  await fake?.close()
  rmSync(work, { recursive: true, force: true })
})

const installHint = `npm install -D --save-exact @teo-effect/testing@${manifest.version} (or, for one run without installing: npx -p @teo-effect/cli@${manifest.version} -p @teo-effect/testing@${manifest.version} teo …)`

/** A usage error, not a crash: exit 2, the message, nothing on stdout, no stack trace. */
const assertNeedsTesting = (run: Run, feature: string) => {
  assert.strictEqual(run.code, 2, run.stderr)
  assert.include(run.stderr, `teo: ${feature} needs @teo-effect/testing: ${installHint}`)
  assert.strictEqual(run.stdout, "")
  assert.notInclude(run.stderr, "unexpected error")
  assert.notMatch(run.stderr, /^\s+at /m)
}

describe("teo without @teo-effect/testing (an optional peer)", () => {
  it("works against a téo; --help still lists fake-server", async () => {
    const listed = await teo(["dossiers", "list", "--format", "json"], fake.env, absent)
    assert.strictEqual(listed.code, 0, listed.stderr)
    assert.lengthOf(JSON.parse(listed.stdout) as Array<unknown>, 3)
    const help = await teo(["--help"], {}, absent)
    assert.strictEqual(help.code, 0, help.stderr)
    assert.match(help.stdout, /^\s+fake-server\s+Run FakeTeo/m)
    const missing = await teo(["token"], {}, absent)
    assert.strictEqual(missing.code, 2)
    assert.include(missing.stderr, "no téo credentials")
  })

  it("--fake and TEO_FAKE=1 exit 2 saying what to install, naming TEO_FAKE as it is set", async () => {
    assertNeedsTesting(await teo(["--fake", "dossiers", "list"], {}, absent), "--fake")
    assertNeedsTesting(await teo(["token"], { TEO_FAKE: "1" }, absent), "TEO_FAKE=1")
    assertNeedsTesting(await teo(["token"], { TEO_FAKE: "true" }, absent), "TEO_FAKE=true")
    assertNeedsTesting(await teo(["token"], { TEO_FAKE: "yes" }, absent), "TEO_FAKE=yes")
  })

  it("teo fake-server exits 2 saying what to install, with its flags or without", async () => {
    assertNeedsTesting(await teo(["fake-server"], {}, absent), "teo fake-server")
    assertNeedsTesting(
      await teo(["fake-server", "--port", "0", "--profile", "documented"], {}, absent),
      "teo fake-server"
    )
  })

  it("a @teo-effect/testing that is there but does not load: its own error, not the install hint", async () => {
    for (const args of [
      ["--fake", "token"],
      ["fake-server", "--port", "0"],
      ["--log-level", "debug", "fake-server"],
      ["--fake", "false", "fake-server"]
    ]) {
      const run = await teo(args, {}, broken)
      assert.strictEqual(run.code, 1, run.stderr)
      assert.include(
        run.stderr,
        "teo: @teo-effect/testing is installed but could not be loaded: Cannot find package 'jose-not-installed'"
      )
      assert.notInclude(run.stderr, "npm install")
      assert.notMatch(run.stderr, /^\s+at /m)
    }
  })

  it("a @teo-effect/testing without FakeTeoCommand, or whose make throws: one line, exit 1", async () => {
    for (const [install, reason] of [
      [hollow, "it has no FakeTeoCommand.make"],
      [throwing, "make failed on purpose"]
    ] as const) {
      for (const args of [["fake-server"], ["fake-server", "--port", "0"]]) {
        const run = await teo(args, {}, install)
        assert.strictEqual(run.code, 1, run.stderr)
        assert.strictEqual(
          run.stderr,
          `teo: @teo-effect/testing is installed but could not be loaded: ${reason}\n`,
          args.join(" ")
        )
        assert.strictEqual(run.stdout, "")
      }
    }
  })

  it("fake-server as a flag's value or an argument runs as always, whatever the testing package", async () => {
    for (const install of [broken, hollow]) {
      const got = await teo(["get", "fake-server"], {}, install)
      assert.strictEqual(got.code, 2, got.stderr)
      assert.include(got.stderr, "teo: no téo credentials")
      const valued = await teo(["--teo-id", "fake-server", "token"], {}, install)
      assert.strictEqual(valued.code, 2, valued.stderr)
      assert.include(valued.stderr, "teo: incomplete credentials")
      for (const run of [got, valued]) assert.notInclude(run.stderr, "@teo-effect/testing")
    }
  })

  it("a @teo-effect/testing at another version than the CLI's: exit 2, the version to install", async () => {
    for (const install of [older, olderBroken]) {
      for (const [args, env, feature] of [
        [["--fake", "dossiers", "list"], {}, "--fake"],
        [["token"], { TEO_FAKE: "1" }, "TEO_FAKE=1"],
        [["fake-server", "--port", "0"], {}, "teo fake-server"]
      ] as const) {
        const run = await teo(args, env, install)
        assert.strictEqual(run.code, 2, run.stderr)
        assert.strictEqual(
          run.stderr,
          `teo: ${feature} needs @teo-effect/testing ${manifest.version}, found 0.0.9: ${installHint}\n`
        )
        assert.strictEqual(run.stdout, "")
      }
    }
  })
})
