/**
 * Replay protection shared by a fleet: `PartnerLinkReplay.redis()` on a real
 * `redis-server` (a free port; missing, the tests fail with one line saying
 * what to install), several `PartnerLink`s — the processes of a fleet — each
 * with its own Redis connection, verifying links signed as téo signs them.
 * The JWKS endpoint is in memory: Redis is the subject.
 */
import { assert, describe, it } from "@effect/vitest"
import { AuthMetrics, type InvalidPartnerLink, PartnerLink, PartnerLinkReplay, ResilientRedis } from "@teo-effect/auth"
import {
  makeEventCount,
  makeInMemoryServer,
  redisClient,
  redisServerWith,
  scriptedClient
} from "@teo-effect/test-support"
import { Clock, type Config, Context, Effect, Layer, Metric, Scope } from "effect"
import { Redis } from "effect/persistence"
import { TestClock } from "effect/testing"
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose"

const fleetWith = (options: { readonly redisStarted: boolean; readonly resilient: boolean }) =>
  Effect.gen(function* () {
    const { privateKey, publicKey } = yield* Effect.promise(() => generateKeyPair("ES256", { extractable: true }))
    const jwk: JWK = { ...(yield* Effect.promise(() => exportJWK(publicKey))), kid: "k1", alg: "ES256" }
    const server = yield* makeInMemoryServer
    server.reply = () => ({ status: 200, json: { keys: [jwk] } })
    const redis = yield* redisServerWith({ started: options.redisStarted })
    /** Each time a process's Redis connection is up: at its start, at each reconnection. */
    const connected = makeEventCount()
    const redisLayer: Layer.Layer<Redis.Redis, Redis.RedisError | Config.ConfigError> = options.resilient
      ? ResilientRedis.layer(redisClient(redis, { connected }), { maxRetryDelay: "100 millis" })
      : redisClient(redis, { connected })
    /** A link as téo would issue it, now; `jti` absent when `null`. */
    const sign = (jti: string | null = globalThis.crypto.randomUUID(), lifetime = 300) =>
      Effect.flatMap(Clock.currentTimeMillis, (millis) =>
        Effect.promise(() => {
          const now = Math.floor(millis / 1000)
          const token = new SignJWT({ dossierId: "0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b" })
            .setProtectedHeader({ alg: "ES256", kid: "k1" })
            .setIssuedAt(now)
            .setExpirationTime(now + lifetime)
          return (jti === null ? token : token.setJti(jti)).sign(privateKey)
        })
      )
    /** One process: its own PartnerLink on its own Redis connection. */
    const process = Effect.gen(function* () {
      const scope = yield* Scope.make()
      yield* Effect.addFinalizer((exit) => Scope.close(scope, exit))
      const context = yield* Layer.buildWithScope(
        PartnerLink.layer({
          jwksUrl: `${server.origin}/jwks.json`,
          replayProtection: PartnerLinkReplay.redis({ commandTimeout: "300 millis" })
        }).pipe(Layer.provideMerge(redisLayer), Layer.provide(scriptedClient(server))),
        scope
      )
      return { links: Context.get(context, PartnerLink), redis: Context.get(context, Redis.Redis) }
    })
    return { sign, redis, process, connected }
  })

const fleet = fleetWith({ redisStarted: true, resilient: false })

const reasonOf = (effect: Effect.Effect<unknown, unknown>) =>
  Effect.map(Effect.flip(effect), (error) => (error as InvalidPartnerLink).reason)

/**
 * Redis back: once both processes' connections are up again (`reconnected`
 * completes), a link one accepts is refused by the other.
 */
const sharedAgain = (
  first: { readonly links: PartnerLink["Service"] },
  second: { readonly links: PartnerLink["Service"] },
  sign: () => Effect.Effect<string>,
  reconnected: Effect.Effect<void>
) =>
  Effect.gen(function* () {
    yield* reconnected
    const link = yield* sign()
    yield* first.links.verify(link)
    assert.strictEqual(yield* reasonOf(second.links.verify(link)), "Replayed")
  })

describe("PartnerLinkReplay.memory", () => {
  it.effect("a link is used once until its time is over, then forgotten", () =>
    Effect.gen(function* () {
      const replay = PartnerLinkReplay.memory()
      assert.isTrue(yield* replay.markUsed("jti:a", 60_000))
      assert.isTrue(yield* replay.markUsed("jti:b", 120_000))
      assert.isFalse(yield* replay.markUsed("jti:a", 60_000))
      yield* TestClock.adjust("61 seconds")
      // a's time is over: forgotten (an expired link is refused as expired before it gets here); b is not.
      assert.isTrue(yield* replay.markUsed("jti:a", 200_000))
      assert.isFalse(yield* replay.markUsed("jti:b", 120_000))
    })
  )

  it.effect("a record that lives long does not pin the later ones: each is forgotten at its own time", () =>
    Effect.gen(function* () {
      const replay = PartnerLinkReplay.memory()
      assert.isTrue(yield* replay.markUsed("jti:long", 3_600_000))
      for (let i = 0; i < 100; i++) assert.isTrue(yield* replay.markUsed(`jti:${i}`, 60_000))
      yield* TestClock.adjust("61 seconds")
      for (let i = 0; i < 100; i++) assert.isTrue(yield* replay.markUsed(`jti:${i}`, 200_000), `jti:${i}`)
      assert.isFalse(yield* replay.markUsed("jti:long", 3_600_000))
    })
  )
})

