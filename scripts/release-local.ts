/**
 * The release, through a real registry: `npm run release:local` starts a
 * local registry (local-registry.ts: verdaccio, a free loopback port, a
 * throwaway storage, a publishing token), runs the project's release command,
 * `pnpm run release`, against it — the command that publishes to the public
 * registry, with only the registry URL and the token changed — then checks
 * what the registry serves, and stops it:
 *
 * - `npm view` of each package: its version, `exports`, `bin`, `engines`,
 *   dependencies and peer ranges as its package.json says (`workspace:^`
 *   become `^<version>`), its README, its tarball served from this registry;
 * - `npx @teo-effect/cli --version`, in an empty folder, prints the version;
 *   `--fake` there exits 2 naming the npx form that brings
 *   `@teo-effect/testing`, and that form lists dossiers;
 * - `npm install @teo-effect/api` alone, in an empty folder, brings
 *   `@teo-effect/auth` and nothing of `@teo-effect/testing` or
 *   `@teo-effect/cli`, and the package imports;
 * - a second `pnpm run release` of the same version is refused, says so, and
 *   changes nothing; `pnpm publish` of it, bypassing the release, is refused
 *   by the registry.
 *
 * With `--serve` the registry stays up after the checks, for installing the
 * release by name in a project of your own (the getting-started guide, § 1):
 * it prints the `export npm_config_registry=…` line to use; Ctrl-C stops it.
 * run-docs.ts uses the same release and checks before following the docs.
 *
 * With `--port <n>` as well, it serves on that port rather than a free one:
 * the same address from one run to the next, so a lockfile made against it
 * (which records the address) installs again after a restart.
 *
 * Usage: npm run release:local [-- --serve [--port <n>]]
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { fileURLToPath } from "node:url"
import { isDeepStrictEqual } from "node:util"
import { interruptedLine, type LocalRegistry, npmEnvironment, startLocalRegistry } from "./local-registry.ts"
import { publishedPackages } from "./published-packages.ts"

const root = fileURLToPath(new URL("..", import.meta.url))

/** A failed step of the release, with what the commands said. */
export class ReleaseFailure extends Error {}

/** A command of the release ended by a signal, which reached this process too (Ctrl-C reaches the whole group). */
export class Interrupted extends ReleaseFailure {
  readonly signal: NodeJS.Signals
  constructor(signal: NodeJS.Signals) {
    super(`interrupted (${signal})`)
    this.signal = signal
  }
}

/** The exit codes npm and pnpm end with when a signal interrupts them: 128 + its number. */
const signalled: Readonly<Record<number, NodeJS.Signals>> = { 129: "SIGHUP", 130: "SIGINT", 143: "SIGTERM" }

const output = (result: SpawnSyncReturns<string>) =>
  `${result.stdout ?? ""}${result.stderr ?? ""}${result.error === undefined ? "" : `\n${result.error.message}`}`

/** changesets' spinner frames and the terminal's control sequences, out of a captured output. */
const readable = (text: string) =>
  text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal control sequences are what is removed
    .split(/\x1b\[1G\x1b\[J|\n/)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal control sequences are what is removed
    .map((line) => line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").trimEnd())
    .filter((line) => line !== "" && !/^[◒◐◓◑]/.test(line))
    .join("\n")

/** Prints each line as passed when there is no problem; the problems. */
const passed = (problems: ReadonlyArray<string>, ...lines: ReadonlyArray<string>) => {
  if (problems.length === 0) for (const line of lines) console.log(`✓ ${line}`)
  return problems
}

const indent = (text: string) => text.replace(/^/gm, "    ")

/**
 * Runs a command to its end (5 minutes at most). One that a signal ended is an interruption, not
 * a failed check: while a command runs, this process's own signal handlers cannot (it is blocked),
 * and the signal that ended the command reached it too.
 */
export const run = (
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env: Readonly<Record<string, string>> }
) => {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    encoding: "utf8",
    timeout: 300_000,
    env: npmEnvironment(options.env)
  })
  const signal = result.error === undefined ? (result.signal ?? signalled[result.status ?? 0]) : undefined
  if (signal !== undefined && signal !== null) throw new Interrupted(signal)
  return result
}

