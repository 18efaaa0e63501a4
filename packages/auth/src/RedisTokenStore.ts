/**
 * A token store on Redis, for a fleet of processes: one token request per
 * token lifetime across every process that shares it. The application
 * provides `Redis` (`effect/persistence`) at its edge — `NodeRedis.layer`
 * from `@effect/platform-node` on Node — as it provides `HttpClient`.
 *
 * - Who fetches is decided by a short lock (`SET NX PX`), extended while its
 *   holder is still fetching; the others wait for the token to appear (or for
 *   a dead holder's lock to expire, and take it), never longer than
 *   `maxWait`, then fetch themselves and store what they fetched.
 * - A write is fenced by expiry: a slow holder cannot replace a newer token.
 * - `invalidate` is a compare-and-delete on the token's fingerprint: a late
 *   401 on an old token cannot remove a newer one.
 * - At rest the token is sealed (AES-256-GCM, key derived with HKDF from the
 *   client secret and the credentials' identity), under a key that is a hash
 *   of (token URL, client id, `TEO_ID`), with a TTL equal to its remaining
 *   lifetime.
 * - Redis down or slow, or a token that cannot be sealed or opened (a
 *   `CryptoError`): the process fetches its own token (as without a store),
 *   with a warning log and the `teo_auth_token_store_fallbacks_total` metric;
 *   sharing resumes when Redis answers again.
 *
 * @since 0.2.0
 */
import { Clock, Data, Duration, Effect, Fiber, Metric, Schedule, Schema } from "effect"
import { type CryptoError, SecureRandom } from "effect/crypto"
import { Redis } from "effect/persistence"
import type { AuthError } from "./AuthError.js"
import * as AuthMetrics from "./AuthMetrics.js"
import { bounded } from "./internal/BoundedRedis.js"
import * as DurationOption from "./internal/DurationOption.js"
import * as TokenSealing from "./internal/TokenSealing.js"
import { TeoCredentials } from "./TeoCredentials.js"
import type { Token } from "./Token.js"
import type { TokenStore } from "./TokenStore.js"

/**
 * Options of the Redis token store. Every one has a default.
 *
 * @since 0.2.0
 * @category models
 */
export interface RedisTokenStoreOptions {
  /** Prefix of the keys. Default `teo-effect:token:`. */
  readonly prefix?: string
  /**
   * How long the fetch lock lives unless its holder extends it (every third
   * of it, while still fetching): a holder that died frees it within this
   * time. Default 5 seconds.
   */
  readonly lockTtl?: Duration.Input
  /**
   * How long a process waits for another's token before fetching its own
   * (and storing it, fenced). Default 15 seconds: longer than `lockTtl`, so
   * that the lock of a holder that died expires first and one waiter takes it
   * over — one request, not one per waiter — and longer than one token
   * request (`AccessToken`'s `requestTimeout`, 10 seconds).
   */
  readonly maxWait?: Duration.Input
  /** Between two looks at the store while waiting. Default 50 milliseconds. */
  readonly pollInterval?: Duration.Input
  /**
   * The longest one Redis command may take before Redis is deemed unavailable
   * and the process fetches its own token. Default 1 second.
   */
  readonly commandTimeout?: Duration.Input
}

/** Writes the sealed token unless the stored one expires later (the fence); TTL = its remaining lifetime. */
const write = Redis.script(
  (key: string, expiresAt: number, fingerprint: string, sealed: string, ttlMillis: number) => [
    key,
    String(expiresAt),
    fingerprint,
    sealed,
    String(ttlMillis)
  ],
  {
    numberOfKeys: 1,
    lua: `local current = redis.call('HGET', KEYS[1], 'exp')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'exp', ARGV[1], 'fp', ARGV[2], 'data', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`
  }
).withReturnType<number>()

/** Deletes `key` only if it still holds `expected` in `field` (compare-and-delete). */
const deleteIf = Redis.script((key: string, field: string, expected: string) => [key, field, expected], {
  numberOfKeys: 1,
  lua: `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('DEL', KEYS[1]) end
return 0`
}).withReturnType<number>()

