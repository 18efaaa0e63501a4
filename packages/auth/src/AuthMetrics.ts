/**
 * The metrics of `@teo-effect/auth`, all in one place: token requests and
 * their failures, the times a shared store (Redis) could not be used, and
 * the state of the connection to Redis (`ResilientRedis`).
 * Counters, unit: one event (and one gauge); attributes are low-cardinality (`error`: an
 * error's tag or reason). Export them with your metrics exporter
 * (OpenTelemetry, Prometheus) like any Effect metric.
 *
 * @since 0.2.0
 */
import { Metric } from "effect"

/**
 * Token requests sent to téo's token endpoint (a retry is one more request).
 * About one per token lifetime per process — per fleet with
 * `RedisTokenStore`.
 *
 * @since 0.2.0
 * @category metrics
 */
export const tokenRequests = Metric.counter("teo_auth_token_requests_total", {
  description: "Token requests sent to téo's token endpoint",
  incremental: true
})

/**
 * Failed token requests, by `error`: the error's tag (`InvalidClient`,
 * `InvalidScope`, `ExpiredToken`) or, for `TokenRequestFailed`, its reason
 * (`ServerError`, `Timeout`, `Transport`, …).
 *
 * @since 0.2.0
 * @category metrics
 */
export const tokenRequestFailures = Metric.counter("teo_auth_token_request_failures_total", {
  description: "Token requests that failed, by error",
  incremental: true
})

/**
 * Times `RedisTokenStore` could not use Redis and the process requested its
 * own token. Should stay at zero.
 *
 * @since 0.2.0
 * @category metrics
 */
export const tokenStoreFallbacks = Metric.counter("teo_auth_token_store_fallbacks_total", {
  description: "Times the shared token store was unavailable and a token was requested locally",
  incremental: true
})

/**
 * Times `PartnerLinkReplay.redis()` could not use Redis and a partner link
 * was checked against this process's memory only. Should stay at zero.
 *
 * @since 0.2.0
 * @category metrics
 */
export const partnerLinkReplayFallbacks = Metric.counter("teo_auth_partner_link_replay_fallbacks_total", {
  description: "Times the shared replay store was unavailable and a partner link was checked in this process only",
  incremental: true
})

/**
 * Reads of téo's partner-link JWKS that failed (no answer within
 * `jwksTimeout`, an error status, not a JWKS), by `error`
 * (`Timeout`, `Status`, `Transport`, `Invalid`). Links are then verified
 * with the cached keys, or refused with `PartnerLinkKeysUnavailable` when
 * none is cached. Should stay at zero.
 *
 * @since 0.2.0
 * @category metrics
 */
export const partnerLinkJwksFailures = Metric.counter("teo_auth_partner_link_jwks_failures_total", {
  description: "Reads of téo's partner-link JWKS that failed, by error",
  incremental: true
})

/**
 * Keys of téo's partner-link JWKS that are never used: a key that carries
 * its private part (`d`: a private key published — tell téo), or one that
 * does not import as an EC P-256 public key, by `problem`
 * (`PrivateKeyPublished`, `NotImportable`).
 *
 * @since 0.2.0
 * @category metrics
 */
export const partnerLinkUnusableKeys = Metric.counter("teo_auth_partner_link_unusable_keys_total", {
  description: "Keys of téo's partner-link JWKS that are never used, by problem",
  incremental: true
})

/**
 * Connections made with `ResilientRedis.layer` that are not (yet) attached
 * to Redis: 1 per such connection while Redis is down or silent — at start
 * or since — and the process runs on its own (its own token, its own rate
 * budget). Should stay at zero.
 *
 * @since 0.2.0
 * @category metrics
 */
export const redisDetached = Metric.gauge("teo_auth_redis_detached", {
  description: "Redis connections (ResilientRedis) not attached: the process runs without the shared store"
})

/**
 * Attempts of `ResilientRedis.layer` to build the application's Redis layer
 * that failed (each followed by another, after a backoff). With
 * `ResilientRedis.nodeRedisOptions`, node-redis retries within one attempt
 * and this stays at zero: watch `redisDetached`.
 *
 * @since 0.2.0
 * @category metrics
 */
export const redisConnectFailures = Metric.counter("teo_auth_redis_connect_failures_total", {
  description: "Failed attempts to connect to Redis (ResilientRedis), each tried again after a backoff",
  incremental: true
})
