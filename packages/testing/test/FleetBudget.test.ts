/**
 * The shared rate budget (`TeoApi`'s `rateLimit` option) across processes —
 * `TeoApi` instances with their own connections — on a real `redis-server`,
 * against a FakeTeo that rate limits: together they stay under téo's limit,
 * and a 429 one of them receives makes all of them back off.
 */
import { NodeRedis } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { ApiMetrics, TeoApi } from "@teo-effect/api"
import { AccessToken, ResilientRedis, TeoCredentials } from "@teo-effect/auth"
import { quietClient, redisClient, redisServerWith } from "@teo-effect/test-support"
import { FakeTeo } from "@teo-effect/testing"
import { Context, type Duration, Effect, Exit, Fiber, Layer, Metric, Schema, Scope } from "effect"
import { FetchHttpClient } from "effect/http"
import { RateLimiter, Redis } from "effect/persistence"

interface Budget {
  readonly shared: boolean
  readonly limit: number
  readonly commandTimeout?: Duration.Input
  readonly deadline?: Duration.Input
  /** The documented wiring made resilient (`ResilientRedis.layer`), instead of a bare connection. */
  readonly resilient?: boolean
}

/** A FakeTeo that allows `limit` API requests per second, and a Redis (down until started, with `started: false`). */
const setting = (limit: number, options: { readonly started?: boolean } = {}) =>
  Effect.gen(function* () {
    const fake = yield* Effect.acquireRelease(
      Effect.promise(() => FakeTeo.start({ rateLimit: { requests: limit, window: "1 second" } })),
      (fake) => Effect.promise(() => fake.close())
    )
    const redis = yield* redisServerWith(options)
    /** One process: its own token, HTTP client, Redis connection; the budget shared through Redis or not. */
    const process = (budget: Budget) =>
      Effect.gen(function* () {
        const scope = yield* Scope.make()
        yield* Effect.addFinalizer((exit) => Scope.close(scope, exit))
        const connection: Layer.Layer<Redis.Redis, unknown> =
          budget.resilient === true
            ? ResilientRedis.layer(quietClient(NodeRedis.layer({ url: redis.url, disableOfflineQueue: true })), {
                maxRetryDelay: "100 millis"
              })
            : redisClient(redis)
        const limiter = budget.shared
          ? RateLimiter.layer.pipe(Layer.provide(RateLimiter.layerStoreRedis()), Layer.provideMerge(connection))
          : Layer.empty
        const context = yield* Layer.buildWithScope(
          TeoApi.layer({
            baseUrl: fake.apiUrl,
            retry: false,
            ...(budget.deadline === undefined ? {} : { deadline: budget.deadline }),
            rateLimit: {
              limit: budget.limit,
              window: "1 second",
              ...(budget.commandTimeout === undefined ? {} : { commandTimeout: budget.commandTimeout })
            }
          }).pipe(
            Layer.provide(limiter),
            Layer.provideMerge(AccessToken.layer()),
            Layer.provideMerge(TeoCredentials.layer({ ...fake.credentials, tokenUrl: fake.tokenUrl })),
            Layer.provide(FetchHttpClient.layer)
          ),
          scope
        )
        return Context.get(context, TeoApi)
      })
    /** A connection of the test's own to the same Redis, to look at what is stored. */
    const inspect = Effect.gen(function* () {
      const scope = yield* Scope.make()
      yield* Effect.addFinalizer((exit) => Scope.close(scope, exit))
      return Context.get(yield* Layer.buildWithScope(redisClient(redis), scope), Redis.Redis)
    })
    return { fake, redis, process, inspect }
  })

const fallbacks = Effect.map(Metric.value(ApiMetrics.rateBudgetFallbacks), (state) => state.count)

const elapsed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const started = Date.now()
    const exit = yield* Effect.exit(effect)
    return { exit, millis: Date.now() - started }
  })

/** `calls` pages read by each process, all at once; the exits. */
const readAll = (processes: ReadonlyArray<TeoApi["Service"]>, calls: number) =>
  Effect.all(
    processes.flatMap((api) =>
      Array.from({ length: calls }, () => Effect.exit(api.page("/production/dossiers", Schema.Unknown)))
    ),
    { concurrency: "unbounded" }
  )