describe("PartnerLinkReplay.redis", () => {
  it.live("a link used by one process is refused by every other; another link is not", () =>
    Effect.gen(function* () {
      const { sign, process } = yield* fleet
      const first = yield* process
      const second = yield* process
      const third = yield* process
      const link = yield* sign()
      yield* first.links.verify(link)
      assert.strictEqual(yield* reasonOf(second.links.verify(link)), "Replayed")
      assert.strictEqual(yield* reasonOf(third.links.verify(link)), "Replayed")
      assert.strictEqual(yield* reasonOf(first.links.verify(link)), "Replayed")
      const other = yield* third.links.verify(yield* sign())
      assert.strictEqual(other.dossierId, "0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b")
    })
  )

  it.live("the same link opened at once by 8 processes: exactly one accepts it", () =>
    Effect.gen(function* () {
      const { sign, process } = yield* fleet
      const processes = yield* Effect.all(Array.from({ length: 8 }, () => process))
      const link = yield* sign()
      const results = yield* Effect.all(
        processes.map(({ links }) => Effect.result(links.verify(link))),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(results.filter((result) => result._tag === "Success").length, 1)
    })
  )

  it.live("a link with a far exp is kept no longer than its acceptance window (iat + maxAge)", () =>
    Effect.gen(function* () {
      const { sign, process } = yield* fleet
      const { links, redis } = yield* process
      yield* links.verify(yield* sign("jti-far", 10 * 365 * 24 * 3600))
      const [key] = yield* redis.send<Array<string>>("KEYS", "*")
      const ttl = yield* redis.send<number>("PTTL", key ?? "")
      // maxAge (5 minutes) and the 30 s tolerance, not ten years.
      assert.isAbove(ttl, 300_000)
      assert.isAtMost(ttl, 330_000)
    })
  )

  it.live("another spelling of a used link (the signature's high-S twin) is refused by every process", () =>
    Effect.gen(function* () {
      const { sign, process } = yield* fleet
      const first = yield* process
      const second = yield* process
      const link = yield* sign(null)
      const [header, payload, signature] = link.split(".") as [string, string, string]
      const bytes = Buffer.from(signature, "base64url")
      const order = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
      const s = BigInt(`0x${bytes.subarray(32).toString("hex")}`)
      const high = Buffer.from((order - s).toString(16).padStart(64, "0"), "hex")
      const twin = `${header}.${payload}.${Buffer.concat([bytes.subarray(0, 32), high]).toString("base64url")}`
      yield* first.links.verify(link)
      assert.strictEqual(yield* reasonOf(second.links.verify(twin)), "Replayed")
    })
  )

  it.live("Redis holds a hash for the link's remaining lifetime: never the token, never the jti", () =>
    Effect.gen(function* () {
      const { sign, process } = yield* fleet
      const { links, redis } = yield* process
      const link = yield* sign("jti-canary-4242", 120)
      const withoutJti = yield* sign(null, 120)
      yield* links.verify(link)
      yield* links.verify(withoutJti)
      const keys = yield* redis.send<Array<string>>("KEYS", "*")
      assert.strictEqual(keys.length, 2)
      for (const key of keys) {
        assert.match(key, /^teo-effect:partner-link:[0-9a-f]{64}$/)
        const ttl = yield* redis.send<number>("PTTL", key)
        // Its lifetime (120 s) and the 30 s clock tolerance, less the time the test took.
        assert.isAbove(ttl, 100_000)
        assert.isAtMost(ttl, 150_000)
        assert.strictEqual(yield* redis.send<string>("GET", key), "1")
      }
      const dump = JSON.stringify(keys)
      for (const secret of ["jti-canary-4242", link, withoutJti, link.split(".")[2] ?? link]) {
        assert.notInclude(dump, secret)
      }
    })
  )

  it.live("Redis down: still single-use in this process, with a warning metric; shared again when it is back", () =>
    Effect.gen(function* () {
      const { sign, redis, process, connected } = yield* fleet
      const first = yield* process
      const second = yield* process
      assert.strictEqual(connected.count(), 2)
      const fallbacks = Metric.value(AuthMetrics.partnerLinkReplayFallbacks)
      const before = (yield* fallbacks).count
      yield* redis.stop
      const link = yield* sign()
      yield* first.links.verify(link)
      assert.strictEqual(yield* reasonOf(first.links.verify(link)), "Replayed")
      assert.isAtLeast((yield* fallbacks).count - before, 1)
      yield* redis.start
      // Each connection reconnects.
      yield* sharedAgain(first, second, sign, connected.reached(4))
    })
  )

  it.live(
    "Redis down at start (ResilientRedis): the processes start, single-use in each; shared once Redis comes",
    () =>
      Effect.gen(function* () {
        const { sign, redis, process, connected } = yield* fleetWith({ redisStarted: false, resilient: true })
        const first = yield* process
        const second = yield* process
        const link = yield* sign()
        yield* first.links.verify(link)
        assert.strictEqual(yield* reasonOf(first.links.verify(link)), "Replayed")
        assert.strictEqual(connected.count(), 0)
        yield* redis.start
        // Each process's ResilientRedis attaches its first connection.
        yield* sharedAgain(first, second, sign, connected.reached(2))
      })
  )
})
