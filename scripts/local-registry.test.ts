/**
 * The local registry of `npm run release:local` (local-registry.ts) when
 * things go wrong: an upstream that refuses or never answers, the process
 * that started it ending by a signal or by SIGKILL, a port asked for that is
 * taken; served until a signal, it ends normally. And release-local.ts: its
 * arguments, and its refusal to publish when any configuration would send
 * the upload elsewhere.
 * Real verdaccio processes and real npm on loopback.
 *
 * Usage: pnpm exec vitest run --project scripts local-registry
 */
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { connect } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { npmEnvironment, startLocalRegistry } from "./local-registry.ts"
import { frozenServer, refusingUrl } from "./loopback.ts"
import { Interrupted, parseArguments, pointsAtLocal, ReleaseFailure, run } from "./release-local.ts"

const module = fileURLToPath(new URL("./local-registry.ts", import.meta.url))

/** Whether something accepts connections at the URL's port. */
const accepts = (url: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(Number(new URL(url).port), "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

/** A process that starts a local registry, prints `ready <url> <folder>` and waits (`serve`: until a signal, then exits 0). */
const owner = (serve = false) =>
  new Promise<{ readonly child: ReturnType<typeof spawn>; readonly url: string; readonly folder: string }>(
    (resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const { startLocalRegistry } = await import(${JSON.stringify(new URL(`file://${module}`).href)})
           const registry = await startLocalRegistry()
           console.log("ready", registry.url, registry.folder)
           ${serve ? "await registry.untilSignal(); process.exit(0)" : "setInterval(() => {}, 1000)"}`
        ],
        { stdio: ["ignore", "pipe", "pipe"] }
      )
      let out = ""
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8")
        const ready = /^ready (\S+) (\S+)$/m.exec(out)
        if (ready !== null) resolve({ child, url: ready[1] ?? "", folder: ready[2] ?? "" })
      })
      child.once("exit", (code) => reject(new Error(`the owner exited with ${code} before its registry was ready`)))
    }
  )

const exited = (child: ReturnType<typeof spawn>) =>
  new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)))

const exitCode = (child: ReturnType<typeof spawn>) =>
  new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))

/** Polls until `f` holds, 20 s at most: a process's end is observed, not timed. */
const eventually = async (f: () => Promise<boolean> | boolean) => {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await f()) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
}

describe("startLocalRegistry", () => {
  it("refuses to start, naming it, when the upstream refuses connections", async () => {
    const url = await refusingUrl()
    await expect(startLocalRegistry({ upstream: url })).rejects.toThrow(
      new RegExp(`^the upstream registry ${url.replace(/\./g, "\\.")} .*did not answer GET /effect: .*ECONNREFUSED`)
    )
  })

  it("takes an upstream under a path, written without its trailing slash as npm accepts it", {
    timeout: 60_000
  }, async () => {
    // A registry served under /art/npm/ (a company's artifact proxy): it knows effect there only.
    const upstream = createServer((request, response) => {
      response.writeHead(request.url === "/art/npm/effect" ? 200 : 404, { "content-type": "application/json" })
      response.end(request.url === "/art/npm/effect" ? '{"name":"effect","versions":{}}' : "{}")
    })
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve))
    const address = upstream.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    try {
      const registry = await startLocalRegistry({ upstream: `http://127.0.0.1:${port}/art/npm` })
      try {
        expect(registry.upstream).toBe(`http://127.0.0.1:${port}/art/npm/`)
      } finally {
        await registry.stop()
      }
      await expect(startLocalRegistry({ upstream: `http://127.0.0.1:${port}/art` })).rejects.toThrow(
        "did not answer GET /art/effect: HTTP 404"
      )
    } finally {
      await new Promise((resolve) => upstream.close(resolve))
    }
  })

  it("refuses to start, naming it, when the upstream never answers", async () => {
    const { url, server: frozen } = await frozenServer()
    try {
      await expect(startLocalRegistry({ upstream: url, upstreamTimeout: 500 })).rejects.toThrow(
        `the upstream registry ${url}`
      )
      await expect(startLocalRegistry({ upstream: url, upstreamTimeout: 500 })).rejects.toThrow(
        "no answer within 0.5 s"
      )
    } finally {
      frozen.close()
    }
  })

  it("goes, storage and token with it, when its process gets SIGTERM", { timeout: 60_000 }, async () => {
    const { child, url, folder } = await owner()
    expect(existsSync(join(folder, "npmrc"))).toBe(true)
    child.kill("SIGTERM")
    expect(await exited(child)).toBe("SIGTERM")
    expect(existsSync(folder)).toBe(false)
    expect(await eventually(async () => !(await accepts(url)))).toBe(true)
  })

  it("served until SIGINT: stops, storage removed, and its process ends normally (exit 0)", {
    timeout: 60_000
  }, async () => {
    const { child, url, folder } = await owner(true)
    let stderr = ""
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
    })
    const code = exitCode(child)
    child.kill("SIGINT")
    expect(await code).toBe(0)
    expect(stderr).toContain("the local registry is stopped (SIGINT) and its storage removed")
    expect(existsSync(folder)).toBe(false)
    expect(await eventually(async () => !(await accepts(url)))).toBe(true)
  })

  it("listens on the port asked for, and refuses to start, naming it, when that port is taken", {
    timeout: 60_000
  }, async () => {
    const { url, server: taken } = await frozenServer()
    const port = Number(new URL(url).port)
    try {
      await expect(startLocalRegistry({ port })).rejects.toThrow(
        `the local registry cannot start: port ${port} on 127.0.0.1 is in use`
      )
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
    const registry = await startLocalRegistry({ port })
    try {
      expect(registry.url).toBe(`http://127.0.0.1:${port}/`)
      expect(await accepts(registry.url)).toBe(true)
    } finally {
      await registry.stop()
    }
  })

  it("ends with its process killed by SIGKILL; the next start removes the folder left", {
    timeout: 60_000
  }, async () => {
    const { child, url, folder } = await owner()
    child.kill("SIGKILL")
    await exited(child)
    expect(existsSync(folder)).toBe(true)
    expect(await eventually(async () => !(await accepts(url)))).toBe(true)
    const next = await startLocalRegistry()
    try {
      expect(existsSync(folder)).toBe(false)
    } finally {
      await next.stop()
    }
    expect(existsSync(next.folder)).toBe(false)
  })
})

