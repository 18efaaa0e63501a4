/**
 * Where `PartnerLink`'s replay protection remembers the links already used:
 * in the process (`memory`), or in Redis for a fleet of processes (`redis`),
 * so that a link opened once is refused a second time by every process —
 * until it expires, when it is forgotten.
 *
 * What is remembered is the link's identity — its `jti`, or, when it has
 * none, a SHA-256 of what téo signed (so another spelling of the same link,
 * or the other twin of its signature, is the same link) — until the end of
 * its acceptance window (`exp`, and `iat` + `maxAge`): never the token
 * itself. In Redis, a SHA-256 of that identity.
 *
 * @since 0.2.0
 */
import { Clock, type Duration, Effect, Metric, Schema } from "effect"
import { Redis } from "effect/persistence"
import * as AuthMetrics from "./AuthMetrics.js"
import { bounded } from "./internal/BoundedRedis.js"
import * as DurationOption from "./internal/DurationOption.js"
import * as Sha256 from "./internal/Sha256.js"

/**
 * What replay protection needs: record a link's identity as used until a
 * time (epoch milliseconds); `false` when it was used already.
 *
 * @since 0.2.0
 * @category models
 */
export interface PartnerLinkReplay {
  readonly markUsed: (id: string, untilMillis: number) => Effect.Effect<boolean>
}

/**
 * Used links in this process, each forgotten once it has expired.
 *
 * @since 0.2.0
 * @category stores
 */
export const memory = (): PartnerLinkReplay => {
  const used = new Map<string, number>()
  // The size after the last full sweep: the map never holds more than twice the live links (and 64).
  let swept = 0
  return {
    markUsed: (id, untilMillis) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        if (used.size >= Math.max(64, 2 * swept)) {
          for (const [key, until] of used) if (until <= now) used.delete(key)
          swept = used.size
        }
        const until = used.get(id)
        if (until !== undefined && until > now) return false
        used.set(id, untilMillis)
        return true
      })
  }
}

/**
 * Options of the Redis replay store. Every one has a default.
 *
 * @since 0.2.0
 * @category models
 */
export interface RedisOptions {
  /** Prefix of the keys. Default `teo-effect:partner-link:`. */
  readonly prefix?: string
  /** The longest one Redis command may take before Redis is deemed unavailable. Default 1 second. */
  readonly commandTimeout?: Duration.Input
}

const Settings = Schema.Struct({
  prefix: Schema.String,
  commandTimeout: DurationOption.Positive
})

/**
 * Used links in the current `Redis` (`effect/persistence`), shared by every
 * process that uses it: `SET NX` with the link's remaining lifetime as TTL.
 * Redis down or slow: the link is checked against this process's memory
 * (still single-use here), with a warning log and the
 * `teo_auth_partner_link_replay_fallbacks_total` metric.
 *
 * @example
 * ```ts
 * import { NodeRedis } from "@effect/platform-node"
 * import { PartnerLink, PartnerLinkReplay, ResilientRedis, UndiciHttpClient } from "@teo-effect/auth"
 * import { Layer } from "effect"
 *
 * const PartnerLinkLive = PartnerLink.layer({ replayProtection: PartnerLinkReplay.redis() }).pipe(
 *   Layer.provide(ResilientRedis.layer(NodeRedis.layer({ url: "redis://127.0.0.1:6379", ...ResilientRedis.nodeRedisOptions }))),
 *   Layer.provide(UndiciHttpClient.layer)
 * )
 * ```
 *
 * @since 0.2.0
 * @category stores
 */
export const redis = (options: RedisOptions = {}): Effect.Effect<PartnerLinkReplay, never, Redis.Redis> =>
  Effect.gen(function* () {
    const settings = yield* Schema.decodeUnknownEffect(Settings)({
      prefix: options.prefix ?? "teo-effect:partner-link:",
      commandTimeout: options.commandTimeout ?? "1 second"
    }).pipe(Effect.orDie)
    const client = bounded(yield* Redis.Redis, settings.commandTimeout)
    const local = memory()
    return {
      markUsed: (id, untilMillis) =>
        Effect.gen(function* () {
          const key = `${settings.prefix}${yield* Sha256.hex(id)}`
          // Recorded here too: a replay in this process is refused even while Redis is down.
          const fresh = yield* local.markUsed(key, untilMillis)
          const ttl = Math.max(1, Math.ceil(untilMillis - (yield* Clock.currentTimeMillis)))
          const shared = yield* client.send<string | null>("SET", key, "1", "NX", "PX", String(ttl)).pipe(
            Effect.map((answer) => answer === "OK"),
            Effect.catch((error) =>
              Effect.logWarning(
                "téo partner links: the replay store (Redis) is unavailable; links are checked in this process only"
              ).pipe(
                Effect.annotateLogs({ error: String(error.cause) }),
                Effect.andThen(Metric.update(AuthMetrics.partnerLinkReplayFallbacks, 1)),
                Effect.as(true)
              )
            )
          )
          return fresh && shared
        })
    }
  })
