/**
 * `RedisTokenStore` against a real `redis-server` (started on a free port for
 * these tests; missing, they fail with one line saying what to install):
 * several `AccessToken`s — the processes of a fleet — sharing one token. The
 * token endpoint is in memory: Redis is the subject. Where the test clock
 * drives the store's waits, each step waits on an event — a process finding
 * the lock taken, a store's `obtain` returning — never on event-loop turns.
 */
import { assert, describe, it } from "@effect/vitest"
import { AccessToken, AuthMetrics, RedisTokenStore, TeoCredentials, type TokenStore } from "@teo-effect/auth"
import {
  capture,
  freshTokens,
  gate,
  makeEventCount,
  makeInMemoryServer,
  redisClient,
  redisServer,
  scriptedClient
} from "@teo-effect/test-support"
import { Clock, Context, Effect, Exit, Fiber, Layer, Metric, Redacted, Scope } from "effect"
import { WebCrypto } from "effect/crypto"
import { Redis } from "effect/persistence"
import { TestClock } from "effect/testing"
import { refusing } from "./utils/crypto.js"
import { clientId, clientSecret, teoId } from "./utils/harness.js"

const fallbackCount = Effect.map(Metric.value(AuthMetrics.tokenStoreFallbacks), (state) => state.count)

/**
 * A token endpoint counting requests, a Redis, and a way to start "processes"
 * (AccessToken instances) on them; with, for the tests that step the clock,
 * the events of every process: a lock found taken (`refused`), a store's
 * `obtain` returned (`obtained`).
 */
const fleet = Effect.gen(function* () {
  const server = yield* makeInMemoryServer
  server.reply = freshTokens()
  const redis = yield* redisServer
  const tokenUrl = `${server.origin}/oauth2/token`
  const refused = makeEventCount()
  const obtained = makeEventCount()
  /** Redis, each `SET … NX` that finds the lock taken counted (the process then waits its pollInterval). */
  const watchedRedis = Layer.effect(
    Redis.Redis,
    Effect.map(Effect.service(Redis.Redis), (client): Redis.Redis["Service"] => ({
      ...client,
      send: <A = unknown>(command: string, ...args: ReadonlyArray<string>) =>
        Effect.tap(client.send<A>(command, ...args), (reply) =>
          Effect.sync(() => {
            if (command === "SET" && args.includes("NX") && reply === null) refused.bump()
          })
        )
    }))
  ).pipe(Layer.provide(redisClient(redis)))
  /** The Redis store, each `obtain` that returns counted (the process then serves what it obtained). */
  const watchedStore = (options: RedisTokenStore.RedisTokenStoreOptions) =>
    Effect.map(
      RedisTokenStore.make(options),
      (store): TokenStore.TokenStore => ({
        ...store,
        obtain: (fetch, current) => Effect.tap(store.obtain(fetch, current), () => Effect.sync(obtained.bump))
      })
    )
  /** One process of the fleet: its own AccessToken, Redis connection and HTTP client. */
  const process = (
    credentials: { clientId?: string; teoId?: string } = {},
    options: RedisTokenStore.RedisTokenStoreOptions = {}
  ) =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      yield* Effect.addFinalizer((exit) => Scope.close(scope, exit))
      const context = yield* Layer.buildWithScope(
        AccessToken.layer({ store: watchedStore(options) }).pipe(
          Layer.provideMerge(
            TeoCredentials.layer({
              clientId: credentials.clientId ?? clientId,
              clientSecret: Redacted.make(clientSecret),
              teoId: credentials.teoId ?? teoId,
              tokenUrl
            })
          ),
          Layer.provideMerge(watchedRedis),
          Layer.provide(scriptedClient(server))
        ),
        scope
      )
      return { accessToken: Context.get(context, AccessToken), redis: Context.get(context, Redis.Redis) }
    })
  /** A new process on `crypto` (Web Crypto) gets a token: its value, what it logged, the fallbacks it counted. */
  const getOn = (crypto: Crypto) =>
    Effect.gen(function* () {
      const before = yield* fallbackCount
      const [token, captured] = yield* capture(
        Effect.flatMap(process(), ({ accessToken }) => accessToken.get).pipe(Effect.provide(WebCrypto.layer(crypto)))
      )
      return { token: Redacted.value(token.value), warnings: captured.logs, fallbacks: (yield* fallbackCount) - before }
    })
  return { server, redis, process, getOn, refused, obtained }
})