describe("pointsAtLocal", () => {
  const registry = (url: string) => ({
    url,
    publishEnv: { npm_config_registry: url },
    installEnv: { npm_config_registry: url }
  })
  const aPackage = (files: Readonly<Record<string, string>>) => {
    const dir = mkdtempSync(join(tmpdir(), "teo-effect-package-"))
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
    return dir
  }
  const manifest = (extra: Record<string, unknown> = {}) => ({ name: "@teo-effect/x", version: "1.0.0", ...extra })

  it("lets a release through when everything resolves to the local registry", () => {
    const dir = aPackage({ "package.json": JSON.stringify(manifest()) })
    try {
      expect(() => pointsAtLocal(registry("http://127.0.0.1:1/"), [{ dir, manifest: manifest() }])).not.toThrow()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("refuses a package whose publishConfig names a registry", () => {
    const configured = manifest({ publishConfig: { access: "public", registry: "https://registry.npmjs.org/" } })
    const dir = aPackage({ "package.json": JSON.stringify(configured) })
    try {
      expect(() => pointsAtLocal(registry("http://127.0.0.1:1/"), [{ dir, manifest: configured }])).toThrow(
        ReleaseFailure
      )
      expect(() => pointsAtLocal(registry("http://127.0.0.1:1/"), [{ dir, manifest: configured }])).toThrow(
        /nothing was published to http:\/\/127\.0\.0\.1:1\/:\n.*sets publishConfig\.registry/
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  // (A package's `registry=` loses to npm_config_registry; its scope's registry wins over it.)
  it("refuses a package whose own .npmrc sends its scope elsewhere", () => {
    const dir = aPackage({
      "package.json": JSON.stringify(manifest()),
      ".npmrc": "@teo-effect:registry=http://127.0.0.1:4873/\n"
    })
    try {
      expect(() => pointsAtLocal(registry("http://127.0.0.1:1/"), [{ dir, manifest: manifest() }])).toThrow(
        /in packages\/teo-effect-package-\w+, npm's @teo-effect:registry is http:\/\/127\.0\.0\.1:4873\/, not the local registry/
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("refuses when the user's npm config takes @teo-effect/* from another registry", () => {
    const home = mkdtempSync(join(tmpdir(), "teo-effect-home-"))
    writeFileSync(join(home, "npmrc"), "@teo-effect:registry=http://127.0.0.1:4873/\n")
    const url = "http://127.0.0.1:1/"
    try {
      expect(() =>
        pointsAtLocal(
          {
            url,
            publishEnv: { npm_config_registry: url },
            installEnv: { npm_config_registry: url, npm_config_userconfig: join(home, "npmrc") }
          },
          []
        )
      ).toThrow(/your npm config sets @teo-effect:registry to http:\/\/127\.0\.0\.1:4873\/ .*npm config delete/)
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })
})

describe("release:local's arguments", () => {
  it("takes --serve, and --port with it", () => {
    expect(parseArguments([])).toEqual({ serve: false })
    expect(parseArguments(["--serve"])).toEqual({ serve: true })
    expect(parseArguments(["--serve", "--port", "4873"])).toEqual({ serve: true, port: 4873 })
    expect(parseArguments(["--port", "4873", "--serve"])).toEqual({ serve: true, port: 4873 })
  })

  it("refuses, naming it, an unknown argument, a port out of range or missing, and --port without --serve", () => {
    for (const [args, said] of [
      [["--sevre"], 'unknown argument "--sevre"'],
      [["--serve", "--port"], '--port needs a port from 1024 to 65535, not ""'],
      [["--serve", "--port", "80"], '--port needs a port from 1024 to 65535, not "80"'],
      [["--serve", "--port", "70000"], '--port needs a port from 1024 to 65535, not "70000"'],
      [["--serve", "--port", "4873.5"], '--port needs a port from 1024 to 65535, not "4873.5"'],
      [["--port", "4873"], "--port goes with --serve"],
      [["--serve", "--port", "4874", "--port", "4873"], "--port is given twice"]
    ] as const) {
      expect(() => parseArguments(args)).toThrow(ReleaseFailure)
      expect(() => parseArguments(args)).toThrow(said)
    }
  })
})

describe("release:local's commands", () => {
  it("a command a signal ended is an interruption, naming the signal, not a failed check", () => {
    const node = process.execPath
    const env = {}
    expect(() => run(node, ["-e", "process.kill(process.pid, 'SIGINT')"], { cwd: tmpdir(), env })).toThrow(
      new Interrupted("SIGINT")
    )
    // npm and pnpm, interrupted, exit 128 + the signal's number.
    expect(() => run(node, ["-e", "process.exit(143)"], { cwd: tmpdir(), env })).toThrow(Interrupted)
    expect(() => run(node, ["-e", "process.exit(143)"], { cwd: tmpdir(), env })).toThrow("interrupted (SIGTERM)")
    expect(run(node, ["-e", "process.exit(1)"], { cwd: tmpdir(), env }).status).toBe(1)
  })

  it("use the registry's npm settings whatever their spelling in the environment", () => {
    const saved = process.env.NPM_CONFIG_USERCONFIG
    process.env.NPM_CONFIG_USERCONFIG = "/elsewhere/.npmrc"
    try {
      const env = npmEnvironment({ npm_config_userconfig: "/local/npmrc" })
      expect(env.npm_config_userconfig).toBe("/local/npmrc")
      expect(Object.keys(env).filter((name) => name.toLowerCase() === "npm_config_userconfig")).toEqual([
        "npm_config_userconfig"
      ])
      const shown = run(process.execPath, ["-e", "console.log(process.env.NPM_CONFIG_USERCONFIG ?? 'unset')"], {
        cwd: tmpdir(),
        env: { npm_config_userconfig: "/local/npmrc" }
      })
      expect(shown.stdout.trim()).toBe("unset")
    } finally {
      if (saved === undefined) delete process.env.NPM_CONFIG_USERCONFIG
      else process.env.NPM_CONFIG_USERCONFIG = saved
    }
  })
})
