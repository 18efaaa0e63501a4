/**
 * A real npm registry on this machine, for a release that goes through one
 * before the public registry: verdaccio (local-registry-server.ts, a process of
 * its own) on a free loopback port, with a throwaway storage and one user
 * whose token may publish `@teo-effect/*`. Every other package passes through
 * from the registry npm is configured with (the uplink), so a project pointed
 * at it installs everything by name, as from the public registry.
 *
 * `publishEnv` is what a release needs to publish there (the registry URL, an
 * npm user config holding the token); `installEnv` what a user's shell needs to
 * install from it (the registry URL). Both use a throwaway npm cache, so the
 * checks leave nothing in the user's own (a shell given only the registry URL,
 * `--serve`'s, uses its own cache).
 *
 * Bounded and cleaned up: the upstream must answer within 15 s before anything
 * starts, verdaccio must listen within 30 s, and on exit, SIGINT, SIGTERM or
 * SIGHUP verdaccio and the folder (storage, token) go. A folder left by a
 * process killed with SIGKILL is removed by the next start.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

/** A running local registry; `stop` ends it and removes its storage. */
export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string
  /** The upstream registry every package but `@teo-effect/*` comes from. */
  readonly upstream: string
  readonly publishEnv: Readonly<Record<string, string>>
  readonly installEnv: Readonly<Record<string, string>>
  /** Its throwaway folder: storage, token, cache; removed by `stop`. */
  readonly folder: string
  /** Where verdaccio writes its log (warnings and errors), for a failure's message. */
  readonly log: string
  readonly stop: () => Promise<void>
  /**
   * Serves until SIGINT, SIGTERM or SIGHUP, then stops as on any signal, but
   * resolves with the signal instead of ending the process by it: a served
   * registry's normal end (`--serve`'s Ctrl-C).
   */
  readonly untilSignal: () => Promise<NodeJS.Signals>
}

const server = fileURLToPath(new URL("local-registry-server.ts", import.meta.url))

/**
 * The environment for a command that must use these npm settings: the process's own, without any
 * other spelling of the same settings (`NPM_CONFIG_USERCONFIG` would win over `npm_config_userconfig`
 * in pnpm, and send a publish to a config without the token), then the settings.
 */
export const npmEnvironment = (settings: Readonly<Record<string, string>>): Record<string, string> => {
  const names = new Set(Object.keys(settings).map((name) => name.toLowerCase()))
  return {
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] => entry[1] !== undefined && !names.has(entry[0].toLowerCase())
      )
    ),
    ...settings
  }
}

/** What a run interrupted before it serves says, once the registry is stopped. */
export const interruptedLine = (signal: NodeJS.Signals) =>
  `✗ interrupted (${signal}): the local registry is stopped and its storage removed`

/** What npm installs from when nothing points it elsewhere: the uplink. */
const upstreamRegistry = (): string => {
  const configured = spawnSync("npm", ["config", "get", "registry"], { encoding: "utf8", timeout: 30_000 })
  const url = configured.status === 0 ? configured.stdout.trim() : ""
  return /^https?:\/\//.test(url) ? url : "https://registry.npmjs.org/"
}

/**
 * The upstream must answer before verdaccio passes packages through from it: otherwise every install
 * fails later with a 404 that does not name it (a dead local registry left in `npm_config_registry`…).
 */
const probeUpstream = async (upstream: string, timeout: number) => {
  const reason = await fetch(`${upstream}effect`, {
    headers: { accept: "application/vnd.npm.install-v1+json" },
    signal: AbortSignal.timeout(timeout)
  }).then(
    (response) => (response.ok ? undefined : `HTTP ${response.status}`),
    (error: unknown) =>
      error instanceof Error && error.name === "TimeoutError"
        ? `no answer within ${timeout / 1000} s`
        : String(error instanceof Error && error.cause instanceof Error ? error.cause.message : error)
  )
  if (reason !== undefined)
    throw new Error(
      `the upstream registry ${upstream} (npm's registry setting: the local registry passes every package but @teo-effect/* through from it) did not answer GET ${new URL(upstream).pathname}effect: ${reason}. ` +
        "If npm_config_registry still points at an earlier local registry, unset it."
    )
}

/** Folders of local registries whose process is gone (killed with SIGKILL): their storage and token go. */
const sweep = () => {
  for (const name of readdirSync(tmpdir()).filter((entry) => entry.startsWith("teo-effect-registry-"))) {
    const folder = join(tmpdir(), name)
    let owner: number
    try {
      owner = Number.parseInt(readFileSync(join(folder, "owner.pid"), "utf8"), 10)
    } catch {
      continue // being created by another start, or not ours: left alone
    }
    const alive = (() => {
      try {
        process.kill(owner, 0)
        return true
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM"
      }
    })()
    if (!alive) rmSync(folder, { recursive: true, force: true })
  }
}

const readLog = (file: string) => {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-20).join("\n")
  } catch {
    return "(no log)"
  }
}