/** Lets a signal that arrived while a command ran reach its handler (local-registry.ts: stop, clean up, end). */
const tick = () => new Promise((resolve) => setImmediate(resolve))

/** Runs `pnpm run release` against the registry; what it printed, readable. */
const releaseTo = (registry: LocalRegistry) => {
  const result = run("pnpm", ["run", "release"], { cwd: root, env: registry.publishEnv })
  return { ok: result.status === 0, said: readable(output(result)) }
}

/**
 * Publishing must go to the local registry and nowhere else, for npm (which publish.ts asks) and
 * pnpm (which publishes), from the root and from each package's folder, where changesets runs
 * `pnpm publish`: a scoped registry in a global npmrc, a package's own `.npmrc` or its
 * `publishConfig.registry` would send the upload, with whatever token that config names, elsewhere.
 * And installing must read `@teo-effect/*` from it (a scope in the user's ~/.npmrc would not).
 */
export const pointsAtLocal = (
  registry: Pick<LocalRegistry, "url" | "publishEnv" | "installEnv">,
  packages = publishedPackages()
) => {
  const problems: Array<string> = []
  for (const { dir, manifest } of packages) {
    for (const key of Object.keys(manifest.publishConfig ?? {}).filter((key) => /registry$/.test(key)))
      problems.push(
        `packages/${basename(dir)}/package.json sets publishConfig.${key}: the release would not go where npm is configured`
      )
  }
  const where = (env: Readonly<Record<string, string>>, cwd: string, tool: string, key: string) =>
    run(tool, ["config", "get", key], { cwd, env }).stdout.trim()
  for (const cwd of [root, ...packages.map(({ dir }) => dir)])
    for (const tool of ["npm", "pnpm"])
      for (const key of ["registry", "@teo-effect:registry"]) {
        const value = where(registry.publishEnv, cwd, tool, key)
        const unset = key !== "registry" && (value === "undefined" || value === "")
        if (value !== registry.url && !unset)
          problems.push(
            `in ${cwd === root ? "the repository" : `packages/${basename(cwd)}`}, ${tool}'s ${key} is ${value || "(nothing)"}, not the local registry`
          )
      }
  const scoped = where(registry.installEnv, tmpdir(), "npm", "@teo-effect:registry")
  if (scoped !== "undefined" && scoped !== "" && scoped !== registry.url)
    problems.push(
      `your npm config sets @teo-effect:registry to ${scoped} (npm config get @teo-effect:registry; ~/.npmrc?): installs would take @teo-effect/* from there, not from the local registry. Remove it (npm config delete @teo-effect:registry)`
    )
  if (problems.length > 0)
    throw new ReleaseFailure(
      `nothing was published to ${registry.url}:\n${problems.map((problem) => `  ${problem}`).join("\n")}`
    )
}

const view = (registry: LocalRegistry, spec: string, field?: string): unknown => {
  const result = run("npm", ["view", spec, ...(field === undefined ? [] : [field]), "--json"], {
    cwd: tmpdir(),
    env: registry.installEnv
  })
  if (result.status !== 0) throw new ReleaseFailure(`npm view ${spec} failed\n${indent(output(result))}`)
  try {
    return JSON.parse(result.stdout)
  } catch {
    throw new ReleaseFailure(`npm view ${spec} printed no JSON\n${indent(output(result))}`)
  }
}

/** What the registry should show for a range in package.json: pnpm publish writes `workspace:^` as `^<version>`. */
const published = (ranges: Readonly<Record<string, string>> | undefined, version: string) =>
  ranges === undefined
    ? undefined
    : Object.fromEntries(
        Object.entries(ranges).map(([name, range]) => [
          name,
          range === "workspace:^" ? `^${version}` : range === "workspace:*" ? version : range
        ])
      )