describe("a rate budget shared through Redis", () => {
  // A budget of half téo's limit: fixed windows that do not line up with téo's can let through
  // twice the budget in one of téo's windows, never more.
  it.live("3 processes × 4 calls, a budget of 4 per second, téo allowing 8: no 429 when the budget is shared", () =>
    Effect.gen(function* () {
      const { fake, process } = yield* setting(8)
      const processes = yield* Effect.all(Array.from({ length: 3 }, () => process({ shared: true, limit: 4 })))
      const exits = yield* readAll(processes, 4)
      assert.isTrue(exits.every(Exit.isSuccess))
      assert.strictEqual(fake.stats().apiByStatus["429"] ?? 0, 0)
      assert.strictEqual(fake.stats().apiByStatus["200"], 12)
    })
  )

  it.live("the same budget kept by each process alone: téo answers 429s", () =>
    Effect.gen(function* () {
      const { fake, process } = yield* setting(8)
      const processes = yield* Effect.all(Array.from({ length: 3 }, () => process({ shared: false, limit: 4 })))
      yield* readAll(processes, 4)
      assert.isAbove(fake.stats().apiByStatus["429"] ?? 0, 0)
    })
  )

  it.live("a 429 one process receives makes the others wait its Retry-After instead of calling téo", () =>
    Effect.gen(function* () {
      const { fake, process } = yield* setting(1000)
      const [a, b] = yield* Effect.all([process({ shared: true, limit: 1000 }), process({ shared: true, limit: 1000 })])
      fake.failNext("api", 1, "429") // Retry-After: 1
      const refused = yield* Effect.exit((a as TeoApi["Service"]).page("/production/dossiers", Schema.Unknown))
      assert.isTrue(Exit.isFailure(refused))
      const before = fake.stats().apiRequests
      const started = Date.now()
      yield* (b as TeoApi["Service"]).page("/production/dossiers", Schema.Unknown)
      // b waited out the shared cooldown before its one request reached téo.
      assert.isAtLeast(Date.now() - started, 900)
      assert.strictEqual(fake.stats().apiRequests, before + 1)
    })
  )

  it.live(
    "Redis frozen (SIGSTOP): a call waits at most commandTimeout, then goes on with a warning and the metric",
    () =>
      Effect.gen(function* () {
        const { redis, process } = yield* setting(1000)
        const api = yield* process({ shared: true, limit: 1000, commandTimeout: "200 millis" })
        yield* api.page("/production/dossiers", Schema.Unknown)
        const before = yield* fallbacks
        yield* redis.freeze
        // Thawed after 3 s whatever happens, so that a call stuck on the frozen Redis ends too.
        const thaw = yield* Effect.forkChild(Effect.andThen(Effect.sleep("3 seconds"), redis.thaw))
        const first = yield* elapsed(api.page("/production/dossiers", Schema.Unknown))
        assert.isTrue(Exit.isSuccess(first.exit))
        assert.isBelow(first.millis, 1000, "bounded by commandTimeout, not by the freeze")
        // While Redis stays frozen, the next calls do not wait for it again: the budget is this process's own.
        const next = yield* elapsed(api.page("/production/dossiers", Schema.Unknown))
        assert.isTrue(Exit.isSuccess(next.exit))
        assert.isBelow(next.millis, 150)
        assert.isAtLeast((yield* fallbacks) - before, 2, "each call without the shared budget is counted")
        yield* Fiber.interrupt(thaw)
        yield* redis.thaw
      })
  )

  it.live("the turn counts against the call's deadline: a frozen Redis makes a Deadline, not a longer call", () =>
    Effect.gen(function* () {
      const { redis, process } = yield* setting(1000)
      const api = yield* process({ shared: true, limit: 1000, deadline: "300 millis", commandTimeout: "2 seconds" })
      yield* api.page("/production/dossiers", Schema.Unknown)
      yield* redis.freeze
      const thaw = yield* Effect.forkChild(Effect.andThen(Effect.sleep("4 seconds"), redis.thaw))
      const call = yield* elapsed(api.page("/production/dossiers", Schema.Unknown))
      assert.isBelow(call.millis, 1000)
      assert.isTrue(Exit.isFailure(call.exit))
      assert.include(String(Exit.isFailure(call.exit) ? call.exit.cause : ""), "Deadline")
      yield* Fiber.interrupt(thaw)
      yield* redis.thaw
    })
  )

  it.live("the budget's keys in Redis name neither the client id nor TEO_ID", () =>
    Effect.gen(function* () {
      const { fake, process, inspect } = yield* setting(1000)
      const redisOfTest = yield* inspect
      // 2 per second: a window's counter lives half a second, long enough to be read.
      const api = yield* process({ shared: true, limit: 2 })
      yield* api.page("/production/dossiers", Schema.Unknown)
      const keys = yield* redisOfTest.send<Array<string>>("KEYS", "*")
      assert.isAbove(keys.length, 0)
      for (const key of keys) {
        assert.notInclude(key, fake.credentials.clientId)
        assert.notInclude(key, fake.credentials.teoId)
        assert.match(key, /teo-effect:api:[0-9a-f]{64}/)
      }
    })
  )

  it.live(
    "Redis down at start (resilient wiring): calls succeed on the process's own budget; Redis up, it is shared",
    () =>
      Effect.gen(function* () {
        const { redis, process } = yield* setting(1000, { started: false })
        const api = yield* process({ shared: true, limit: 1000, resilient: true, commandTimeout: "100 millis" })
        const before = yield* fallbacks
        const down = yield* Effect.all(
          Array.from({ length: 3 }, () => Effect.exit(api.page("/production/dossiers", Schema.Unknown)))
        )
        assert.isTrue(down.every(Exit.isSuccess))
        assert.isAtLeast((yield* fallbacks) - before, 1)
        yield* redis.start
        // Once attached (within the retry backoff) and past the budget's recheck, a turn is taken in Redis again.
        let shared = false
        for (let i = 0; i < 100 && !shared; i++) {
          yield* Effect.sleep("50 millis")
          const counted = yield* fallbacks
          yield* api.page("/production/dossiers", Schema.Unknown)
          shared = (yield* fallbacks) === counted
        }
        assert.isTrue(shared, "the budget is shared again: a turn taken without a fallback")
      })
  )
})