/** Extends the lock only if it is still ours (compare-and-extend). */
const extend = Redis.script((key: string, fence: string, ttlMillis: string) => [key, fence, ttlMillis], {
  numberOfKeys: 1,
  lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`
}).withReturnType<number>()

/** Releases the lock only if it is still ours. */
const unlock = Redis.script((key: string, fence: string) => [key, fence], {
  numberOfKeys: 1,
  lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`
}).withReturnType<number>()

/** What one look at the store found: another's token, the lock (now ours), or neither — still another's lock. */
type Look = Data.TaggedEnum<{
  Shared: { readonly token: Token }
  Locked: Record<never, never>
  Waiting: Record<never, never>
}>
const Look = Data.taggedEnum<Look>()

const Settings = Schema.Struct({
  prefix: Schema.String.check(Schema.isNonEmpty()),
  lockTtl: DurationOption.Positive,
  maxWait: DurationOption.Positive,
  pollInterval: DurationOption.Positive,
  commandTimeout: DurationOption.Positive
})

/**
 * The Redis token store of the current `TeoCredentials`, on the current
 * `Redis`. Give it to `AccessToken.layer({ store })`.
 *
 * @example
 * ```ts
 * import { NodeRedis } from "@effect/platform-node"
 * import { AccessToken, RedisTokenStore, ResilientRedis, TeoCredentials, UndiciHttpClient } from "@teo-effect/auth"
 * import { Layer } from "effect"
 *
 * const TokenLive = AccessToken.layer({ store: RedisTokenStore.make() }).pipe(
 *   Layer.provide(TeoCredentials.layerConfig()),
 *   Layer.provide(ResilientRedis.layer(NodeRedis.layer({ url: "redis://127.0.0.1:6379", ...ResilientRedis.nodeRedisOptions }))),
 *   Layer.provide(UndiciHttpClient.layer)
 * )
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (
  options: RedisTokenStoreOptions = {}
): Effect.Effect<TokenStore, never, Redis.Redis | TeoCredentials> =>
  Effect.gen(function* () {
    const settings = yield* Schema.decodeUnknownEffect(Settings)({
      prefix: options.prefix ?? "teo-effect:token:",
      lockTtl: options.lockTtl ?? "5 seconds",
      maxWait: options.maxWait ?? "15 seconds",
      pollInterval: options.pollInterval ?? "50 millis",
      commandTimeout: options.commandTimeout ?? "1 second"
    }).pipe(Effect.orDie)
    const redis = bounded(yield* Redis.Redis, settings.commandTimeout)
    const credentials = yield* TeoCredentials
    const sealer = yield* TokenSealing.makeSealer(credentials, settings.prefix)
    const random = yield* SecureRandom.SecureRandom
    const key = sealer.key
    const lockKey = `${key}:lock`
    const lockMillis = String(Duration.toMillis(settings.lockTtl))
    // Looks every `pollInterval`, until `maxWait` has passed since the first.
    const waiting = Schedule.max([Schedule.spaced(settings.pollInterval), Schedule.during(settings.maxWait)])
    const extendEvery = Duration.millis(Math.max(1, Math.floor(Duration.toMillis(settings.lockTtl) / 3)))

    /** The stored token, if it opens and is newer than `current`, and valid for a while yet. */
    const read = (current: Token | undefined) =>
      Effect.flatMap(redis.send<string | null>("HGET", key, "data"), (sealed) =>
        sealed === null || sealed === undefined
          ? Effect.succeed(undefined)
          : Effect.flatMap(sealer.open(sealed), (token) =>
              Effect.map(Clock.currentTimeMillis, (now) =>
                token !== undefined &&
                token.expiresAt.epochMilliseconds > now &&
                (current === undefined || token.expiresAt.epochMilliseconds > current.expiresAt.epochMilliseconds)
                  ? token
                  : undefined
              )
            )
      )

    const store = (token: Token) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const ttl = token.expiresAt.epochMilliseconds - now
        if (ttl <= 0) return
        yield* redis.eval(write)(
          key,
          token.expiresAt.epochMilliseconds,
          yield* sealer.fingerprint(token),
          yield* sealer.seal(token),
          ttl
        )
      })

    /** `fetch`, and what it fetched stored for the others (fenced: a newer stored token stays). */
    const fetchAndStore = (fetch: Effect.Effect<Token, AuthError>) =>
      Effect.tap(fetch, (token) => Effect.catch(store(token), (error) => warn("could not store the token", error)))

    /** Extends the lock every third of its lifetime while it is still ours; ends when it is not, or Redis fails. */
    const keepLock = (fence: string): Effect.Effect<void> =>
      Effect.sleep(extendEvery).pipe(
        Effect.andThen(redis.eval(extend)(lockKey, fence, lockMillis)),
        Effect.flatMap((extended) => (extended === 1 ? keepLock(fence) : Effect.void)),
        Effect.ignore
      )

    /** Fetches holding the lock (extended meanwhile): the token, stored; the lock released if still ours. */
    const fetchHolding = (fetch: Effect.Effect<Token, AuthError>, fence: string) =>
      Effect.acquireUseRelease(
        Effect.forkChild(keepLock(fence)),
        () => fetchAndStore(fetch),
        (keeper) => Effect.andThen(Fiber.interrupt(keeper), Effect.ignore(redis.eval(unlock)(lockKey, fence)))
      )

    const warn = (what: string, error: Redis.RedisError | CryptoError.CryptoError) =>
      Effect.logWarning(`téo token store: ${what}; this process requests its own token`).pipe(
        Effect.annotateLogs({
          teoId: credentials.teoId,
          error: error._tag === "RedisError" ? String(error.cause) : error.message
        }),
        Effect.andThen(Metric.update(AuthMetrics.tokenStoreFallbacks, 1))
      )

    /** One look: the shared token if there is one, else the lock if it is free. */
    const look = (current: Token | undefined, fence: string) =>
      Effect.gen(function* () {
        const shared = yield* read(current)
        if (shared !== undefined) return Look.Shared({ token: shared })
        const locked = yield* redis.send<string | null>("SET", lockKey, fence, "NX", "PX", lockMillis)
        return locked === "OK" ? Look.Locked() : Look.Waiting()
      })

    const obtain = (
      fetch: Effect.Effect<Token, AuthError>,
      current: Token | undefined
    ): Effect.Effect<Token, AuthError> =>
      // The lock's value: only this attempt may release it.
      Effect.flatMap(random.uuidV4(), (fence) =>
        look(current, fence).pipe(
          Effect.repeat({ schedule: waiting, while: Look.$is("Waiting") }),
          Effect.matchEffect({
            // Redis unavailable, or the shared token does not open: the local path.
            onFailure: (error) =>
              Effect.andThen(
                warn(error._tag === "RedisError" ? "Redis is unavailable" : "the shared token does not open", error),
                fetch
              ),
            onSuccess: Look.$match({
              Shared: ({ token }) => Effect.succeed(token),
              // The lock is ours; a token stored between our look and our lock is taken, not fetched again.
              Locked: () =>
                Effect.flatMap(
                  Effect.orElseSucceed(read(current), () => undefined),
                  (stored) =>
                    stored === undefined
                      ? fetchHolding(fetch, fence)
                      : Effect.as(Effect.ignore(redis.eval(unlock)(lockKey, fence)), stored)
                ),
              // Still another's lock when `maxWait` ran out.
              Waiting: () =>
                Effect.andThen(
                  Effect.logWarning(
                    "téo token store: no token from the process holding the lock in time; requesting one"
                  ),
                  fetchAndStore(fetch)
                )
            })
          })
        )
      )

    const invalidate = (token: Token): Effect.Effect<void> =>
      Effect.flatMap(sealer.fingerprint(token), (fingerprint) => redis.eval(deleteIf)(key, "fp", fingerprint)).pipe(
        Effect.catch((error) => warn("could not invalidate the shared token", error)),
        Effect.asVoid
      )

    return { obtain, invalidate }
  }).pipe(Effect.provide(TokenSealing.layer))