const withoutDotSlash = (bin: unknown) =>
  typeof bin === "object" && bin !== null
    ? Object.fromEntries(Object.entries(bin).map(([name, path]) => [name, String(path).replace(/^\.\//, "")]))
    : bin

/** `npm view` of each package against its package.json; the problems found. */
const checkViews = (registry: LocalRegistry, version: string): ReadonlyArray<string> =>
  publishedPackages().flatMap(({ dir, manifest }) => {
    const shown = view(registry, `${manifest.name}@${version}`) as Record<string, unknown>
    const problems: Array<string> = []
    const expect = (field: string, actual: unknown, expected: unknown) => {
      if (!isDeepStrictEqual(actual, expected))
        problems.push(
          `${manifest.name}: npm view shows ${field} ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`
        )
    }
    expect("version", shown.version, version)
    expect("exports", shown.exports, manifest.exports)
    // npm writes a bin's path without its leading `./`.
    expect("bin", shown.bin, withoutDotSlash(manifest.bin))
    expect("engines", shown.engines, manifest.engines)
    expect("dependencies", shown.dependencies, published(manifest.dependencies, version))
    expect("peerDependencies", shown.peerDependencies, published(manifest.peerDependencies, version))
    const tarball = (shown.dist as { readonly tarball?: unknown } | undefined)?.tarball
    if (typeof tarball !== "string" || !tarball.startsWith(registry.url))
      problems.push(`${manifest.name}: its tarball is not served by the local registry (${String(tarball)})`)
    const readme = view(registry, manifest.name, "readme")
    if (typeof readme !== "string" || readme.trim() !== readOr(join(dir, "README.md")).trim())
      problems.push(`${manifest.name}: npm view shows no README, or not packages/${dir.split("/").pop()}/README.md`)
    return problems
  })

const readOr = (file: string) => {
  try {
    return readFileSync(file, "utf8")
  } catch {
    return "(missing)"
  }
}

const inEmptyFolder = <A>(name: string, f: (folder: string) => A): A => {
  const folder = mkdtempSync(join(tmpdir(), `teo-effect-${name}-`))
  try {
    return f(folder)
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

/** In an empty folder: `npx @teo-effect/cli --version` prints the version; `--fake` asks for the npx form that works. */
const checkNpx = (registry: LocalRegistry, version: string): ReadonlyArray<string> =>
  inEmptyFolder("npx", (folder) => {
    const npx = (args: ReadonlyArray<string>) =>
      run("npx", ["--yes", ...args], { cwd: folder, env: registry.installEnv })
    const problems: Array<string> = []
    const result = npx(["@teo-effect/cli", "--version"])
    if (result.status !== 0 || result.stdout.trim() !== `teo v${version}`)
      problems.push(
        `npx @teo-effect/cli --version printed ${JSON.stringify(result.stdout.trim())} (exit ${result.status})\n${indent(output(result))}`
      )
    // Without @teo-effect/testing, --fake names the npx form that brings it; that form works.
    const alone = npx(["@teo-effect/cli", "--fake", "dossiers", "list", "--limit", "1"])
    const form = `npx -p @teo-effect/cli@${version} -p @teo-effect/testing@${version} teo`
    if (alone.status !== 2 || !alone.stderr.includes(form))
      problems.push(
        `npx @teo-effect/cli --fake did not exit 2 naming "${form} …" (exit ${alone.status})\n${indent(output(alone))}`
      )
    const both = npx([
      "-p",
      `@teo-effect/cli@${version}`,
      "-p",
      `@teo-effect/testing@${version}`,
      "teo",
      "--fake",
      "dossiers",
      "list",
      "--limit",
      "1"
    ])
    if (both.status !== 0 || !/D-\d{4}-\d{4}/.test(both.stdout))
      problems.push(
        `${form} --fake dossiers list --limit 1 did not list a dossier (exit ${both.status})\n${indent(output(both))}`
      )
    return problems
  })

/** `npm install @teo-effect/api` alone brings auth, nothing of testing or cli, and imports. */
const checkApiAlone = (registry: LocalRegistry, version: string): ReadonlyArray<string> =>
  inEmptyFolder("api-alone", (folder) => {
    writeFileSync(
      join(folder, "package.json"),
      `${JSON.stringify({ name: "api-alone", private: true, type: "module" })}\n`
    )
    const install = run("npm", ["install", "--no-audit", "--no-fund", "@teo-effect/api"], {
      cwd: folder,
      env: registry.installEnv
    })
    if (install.status !== 0) return [`npm install @teo-effect/api failed\n${indent(output(install))}`]
    const lock = JSON.parse(readFileSync(join(folder, "package-lock.json"), "utf8")) as {
      readonly packages: Readonly<Record<string, { readonly version?: string }>>
    }
    const installed = new Map(
      Object.entries(lock.packages)
        .filter(([path]) => path !== "")
        .map(([path, entry]) => [path.replace(/^(.*\/)?node_modules\//, ""), entry.version])
    )
    // What only testing and cli bring: their dependencies and peers that neither api nor auth has.
    const manifests = new Map(publishedPackages().map(({ manifest }) => [manifest.name, manifest]))
    const names = (name: string) => {
      const manifest = manifests.get(name)
      return Object.keys({ ...manifest?.dependencies, ...manifest?.peerDependencies })
    }
    const needed = new Set([
      "@teo-effect/api",
      "@teo-effect/auth",
      ...names("@teo-effect/api"),
      ...names("@teo-effect/auth")
    ])
    const foreign = new Set(
      ["@teo-effect/testing", "@teo-effect/cli"].flatMap((name) => [
        name,
        ...names(name).filter((dep) => !needed.has(dep))
      ])
    )
    const problems: Array<string> = []
    if (installed.get("@teo-effect/auth") !== version)
      problems.push(`@teo-effect/auth ${version} was not installed with api`)
    for (const name of foreign)
      if (installed.has(name)) problems.push(`installing @teo-effect/api alone brought ${name}`)
    const imported = run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const api = await import("@teo-effect/api"); if (typeof api.TeoApi !== "function") process.exit(3)`
      ],
      { cwd: folder, env: {} }
    )
    if (imported.status !== 0)
      problems.push(`@teo-effect/api, installed alone, does not import\n${indent(output(imported))}`)
    return problems
  })

/** A second release of the same version: refused, said plainly, nothing changed; the registry refuses a direct publish too. */
const checkSecondPublish = (registry: LocalRegistry, version: string): ReadonlyArray<string> => {
  const before = publishedPackages().map(({ manifest }) => view(registry, manifest.name, "time"))
  const again = releaseTo(registry)
  const problems: Array<string> = []
  if (again.ok) problems.push(`a second pnpm run release of ${version} succeeded\n${indent(again.said)}`)
  else if (!again.said.includes(`nothing published: ${registry.url} already has ${version}`))
    problems.push(`a second pnpm run release of ${version} failed without saying why\n${indent(again.said)}`)
  const after = publishedPackages().map(({ manifest }) => view(registry, manifest.name, "time"))
  if (!isDeepStrictEqual(before, after)) problems.push("a second pnpm run release changed what the registry holds")
  const [first] = publishedPackages()
  if (first !== undefined) {
    const direct = run("pnpm", ["publish", "--no-git-checks", "--json"], { cwd: first.dir, env: registry.publishEnv })
    if (direct.status === 0)
      problems.push(`pnpm publish of ${first.manifest.name}@${version} a second time was accepted`)
  }
  const reason = again.said.split("\n").find((line) => line.includes("nothing published")) ?? ""
  return passed(
    problems,
    `a second release of ${version} is refused, and says so: "${reason.replace(/^✗ /, "")}"`,
    `the registry refuses pnpm publish of ${first?.manifest.name}@${version} again`
  )
}

/**
 * Starts a local registry, publishes the release to it with `pnpm run release`
 * and checks what it serves. Resolves with the registry, still running (the
 * caller stops it); throws a ReleaseFailure naming every problem.
 */
export const releaseLocally = async (options: { readonly port?: number } = {}): Promise<LocalRegistry> => {
  const registry = await startLocalRegistry(options)
  try {
    const [version, ...others] = [...new Set(publishedPackages().map(({ manifest }) => manifest.version))]
    if (version === undefined || others.length > 0) throw new ReleaseFailure("the packages do not share one version")
    pointsAtLocal(registry)
    await tick()
    console.log(`… pnpm run release (build, then publish) to ${registry.url}, then checks: about a minute`)
    const first = releaseTo(registry)
    if (!first.ok) throw new ReleaseFailure(`pnpm run release, to ${registry.url}, failed\n${indent(first.said)}`)
    console.log(`✓ pnpm run release published ${version} to a local registry (${registry.url}, verdaccio)`)
    const problems: Array<string> = []
    for (const check of [
      () =>
        passed(
          checkViews(registry, version),
          `npm view shows the ${publishedPackages().length} packages as their package.json says: version, exports, bin, engines, ranges, README`
        ),
      () =>
        passed(
          checkNpx(registry, version),
          `npx @teo-effect/cli --version prints teo v${version} in an empty folder; --fake there names the npx form that brings @teo-effect/testing, and that form lists dossiers`
        ),
      () =>
        passed(
          checkApiAlone(registry, version),
          "npm install @teo-effect/api alone brings @teo-effect/auth, nothing of testing or cli, and imports"
        ),
      () => checkSecondPublish(registry, version)
    ]) {
      await tick()
      problems.push(...check())
    }
    await tick()
    if (problems.length > 0) throw new ReleaseFailure(problems.join("\n"))
    return registry
  } catch (error) {
    await registry.stop()
    throw error
  }
}

/** The command line: `[--serve [--port <n>]]`; anything else is refused, naming it. */
export const parseArguments = (args: ReadonlyArray<string>): { readonly serve: boolean; readonly port?: number } => {
  const usage = "usage: npm run release:local [-- --serve [--port <1024-65535>]]"
  let serve = false
  let port: number | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === "--serve") serve = true
    else if (arg === "--port") {
      if (port !== undefined) throw new ReleaseFailure(`--port is given twice\n${usage}`)
      const value = args[++i]
      if (value === undefined || !/^\d{4,5}$/.test(value) || Number(value) < 1024 || Number(value) > 65535)
        throw new ReleaseFailure(`--port needs a port from 1024 to 65535, not ${JSON.stringify(value ?? "")}\n${usage}`)
      port = Number(value)
    } else throw new ReleaseFailure(`unknown argument ${JSON.stringify(arg)}\n${usage}`)
  }
  if (port !== undefined && !serve) throw new ReleaseFailure(`--port goes with --serve\n${usage}`)
  return port === undefined ? { serve } : { serve, port }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const failed = (error: unknown): never => {
    if (error instanceof Interrupted) {
      // releaseLocally stopped the registry; the process ends as the signal ends it.
      console.error(`\n${interruptedLine(error.signal)}`)
      process.kill(process.pid, error.signal)
    }
    console.error(`✗ ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
  const { serve, port } = (() => {
    try {
      return parseArguments(process.argv.slice(2))
    } catch (error) {
      return failed(error)
    }
  })()
  const registry = await releaseLocally(port === undefined ? {} : { port }).catch(failed)
  if (!serve) {
    await registry.stop()
    console.log("✓ the local registry is stopped and its storage removed")
  } else {
    console.log(
      `\nThe release is served at ${registry.url} until Ctrl-C. In the shell where you install it:\n\n  export npm_config_registry=${registry.url}\n\nthen the install lines of docs/getting-started.md § 1, as written. Every other package comes from ${registry.upstream}.${port === undefined ? "\nA package-lock.json made now records this address, which the next run changes: --serve --port <n> keeps one." : ""}`
    )
    // Ctrl-C (SIGINT), SIGTERM or SIGHUP stops it: local-registry.ts removes the storage and says so;
    // that is how serving ends, so this process succeeds (npm itself still reports 130 after Ctrl-C).
    await registry.untilSignal()
    process.exit(0)
  }
}
