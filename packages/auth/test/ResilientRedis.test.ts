/**
 * `ResilientRedis.layer` around the documented wiring (`NodeRedis.layer` with
 * `disableOfflineQueue`), on a real `redis-server` that is down or frozen
 * (SIGSTOP) when the process starts: the process starts degraded — its own
 * token, a warning, the detached gauge — and attaches when Redis comes.
 */
import { type AddressInfo, createServer as createNetServer, type Server as NetServer } from "node:net"
import { NodeRedis } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { AccessToken, AuthMetrics, RedisTokenStore, ResilientRedis, TeoCredentials } from "@teo-effect/auth"
import {
  freshTokens,
  makeScriptedServer,
  quietClient,
  type RedisServer,
  redisServerWith
} from "@teo-effect/test-support"
import { Context, Duration, Effect, Exit, Layer, Metric, Redacted, Scope } from "effect"
import { FetchHttpClient } from "effect/http"
import { Redis } from "effect/persistence"
import { clientId, clientSecret, teoId } from "./utils/harness.js"

/** The documented wiring: no offline queue, node-redis' own reconnection strategy. */
const documented = (redis: RedisServer) => quietClient(NodeRedis.layer({ url: redis.url, disableOfflineQueue: true }))

const setting = (started: boolean) =>
  Effect.gen(function* () {
    const server = yield* makeScriptedServer
    server.reply = freshTokens()
    const redis = yield* redisServerWith({ started })
    const tokenUrl = `${server.origin}/oauth2/token`
    /** One process: its own AccessToken on a RedisTokenStore, over a resilient Redis. */
    const process = (options: ResilientRedis.ResilientRedisOptions = {}) =>
      Effect.gen(function* () {
        const scope = yield* Scope.make()
        yield* Effect.addFinalizer((exit) => Scope.close(scope, exit))
        const context = yield* Layer.buildWithScope(
          AccessToken.layer({ store: RedisTokenStore.make() }).pipe(
            Layer.provideMerge(
              TeoCredentials.layer({ clientId, clientSecret: Redacted.make(clientSecret), teoId, tokenUrl })
            ),
            Layer.provideMerge(ResilientRedis.layer(documented(redis), { maxRetryDelay: "100 millis", ...options })),
            Layer.provide(FetchHttpClient.layer)
          ),
          scope
        )
        return { accessToken: Context.get(context, AccessToken), redis: Context.get(context, Redis.Redis) }
      })
    return { server, redis, process }
  })

/** Polls a real external process (Redis coming back): at most 10 s. */
const attached = (redis: Redis.Redis["Service"]) =>
  Effect.gen(function* () {
    for (let i = 0; i < 200; i++) {
      const pong = yield* Effect.exit(redis.send<string>("PING"))
      if (Exit.isSuccess(pong)) return pong.value
      yield* Effect.sleep("50 millis")
    }
    return yield* Effect.die(new Error("Redis never attached"))
  })

const detached = Effect.map(Metric.value(AuthMetrics.redisDetached), (state) => state.value)
const connectFailures = Effect.map(Metric.value(AuthMetrics.redisConnectFailures), (state) => state.count)

