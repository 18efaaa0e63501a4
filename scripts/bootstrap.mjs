// Bootstrap behind the README's commands (`npm test`, …), in the spirit of `./mvnw`.
//
//   node scripts/bootstrap.mjs <pnpm script> [args…]
//   node scripts/bootstrap.mjs <file.ts> [args…]    (run by that Node itself, not through pnpm)
//
// 1. Node: the repository needs Node >= 22.19. When the Node running this file is older, Node 24
//    is installed from the npm registry (package `node-<platform>-<arch>`) into `.toolchain/`.
//    TEO_NODE_MAJOR=22 (say) selects another major, for CI.
// 2. pnpm: the version of `packageManager` in package.json, installed into `.toolchain/` with npm
//    (pure JavaScript; no corepack, no global install), and a `pnpm` shim on PATH for scripts.
// 3. `pnpm install --frozen-lockfile`, then `pnpm run <script>` with that Node first on PATH, or
//    `node <file.ts>` for a command that ends on Ctrl-C (`release:local --serve`): pnpm reports an
//    interrupted script as failed, whatever it exits with.
//
// Idempotent: once `.toolchain/` and node_modules are in place it only checks them. Written for
// Node 18 and later, with no dependencies: it is what runs before anything is installed.
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { delimiter, dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const toolchain = join(root, ".toolchain")
const floor = [22, 19, 0]
const defaultMajor = 24

const say = (message) => process.stderr.write(`bootstrap: ${message}\n`)
const fail = (message) => {
  say(message)
  process.exit(1)
}

const parseVersion = (version) => version.replace(/^v/, "").split(".").map(Number)
const isAtLeast = (version, minimum) => {
  const parts = parseVersion(version)
  for (let i = 0; i < minimum.length; i++) {
    if ((parts[i] ?? 0) !== minimum[i]) return (parts[i] ?? 0) > minimum[i]
  }
  return true
}

/** Runs npm (the one that started us when there is one) and returns its result, output captured. */
const npm = (args) => {
  const npmCli = process.env.npm_execpath
  const [command, prefix] =
    npmCli && /npm-cli\.c?js$/.test(npmCli)
      ? [process.execPath, [npmCli]]
      : [process.platform === "win32" ? "npm.cmd" : "npm", []]
  return spawnSync(command, [...prefix, ...args], { encoding: "utf8", shell: process.platform === "win32" })
}

const networkErrorPattern =
  /E(NOTFOUND|CONNREFUSED|CONNRESET|TIMEDOUT|AI_AGAIN|HOSTUNREACH|NETUNREACH)|network|socket hang up|fetch failed/i

/** Installs one npm package into `.toolchain/<name>` (atomically: a half-done install is never used). */
const installIntoToolchain = (name, spec) => {
  const target = join(toolchain, name)
  const partial = `${target}.partial-${process.pid}`
  rmSync(partial, { recursive: true, force: true })
  mkdirSync(partial, { recursive: true })
  writeFileSync(join(partial, "package.json"), "{}\n")
  const started = Date.now()
  const result = npm([
    "install",
    "--prefix",
    partial,
    "--no-audit",
    "--no-fund",
    "--no-package-lock",
    "--loglevel=error",
    // Fail within seconds, not minutes, when the registry cannot be reached.
    "--fetch-retry-mintimeout=1000",
    "--fetch-retry-maxtimeout=4000",
    spec
  ])
  if (result.status !== 0) {
    rmSync(partial, { recursive: true, force: true })
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}`
    const registry = (npm(["config", "get", "registry"]).stdout ?? "").trim() || "the npm registry"
    const firstError = output.split("\n").find((line) => /error|ERR!/i.test(line)) ?? output.split("\n")[0] ?? ""
    fail(
      networkErrorPattern.test(output)
        ? `could not reach ${registry} to install ${spec}.\n  npm said: ${firstError.trim()}\n  Check the network (or npm's proxy and registry settings) and run the command again.`
        : `npm could not install ${spec} from ${registry}.\n  npm said: ${firstError.trim()}`
    )
  }
  rmSync(target, { recursive: true, force: true })
  renameSync(partial, target)
  say(`installed ${spec} into ${relative(root, target)} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return target
}

const versionOf = (nodeBinary) => {
  if (!existsSync(nodeBinary)) return undefined
  const result = spawnSync(nodeBinary, ["--version"], { encoding: "utf8" })
  return result.status === 0 ? result.stdout.trim() : undefined
}

/** The Node binary to run everything with. */
const ensureNode = () => {
  const requested = process.env.TEO_NODE_MAJOR
  if (requested !== undefined && requested !== "" && !/^\d+$/.test(requested)) {
    fail(`TEO_NODE_MAJOR must be a Node major version such as 22 or 24, got ${JSON.stringify(requested)}.`)
  }
  const major = requested ? Number(requested) : undefined
  if (major !== undefined && major < floor[0]) {
    fail(`TEO_NODE_MAJOR=${major} is below the supported floor, Node ${floor.join(".")}.`)
  }
  const current = process.versions.node
  if (
    major === undefined ? isAtLeast(current, floor) : parseVersion(current)[0] === major && isAtLeast(current, floor)
  ) {
    return process.execPath
  }

  const wanted = major ?? defaultMajor
  if (process.platform === "win32") {
    fail(
      `Node ${current} is too old and no Node can be fetched automatically on Windows: install Node >= ${floor.join(".")}.`
    )
  }
  const packageName = `node-${process.platform}-${process.arch}`
  const dir = join(toolchain, `node-${wanted}`)
  const binary = join(dir, "node_modules", packageName, "bin", "node")
  const installed = versionOf(binary)
  if (installed !== undefined && parseVersion(installed)[0] === wanted && isAtLeast(installed, floor)) {
    return binary
  }
  say(
    major === undefined
      ? `Node ${current} is older than ${floor.join(".")}: installing Node ${wanted} from the npm registry (once).`
      : `TEO_NODE_MAJOR=${wanted}: installing Node ${wanted} from the npm registry (once).`
  )
  installIntoToolchain(`node-${wanted}`, `${packageName}@${wanted}`)
  const version = versionOf(binary)
  if (version === undefined || !isAtLeast(version, floor)) {
    fail(`the installed ${packageName}@${wanted} does not run here (${binary}).`)
  }
  return binary
}

/** pnpm's entry point, installed once into `.toolchain/`, plus a `pnpm` shim for scripts. */
const ensurePnpm = () => {
  const { packageManager } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
  const version = /^pnpm@(\d+\.\d+\.\d+)/.exec(packageManager ?? "")?.[1]
  if (version === undefined) fail(`package.json has no "packageManager": "pnpm@x.y.z" (found ${packageManager}).`)
  const name = `pnpm-${version}`
  const entry = join(toolchain, name, "node_modules", "pnpm", "bin", "pnpm.cjs")
  if (!existsSync(entry)) installIntoToolchain(name, `pnpm@${version}`)
  const shims = join(toolchain, "bin")
  const shim = join(shims, "pnpm")
  const script = `#!/bin/sh\nexec node "${entry}" "$@"\n`
  if (!existsSync(shim) || readFileSync(shim, "utf8") !== script) {
    mkdirSync(shims, { recursive: true })
    writeFileSync(shim, script, { mode: 0o755 })
  }
  return { entry, shims }
}

/**
 * A tool that test suites run for real, by its binary: when it is missing, its Debian package is
 * installed with apt-get where that is possible (Debian-like, as root); otherwise one line says what
 * to install, and the suites that need it fail saying the same.
 */
const aptEnsure = ({ binary, pkg, why, suites, elsewhere }) => {
  if (spawnSync(binary, ["--version"], { encoding: "utf8" }).status === 0) return
  const canApt = process.getuid?.() === 0 && spawnSync("apt-get", ["--version"], { encoding: "utf8" }).status === 0
  if (!canApt) {
    say(`${binary} is not installed, and cannot be installed here: ${suites} will fail.`)
    say(`Install it (Debian/Ubuntu: sudo apt-get install ${pkg}; ${elsewhere}), then run again.`)
    return
  }
  say(`installing ${pkg} with apt-get (${why})…`)
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
  const aptInstall = () =>
    spawnSync("apt-get", ["install", "-y", "--no-install-recommends", pkg], { env: aptEnv, stdio: "inherit" })
  if (aptInstall().status !== 0) {
    spawnSync("apt-get", ["update"], { env: aptEnv, stdio: "inherit" })
    if (aptInstall().status !== 0) say(`apt-get could not install ${pkg}: ${suites} will fail.`)
  }
}

/** redis-server, for the test suites of the shared token store (a real Redis, never a mock). */
const ensureRedis = () =>
  aptEnsure({
    binary: "redis-server",
    pkg: "redis-server",
    why: "the token-store tests run a real Redis",
    suites: "the Redis suites",
    elsewhere: "macOS: brew install redis"
  })

/**
 * Chromium, for the partner-app's browser test (driven by playwright-core, which downloads no
 * browser): Debian's, at /usr/bin/chromium, unless TEO_CHROMIUM names another binary.
 */
const ensureChromium = () => {
  if (process.env.TEO_CHROMIUM !== undefined) return
  aptEnsure({
    binary: "/usr/bin/chromium",
    pkg: "chromium",
    why: "the partner-app's browser test opens a partner link in a real Chromium",
    suites: "the partner-app's browser test",
    elsewhere: "elsewhere: set TEO_CHROMIUM to a Chromium or Chrome binary"
  })
}

const [script, ...args] = process.argv.slice(2)
if (script === undefined) fail("usage: node scripts/bootstrap.mjs <pnpm script | file.ts> [args…]")
if (script === "verify") {
  ensureRedis()
  ensureChromium()
}

const node = ensureNode()
const pnpm = ensurePnpm()
if (node !== process.execPath) say(`using Node ${versionOf(node)} from ${relative(root, dirname(node))}`)

const env = {
  ...process.env,
  PATH: [pnpm.shims, dirname(node), process.env.PATH].filter(Boolean).join(delimiter),
  // Pact and its dependencies phone home unless told not to.
  PACT_DO_NOT_TRACK: process.env.PACT_DO_NOT_TRACK ?? "true",
  SCARF_ANALYTICS: process.env.SCARF_ANALYTICS ?? "false"
}
const runPnpm = (pnpmArgs) => spawnSync(node, [pnpm.entry, ...pnpmArgs], { cwd: root, env, stdio: "inherit" })

const install = runPnpm(["install", "--frozen-lockfile"])
if (install.status !== 0) {
  fail(
    "`pnpm install --frozen-lockfile` failed (see above). When it could not reach the registry, check the network " +
      "(or npm's proxy and registry settings); when the lockfile is out of date, run `pnpm install` and commit pnpm-lock.yaml."
  )
}

// The command decides what a signal means (`release:local --serve` stops and succeeds); this process,
// as a shell does, waits for it and ends as it ended. Ctrl-C reaches the whole process group, the
// command included; SIGTERM and SIGHUP may be sent to this process alone, so they are passed on.
const command = script.endsWith(".ts")
  ? spawn(node, [join(root, script), ...args], {
      cwd: root,
      env: { ...env, PATH: [join(root, "node_modules", ".bin"), env.PATH].join(delimiter) },
      stdio: "inherit"
    })
  : spawn(node, [pnpm.entry, "run", script, ...args], { cwd: root, env, stdio: "inherit" })
const signals = ["SIGINT", "SIGTERM", "SIGHUP"]
const passOn = (signal) => {
  if (signal !== "SIGINT") command.kill(signal)
}
for (const signal of signals) process.on(signal, passOn)
command.once("error", (error) => fail(`could not run ${script}: ${error.message}`))
command.once("exit", (code, signal) => {
  for (const name of signals) process.removeListener(name, passOn)
  if (signal !== null) process.kill(process.pid, signal)
  process.exit(code ?? 1)
})