/** Waits for the server's `listening <url>` line, 30 s at most; its `cannot listen: <why>` is the error. */
const listening = (child: ChildProcess, log: string) =>
  new Promise<string>((resolve, reject) => {
    let out = ""
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`verdaccio did not start listening within 30 s\n${readLog(log)}`))
    }, 30_000)
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8")
      const url = /^listening (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out)?.[1]
      if (url !== undefined) {
        clearTimeout(timer)
        resolve(url)
      }
    })
    // "close", not "exit": its last line on stdout is read by then.
    child.once("close", (code, signal) => {
      clearTimeout(timer)
      const refused = /^cannot listen: (.*)$/m.exec(out)?.[1]
      reject(
        new Error(
          refused !== undefined
            ? `the local registry cannot start: ${refused}`
            : `verdaccio exited before listening (${signal ?? `code ${code}`})\n${readLog(log)}`
        )
      )
    })
  })

/** Registers the publishing user and returns its token (what `npm adduser` does). */
const addUser = async (url: string): Promise<string> => {
  const name = "teo-effect-release"
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, password: randomBytes(24).toString("base64url") }),
    signal: AbortSignal.timeout(15_000)
  })
  const body: unknown = await response.json().catch(() => undefined)
  const token =
    typeof body === "object" && body !== null && "token" in body && typeof body.token === "string"
      ? body.token
      : undefined
  if (response.status !== 201 || token === undefined)
    throw new Error(`the local registry refused to create its publishing user (HTTP ${response.status})`)
  return token
}

/** Starts verdaccio in a throwaway folder; throws with its log when it does not come up. */
export const startLocalRegistry = async (
  options: {
    /** The registry packages pass through from; by default the one npm is configured with. */
    readonly upstream?: string
    /** How long the upstream has to answer before anything starts, in ms (15 s). */
    readonly upstreamTimeout?: number
    /** The loopback port to listen on; by default a free one. */
    readonly port?: number
  } = {}
): Promise<LocalRegistry> => {
  sweep()
  // npm accepts a registry path without its trailing slash; URLs resolve against it only with one.
  const upstream = (options.upstream ?? upstreamRegistry()).replace(/\/?$/, "/")
  await probeUpstream(upstream, options.upstreamTimeout ?? 15_000)
  const dir = mkdtempSync(join(tmpdir(), "teo-effect-registry-"))
  writeFileSync(join(dir, "owner.pid"), `${process.pid}\n`)
  const log = join(dir, "verdaccio.log")
  // YAML is a superset of JSON: the configuration needs no YAML writer.
  writeFileSync(
    join(dir, "config.yaml"),
    JSON.stringify({
      storage: join(dir, "storage"),
      auth: { htpasswd: { file: join(dir, "htpasswd"), max_users: 1 } },
      uplinks: { upstream: { url: upstream, timeout: "60s", max_fails: 5, fail_timeout: "10s" } },
      packages: {
        // Ours come from this registry only: never a public package of the same name.
        "@teo-effect/*": { access: "$all", publish: "$authenticated" },
        "**": { access: "$all", proxy: "upstream" }
      },
      web: { enable: false },
      log: { type: "file", path: log, format: "json", level: "warn" },
      max_body_size: "50mb"
    })
  )
  const stderr = openSync(log, "a")
  const child = spawn(process.execPath, [server, join(dir, "config.yaml"), String(options.port ?? 0)], {
    stdio: ["pipe", "pipe", stderr],
    env: { ...process.env, NODE_NO_WARNINGS: "1" }
  })
  closeSync(stderr)
  // However this process ends (a failed check's process.exit, Ctrl-C…), verdaccio and its storage go with it.
  const cleanUp = () => {
    child.kill("SIGKILL")
    rmSync(dir, { recursive: true, force: true })
  }
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const
  let served: ((signal: NodeJS.Signals) => void) | undefined
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUp()
    console.error(
      served !== undefined
        ? `\nthe local registry is stopped (${signal}) and its storage removed`
        : `\n${interruptedLine(signal)}`
    )
    for (const name of signals) process.removeListener(name, onSignal)
    process.removeListener("exit", cleanUp)
    if (served !== undefined) served(signal)
    // The signal again, with no listener: the process ends as that signal ends it.
    else process.kill(process.pid, signal)
  }
  process.once("exit", cleanUp)
  for (const signal of signals) process.once(signal, onSignal)
  const stop = async () => {
    process.removeListener("exit", cleanUp)
    for (const signal of signals) process.removeListener(signal, onSignal)
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
      child.stdin?.end()
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const url = await listening(child, log)
    const token = await addUser(url)
    const npmrc = join(dir, "npmrc")
    writeFileSync(npmrc, `registry=${url}\n//${new URL(url).host}/:_authToken=${token}\n`, { mode: 0o600 })
    const cache = join(dir, "npm-cache")
    return {
      url,
      upstream,
      folder: dir,
      log,
      publishEnv: { npm_config_registry: url, npm_config_userconfig: npmrc, npm_config_cache: cache },
      installEnv: { npm_config_registry: url, npm_config_cache: cache },
      stop,
      untilSignal: () =>
        new Promise<NodeJS.Signals>((resolve) => {
          served = resolve
        })
    }
  } catch (error) {
    await stop()
    throw error
  }
}