describe("ResilientRedis", () => {
  it.live(
    "Redis down at start: the documented wiring alone fails; resilient, the process starts on its own token",
    () =>
      Effect.gen(function* () {
        const { server, redis, process } = yield* setting(false)
        // The premise: NodeRedis.layer fails the whole layer when Redis is down at start.
        const bare = yield* Effect.exit(Effect.scoped(Layer.build(documented(redis))))
        assert.isTrue(Exit.isFailure(bare))

        const failuresBefore = yield* connectFailures
        const started = Date.now()
        const a = yield* process()
        assert.isBelow(Date.now() - started, 900, "the start did not wait for the bound: the connection was refused")
        assert.isAtLeast(yield* detached, 1, "the detached gauge says so")
        assert.isAtLeast((yield* connectFailures) - failuresBefore, 1)
        const own = yield* a.accessToken.get
        assert.strictEqual(Redacted.value(own.value), "token-1")

        // Redis comes: the process attaches, and sharing begins.
        yield* redis.start
        assert.strictEqual(yield* attached(a.redis), "PONG")
        const b = yield* process()
        const c = yield* process()
        yield* b.accessToken.get
        yield* c.accessToken.get
        assert.lengthOf(server.requests, 2, "one request while down, one shared by b and c")
      })
  )

  it.live("Redis frozen at start (SIGSTOP): the start waits startTimeout, then goes on; thawed, it attaches", () =>
    Effect.gen(function* () {
      const { server, redis, process } = yield* setting(true)
      yield* redis.freeze
      const started = Date.now()
      const a = yield* process({ startTimeout: "300 millis" })
      const elapsed = Date.now() - started
      assert.isAtLeast(elapsed, 250)
      assert.isBelow(elapsed, 1500, "the start is bounded by startTimeout")
      // Commands fail at once while not attached: the token is this process's own, without waiting.
      const before = Date.now()
      const own = yield* a.accessToken.get
      assert.strictEqual(Redacted.value(own.value), "token-1")
      assert.isBelow(Date.now() - before, 900, "no Redis command waited for its bound")

      yield* redis.thaw
      assert.strictEqual(yield* attached(a.redis), "PONG")
      const b = yield* process()
      const c = yield* process()
      yield* b.accessToken.get
      yield* c.accessToken.get
      assert.lengthOf(server.requests, 2)
    })
  )

  it.live("Redis up at start: attached before the first call (one token for the fleet at once)", () =>
    Effect.gen(function* () {
      const { server, process } = yield* setting(true)
      const processes = yield* Effect.all(Array.from({ length: 4 }, () => process()))
      yield* Effect.all(
        processes.map(({ accessToken }) => accessToken.get),
        { concurrency: "unbounded" }
      )
      assert.lengthOf(server.requests, 1)
    })
  )

  /** A port that accepts connections and never answers (a Redis frozen for good, a wrong service); its open sockets. */
  const silentPort = Effect.acquireRelease(
    Effect.promise(
      () =>
        new Promise<{ readonly url: string; readonly open: () => number; readonly server: NetServer }>((resolve) => {
          let open = 0
          const server = createNetServer((socket) => {
            open++
            socket.resume() // read and dropped: its end (and close) is seen
            socket.on("error", () => {})
            socket.on("close", () => {
              open--
            })
          })
          server.listen(0, "127.0.0.1", () => {
            const address = server.address() as AddressInfo
            resolve({ url: `redis://127.0.0.1:${address.port}`, open: () => open, server })
          })
        })
    ),
    ({ server }) => Effect.sync(() => server.close())
  )

  /** The sockets still open at `silent` once `seconds` have passed (real time: the client's own timers). */
  const openAfter = (silent: { readonly open: () => number }, seconds: number) =>
    Effect.map(Effect.sleep(Duration.seconds(seconds)), () => silent.open())

  it.live(
    "a Redis that never answers, with nodeRedisOptions: the connection is dropped once the layer is closed (the process can exit); without them it stays",
    () =>
      Effect.gen(function* () {
        const silent = yield* silentPort
        const build = (layer: Layer.Layer<Redis.Redis, unknown>) =>
          Effect.gen(function* () {
            const scope = yield* Scope.make()
            const context = yield* Layer.buildWithScope(
              ResilientRedis.layer(quietClient(layer), { startTimeout: "200 millis" }),
              scope
            )
            // Degraded, not stuck: a command fails at once.
            assert.isTrue(Exit.isFailure(yield* Effect.exit(Context.get(context, Redis.Redis).send("PING"))))
            yield* Scope.close(scope, Exit.void)
          })
        yield* build(NodeRedis.layer({ url: silent.url, ...ResilientRedis.nodeRedisOptions }))
        assert.strictEqual(yield* openAfter(silent, 4), 0, "the silent socket was dropped within socketTimeout")
        // The premise: the plain wiring keeps its socket open for as long as the port is silent.
        yield* build(NodeRedis.layer({ url: silent.url, disableOfflineQueue: true }))
        assert.strictEqual(yield* openAfter(silent, 4), 1, "the plain client still waits on its socket")
      }),
    { timeout: 20_000 }
  )

  it.live(
    "with nodeRedisOptions, a Redis frozen longer than socketTimeout is reconnected once thawed",
    () =>
      Effect.gen(function* () {
        const redis = yield* redisServerWith({ started: true })
        const context = yield* Layer.build(
          ResilientRedis.layer(quietClient(NodeRedis.layer({ url: redis.url, ...ResilientRedis.nodeRedisOptions })))
        )
        const client = Context.get(context, Redis.Redis)
        assert.strictEqual(yield* attached(client), "PONG")
        yield* redis.freeze
        yield* Effect.sleep("4 seconds") // past socketTimeout (3 s): the connection is dropped, and tried again
        const during = yield* Effect.exit(Effect.timeout(client.send("PING"), "1 second"))
        assert.isTrue(Exit.isFailure(during))
        yield* redis.thaw
        assert.strictEqual(yield* attached(client), "PONG", "node-redis reconnected after the timeout")
      }).pipe(Effect.scoped),
    { timeout: 30_000 }
  )

  it.effect("bad options are a ConfigError naming them", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        Effect.scoped(
          Layer.build(
            ResilientRedis.layer(Layer.succeed(Redis.Redis)({} as never), { startTimeout: "soon" as Duration.Input })
          )
        )
      )
      assert.isTrue(Exit.isFailure(exit))
      assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "startTimeout")
    })
  )
})