describe("RedisTokenStore", () => {
  it.live("8 processes, 250 concurrent cold calls each: 1 token request in all", () =>
    Effect.gen(function* () {
      const { server, process } = yield* fleet
      const processes = yield* Effect.all(Array.from({ length: 8 }, () => process()))
      const tokens = yield* Effect.all(
        processes.flatMap(({ accessToken }) => Array.from({ length: 250 }, () => accessToken.get)),
        { concurrency: "unbounded" }
      )
      assert.lengthOf(server.requests, 1)
      assert.isTrue(tokens.every((token) => Redacted.value(token.value) === "token-1"))
    })
  )

  it.effect("a refresh window: one process refreshes for the fleet, none waits, all pick up the new token", () =>
    Effect.gen(function* () {
      const { server, process, refused, obtained } = yield* fleet
      // The test clock drives the store's waits; its command timeout must not fire while real I/O runs.
      const processes = yield* Effect.all(Array.from({ length: 4 }, () => process({}, { commandTimeout: "1 hour" })))
      for (const { accessToken } of processes) yield* accessToken.get
      assert.lengthOf(server.requests, 1)
      assert.strictEqual(obtained.count(), 4)
      // téo answers the refresh only once the other processes are waiting for it.
      const answer = server.reply
      const slow = gate()
      server.reply = async (request, index) => {
        await slow.opened
        return answer(request, index)
      }
      // Into every process's refresh window (60 s before expiry, plus up to 6 s of jitter).
      yield* TestClock.adjust("560 seconds")
      const served = yield* Effect.all(processes.map(({ accessToken }) => accessToken.get))
      assert.isTrue(
        served.every((token) => Redacted.value(token.value) === "token-1"),
        "no call waits for the refresh"
      )
      // One process holds the lock and asks téo; the three others find it taken and wait their pollInterval.
      yield* server.received(2)
      yield* refused.reached(3)
      slow.open()
      // The holder stores the new token; the others' next look, 50 ms on, finds it.
      yield* obtained.reached(5)
      yield* TestClock.adjust("50 millis")
      yield* obtained.reached(8)
      // Every process serves the refreshed token, fetched once for all.
      const refreshed = yield* Effect.all(processes.map(({ accessToken }) => accessToken.get))
      assert.deepStrictEqual(
        refreshed.map((token) => Redacted.value(token.value)),
        ["token-2", "token-2", "token-2", "token-2"]
      )
      assert.lengthOf(server.requests, 2)
      assert.strictEqual(refused.count(), 3, "each waiter's next look found the token: no lock refused again")
    })
  )

  it.live(
    "keeps the token sealed at rest: neither the token nor the secret is in Redis, and the TTL is its lifetime",
    () =>
      Effect.gen(function* () {
        const { process } = yield* fleet
        const { accessToken, redis } = yield* process()
        yield* accessToken.get
        const keys = yield* redis.send<Array<string>>("KEYS", "*")
        assert.lengthOf(keys, 1)
        const [key] = keys
        assert.match(key ?? "", /^teo-effect:token:[0-9a-f]{64}$/)
        assert.notInclude(key ?? "", clientId)
        const stored = yield* redis.send<Record<string, string>>("HGETALL", key ?? "")
        assert.sameMembers(Object.keys(stored), ["exp", "fp", "data"])
        const dump = Object.values(stored).join(" ")
        assert.notInclude(dump, "token-1")
        assert.notInclude(dump, clientSecret)
        const ttl = yield* redis.send<number>("PTTL", key ?? "")
        assert.isAbove(ttl, 590_000)
        assert.isAtMost(ttl, 599_000)
      })
  )

  it.live("a value sealed for other credentials does not open: another client id or TEO_ID gets its own token", () =>
    Effect.gen(function* () {
      const { server, process } = yield* fleet
      const first = yield* process()
      yield* first.accessToken.get
      const [key] = yield* first.redis.send<Array<string>>("KEYS", "*")
      // Another application on the same Redis, its key overwritten with the first one's sealed token.
      const other = yield* process({ clientId: "another-integration" })
      yield* other.accessToken.get.pipe(Effect.andThen(other.accessToken.get))
      const keys = yield* first.redis.send<Array<string>>("KEYS", "teo-effect:token:*")
      const otherKey = keys.find((candidate) => candidate !== key) ?? ""
      assert.lengthOf(server.requests, 2, "each application requested its own token")
      yield* first.redis.send("COPY", key ?? "", otherKey, "REPLACE")
      const third = yield* process({ clientId: "another-integration" })
      const token = yield* third.accessToken.get
      assert.notStrictEqual(Redacted.value(token.value), "token-1", "the copied value was not accepted")
      assert.lengthOf(server.requests, 3)
    })
  )

  it.live("Redis slow: a command past its bound is Redis unavailable, and the call goes on without it", () =>
    Effect.gen(function* () {
      const { server, process } = yield* fleet
      const a = yield* process({}, { commandTimeout: "200 millis" })
      const blocker = yield* process()
      // The server busy for a second, as a Redis under a long command would be.
      const busy = yield* Effect.forkChild(Effect.ignore(blocker.redis.send("DEBUG", "SLEEP", "1")))
      yield* Effect.sleep("50 millis")
      const started = Date.now()
      const token = yield* a.accessToken.get
      assert.strictEqual(Redacted.value(token.value), "token-1")
      assert.isBelow(Date.now() - started, 900, "it did not wait for Redis")
      assert.lengthOf(server.requests, 1)
      yield* Fiber.join(busy)
    })
  )

  it.live("a holder that died with the lock: another process takes over once the lock's lifetime is over", () =>
    Effect.gen(function* () {
      const { server, process } = yield* fleet
      const a = yield* process({}, { lockTtl: "300 millis" })
      yield* a.accessToken.get
      const [key] = yield* a.redis.send<Array<string>>("KEYS", "*")
      // As if a process had taken the lock and died before storing a token.
      yield* a.redis.send("DEL", key ?? "")
      yield* a.redis.send("SET", `${key}:lock`, "a-dead-holder", "PX", "300")
      const b = yield* process({}, { lockTtl: "300 millis" })
      const token = yield* b.accessToken.get
      assert.strictEqual(Redacted.value(token.value), "token-2")
      assert.lengthOf(server.requests, 2)
      assert.isNull(yield* a.redis.send<string | null>("GET", `${key}:lock`), "b released its own lock")
    })
  )

  it.live(
    "waiters that gave up on a dead holder store what they fetched: a process started later requests nothing",
    () =>
      Effect.gen(function* () {
        const { server, process } = yield* fleet
        const a = yield* process()
        yield* a.accessToken.get
        const [key] = yield* a.redis.send<Array<string>>("KEYS", "*")
        // A holder that died with the lock, which outlives the waiters' patience.
        yield* a.redis.send("DEL", key ?? "")
        yield* a.redis.send("SET", `${key}:lock`, "a-dead-holder", "PX", "5000")
        const waiters = yield* Effect.all(
          Array.from({ length: 3 }, () => process({}, { maxWait: "100 millis" })),
          { concurrency: "unbounded" }
        )
        yield* Effect.all(
          waiters.map(({ accessToken }) => accessToken.get),
          { concurrency: "unbounded" }
        )
        const afterWaiters = server.requests.length
        assert.isAtMost(afterWaiters, 4, "at most one request per waiter")
        // A process started later finds the stored token (the fence kept the latest), the lock still held.
        const later = yield* process({}, { maxWait: "100 millis" })
        const token = yield* later.accessToken.get
        assert.lengthOf(server.requests, afterWaiters, "the later process requested nothing")
        assert.notStrictEqual(Redacted.value(token.value), "token-1")
      })
  )

  it.live(
    "a holder still fetching keeps its lock past lockTtl: the waiter gets its token instead of a second request",
    () =>
      Effect.gen(function* () {
        const { server, process } = yield* fleet
        const tokens = freshTokens()
        // téo slow: each token request answered after 700 ms, well past the 200 ms lock.
        server.reply = (request) => new Promise((resolve) => setTimeout(() => resolve(tokens(request)), 700))
        const a = yield* process({}, { lockTtl: "200 millis", maxWait: "5 seconds" })
        const b = yield* process({}, { lockTtl: "200 millis", maxWait: "5 seconds" })
        const holder = yield* Effect.forkChild(a.accessToken.get)
        yield* server.received(1)
        const waited = yield* b.accessToken.get
        const held = yield* Fiber.join(holder)
        assert.lengthOf(server.requests, 1, "one request: the lock was extended while its holder fetched")
        assert.strictEqual(Redacted.value(waited.value), "token-1")
        assert.strictEqual(Redacted.value(held.value), "token-1")
      })
  )

  it.live("invalidate reaches the fleet, and only for the token it names", () =>
    Effect.gen(function* () {
      const { server, process } = yield* fleet
      const a = yield* process()
      const b = yield* process()
      const old = yield* a.accessToken.get
      yield* a.accessToken.invalidate(old)
      // b has never seen a token: it finds none shared, and fetches a new one.
      const fresh = yield* b.accessToken.get
      assert.strictEqual(Redacted.value(fresh.value), "token-2")
      // A late invalidate of the old token on a does not remove b's newer one.
      yield* a.accessToken.invalidate(old)
      const c = yield* process()
      assert.strictEqual(Redacted.value((yield* c.accessToken.get).value), "token-2")
      assert.lengthOf(server.requests, 2)
    })
  )

  it.live("Redis down: calls still succeed on the local path; Redis back: sharing resumes", () =>
    Effect.gen(function* () {
      const { server, redis, process } = yield* fleet
      const a = yield* process()
      const fallbacks = Effect.map(Metric.value(AuthMetrics.tokenStoreFallbacks), (state) => state.count)
      const before = yield* fallbacks
      yield* redis.stop
      const whileDown = yield* a.accessToken.get
      assert.strictEqual(Redacted.value(whileDown.value), "token-1")
      assert.isAtLeast((yield* fallbacks) - before, 1, "the fallback is counted")
      yield* redis.start
      const b = yield* process()
      const c = yield* process()
      yield* b.accessToken.get
      yield* c.accessToken.get
      assert.lengthOf(server.requests, 2, "one request while Redis was down, one shared by b and c")
    })
  )

  it.live("a token that cannot be sealed: the call gets its token, warned and counted; nothing is stored", () =>
    Effect.gen(function* () {
      const { server, process, getOn } = yield* fleet
      const { token, warnings, fallbacks } = yield* getOn(refusing("encrypt"))
      assert.strictEqual(token, "token-1")
      assert.lengthOf(server.requests, 1)
      assert.isTrue(warnings.some((line) => line.includes("téo token store: could not store the token")))
      assert.strictEqual(fallbacks, 1)
      const { redis } = yield* process()
      assert.deepStrictEqual(yield* redis.send<Array<string>>("KEYS", "*"), [], "no token, and the lock released")
    })
  )

  it.live("a shared token that cannot be opened: the process requests its own, warned and counted", () =>
    Effect.gen(function* () {
      const { server, process, getOn } = yield* fleet
      yield* Effect.flatMap(process(), ({ accessToken }) => accessToken.get)
      const { token, warnings, fallbacks } = yield* getOn(refusing("decrypt"))
      assert.strictEqual(token, "token-2")
      assert.lengthOf(server.requests, 2)
      assert.isTrue(warnings.some((line) => line.includes("téo token store: the shared token does not open")))
      assert.strictEqual(fallbacks, 1)
    })
  )

  it.effect("a waiter looks every pollInterval until maxWait (test clock), then requests its own token, warned", () =>
    Effect.gen(function* () {
      const { server, process, refused } = yield* fleet
      const options: RedisTokenStore.RedisTokenStoreOptions = {
        maxWait: "1 second",
        pollInterval: "50 millis",
        commandTimeout: "1 hour"
      }
      const a = yield* process({}, options)
      yield* a.accessToken.get
      const [key] = yield* a.redis.send<Array<string>>("KEYS", "*")
      // A holder that died with the lock, which outlives the waiter's patience.
      yield* a.redis.send("DEL", key ?? "")
      yield* a.redis.send("SET", `${key}:lock`, "a-dead-holder", "PX", "60000")
      /**
       * Each look of the waiter finds the lock taken, and it sleeps its pollInterval: the clock moves on by
       * that much, each time, until it asks téo itself. How many times it looked.
       */
      const looking = (looks: number): Effect.Effect<number> =>
        Effect.raceFirst(
          Effect.as(refused.reached(refused.count() + 1), true),
          Effect.as(server.received(2), false)
        ).pipe(
          Effect.flatMap((lookedAgain) =>
            lookedAgain ? Effect.andThen(TestClock.adjust("50 millis"), looking(looks + 1)) : Effect.succeed(looks)
          )
        )
      const [waited, captured] = yield* capture(
        Effect.gen(function* () {
          const b = yield* process({}, options)
          const started = yield* Clock.currentTimeMillis
          const fiber = yield* Effect.forkChild(b.accessToken.get)
          const looks = yield* looking(0)
          const exit = yield* Fiber.await(fiber)
          return { exit, looks, millis: (yield* Clock.currentTimeMillis) - started }
        })
      )
      assert.isTrue(Exit.isSuccess(waited.exit) && Redacted.value(waited.exit.value.value) === "token-2")
      assert.isAtLeast(waited.millis, 1000, "it waited maxWait before requesting")
      assert.isAtLeast(waited.looks, 20, "it looked every 50 ms meanwhile")
      assert.lengthOf(server.requests, 2)
      assert.isTrue(captured.logs.some((line) => line.includes("no token from the process holding the lock in time")))
    })
  )
})
