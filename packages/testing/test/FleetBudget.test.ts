/**
 * The shared rate budget (`TeoApi`'s `rateLimit` option) across processes —
 * `TeoApi` instances with their own connections — on a real `redis-server`,
 * against a FakeTeo that rate limits: together they stay under téo's limit,
 * and a 429 one of them receives makes all of them back off.
 */
import { NodeRedis } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { TeoApi } from "@teo-effect/api"
import { AccessToken, TeoCredentials } from "@teo-effect/auth"
import { redisServer } from "@teo-effect/test-support"
import { FakeTeo } from "@teo-effect/testing"
import { Context, Effect, Exit, Layer, Schema, Scope } from "effect"
import { FetchHttpClient } from "effect/http"
import { RateLimiter } from "effect/persistence"

/** A FakeTeo that allows `limit` API requests per second, and a Redis. */
const setting = (limit: number) =>
  Effect.gen(function* () {
    const fake = yield* Effect.acquireRelease(
      Effect.promise(() => FakeTeo.start({ rateLimit: { requests: limit, window: "1 second" } })),
      (fake) => Effect.promise(() => fake.close())
    )
    const redis = yield* redisServer
    /** One process: its own token, HTTP client, Redis connection; the budget shared through Redis or not. */
    const process = (budget: { shared: boolean; limit: number }) =>
      Effect.gen(function* () {
        const scope = yield* Scope.make()
        yield* Effect.addFinalizer((exit) => Scope.close(scope, exit))
        const limiter = budget.shared
          ? RateLimiter.layer.pipe(
              Layer.provide(RateLimiter.layerStoreRedis()),
              Layer.provide(NodeRedis.layer({ url: redis.url }))
            )
          : Layer.empty
        const context = yield* Layer.buildWithScope(
          TeoApi.layer({
            baseUrl: fake.apiUrl,
            retry: false,
            rateLimit: { limit: budget.limit, window: "1 second" }
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
    return { fake, process }
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
})
