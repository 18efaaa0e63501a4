/**
 * A real `redis-server` for a test: started on a free loopback port, with
 * nothing saved to disk, stopped with the scope. No mock of Redis anywhere.
 * When the binary is missing, the test fails with one line that says what
 * to install (`npm test` installs it on Debian-like machines).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { createServer } from "node:net"
import { Effect, type Scope } from "effect"

/**
 * A running `redis-server`: its URL, and controls to stop and restart it on
 * the same port (to test what happens while Redis is down).
 */
export interface RedisServer {
  readonly url: string
  readonly port: number
  /** Stops the server; the port stays reserved for `start`. */
  readonly stop: Effect.Effect<void>
  /** Starts it again on the same port, empty. */
  readonly start: Effect.Effect<void>
}

const binary = process.env.REDIS_SERVER ?? "redis-server"

/** The one line a missing Redis gets. */
export const missingRedis = `redis-server is not installed (or not on PATH): install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), or set REDIS_SERVER to its path`

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const launch = (port: number): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      binary,
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--protected-mode",
        "yes",
        // DEBUG SLEEP, for the tests of a slow Redis; from this machine only.
        "--enable-debug-command",
        "local"
      ],
      { stdio: ["ignore", "pipe", "pipe"] }
    )
    let output = ""
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes("Ready to accept connections")) {
        child.stdout?.off("data", onData)
        resolve(child)
      }
    }
    child.stdout?.on("data", onData)
    child.once("error", () => reject(new Error(missingRedis)))
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}: ${output.slice(-500)}`)))
  })

const kill = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGKILL")
  })

/** `true` when `redis-server` can be run. */
export const hasRedis = (): boolean => spawnSync(binary, ["--version"], { encoding: "utf8" }).status === 0

/**
 * A `redis-server` for the current scope.
 */
export const redisServer: Effect.Effect<RedisServer, never, Scope.Scope> = Effect.gen(function* () {
  if (!hasRedis()) return yield* Effect.die(new Error(missingRedis))
  const port = yield* Effect.promise(freePort)
  let child = yield* Effect.promise(() => launch(port))
  yield* Effect.addFinalizer(() => Effect.promise(() => kill(child)))
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: Effect.promise(() => kill(child)),
    start: Effect.promise(async () => {
      child = await launch(port)
    })
  }
})
