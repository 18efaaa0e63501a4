/**
 * A real `redis-server` for a test: started on a free loopback port, with
 * nothing saved to disk, stopped with the scope. No mock of Redis anywhere.
 * When the binary is missing, the test fails with one line that says what
 * to install (`npm test` installs it on Debian-like machines).
 */

import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { createServer } from "node:net"
import { NodeRedis } from "@effect/platform-node"
import { Effect, Layer, References, type Scope } from "effect"
import type { Redis } from "effect/persistence"
import type { EventCount } from "./EventCount.js"

/**
 * A running `redis-server`: its URL, and controls to stop and restart it on
 * the same port (to test what happens while Redis is down).
 */
export interface RedisServer {
  readonly url: string
  readonly port: number
  /** Stops the server; the port stays reserved for `start`. */
  readonly stop: Effect.Effect<void>
  /** Starts it again on the same port, empty (or for the first time, made with `started: false`). */
  readonly start: Effect.Effect<void>
  /** Freezes the process (SIGSTOP): its connections stay open and nothing answers. */
  readonly freeze: Effect.Effect<void>
  /** Lets a frozen process go on (SIGCONT). */
  readonly thaw: Effect.Effect<void>
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
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGKILL")
  })

/** `true` when `redis-server` can be run. */
export const hasRedis = (): boolean => spawnSync(binary, ["--version"], { encoding: "utf8" }).status === 0

/**
 * A `redis-server` as a Promise, for scripts without Effect (the bench, the
 * docs run): started on a free port, stopped with `stop`.
 */
export interface LaunchedRedis {
  readonly url: string
  readonly port: number
  readonly stop: () => Promise<void>
  readonly start: () => Promise<void>
  readonly freeze: () => void
  readonly thaw: () => void
}

/** A `redis-server` on a free port; with `started: false`, the port only chosen (down at start). */
export const launchRedisServer = async (options: { readonly started?: boolean } = {}): Promise<LaunchedRedis> => {
  if (!hasRedis()) throw new Error(missingRedis)
  const port = await freePort()
  let child = options.started === false ? undefined : await launch(port)
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child !== undefined) await kill(child)
    },
    start: async () => {
      child = await launch(port)
    },
    freeze: () => {
      child?.kill("SIGSTOP")
    },
    thaw: () => {
      child?.kill("SIGCONT")
    }
  }
}

/**
 * A connection to `redis`, as docs/fleet.md advises: no offline queue (a
 * command fails at once while Redis is down rather than waiting for it), and
 * a reconnection every 50 ms. One per "process" of a test's fleet.
 *
 * With `connected`, each time the connection is up counts there — once when
 * the layer is built, then at each reconnection (node-redis' `ready`): a test
 * that stops and restarts Redis awaits that instead of trying commands until
 * one answers.
 */
export const redisClient = (
  redis: { readonly url: string },
  options: { readonly connected?: EventCount } = {}
): Layer.Layer<Redis.Redis, Redis.RedisError> => {
  const client = quietClient(
    NodeRedis.layer({ url: redis.url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 50 } })
  )
  const connected = options.connected
  if (connected === undefined) return client
  return Layer.effectDiscard(
    Effect.map(Effect.service(NodeRedis.NodeRedis), (node) => {
      connected.bump()
      node.client.on("ready", connected.bump)
    })
  ).pipe(Layer.provideMerge(client))
}

/**
 * `layer` without node-redis' own warnings (`NodeRedis client error`, a stack
 * trace at each failed reconnection while a test has Redis down): the tests
 * assert on teo-effect's warnings, and a passing run reads clean.
 */
export const quietClient = <A, E, R>(layer: Layer.Layer<A, E, R>): Layer.Layer<A, E, R> =>
  Layer.provide(layer, Layer.succeed(References.MinimumLogLevel, "Error"))

/**
 * A `redis-server` for the current scope; with `started: false`, down until
 * its `start` (Redis down at start).
 */
export const redisServerWith = (options: {
  readonly started?: boolean
}): Effect.Effect<RedisServer, never, Scope.Scope> =>
  Effect.gen(function* () {
    const redis = yield* Effect.acquireRelease(
      Effect.promise(() => launchRedisServer(options)),
      (redis) => Effect.promise(redis.stop)
    )
    return {
      url: redis.url,
      port: redis.port,
      stop: Effect.promise(redis.stop),
      start: Effect.promise(redis.start),
      freeze: Effect.sync(redis.freeze),
      thaw: Effect.sync(redis.thaw)
    }
  })

/**
 * A `redis-server` for the current scope.
 */
export const redisServer: Effect.Effect<RedisServer, never, Scope.Scope> = redisServerWith({})
