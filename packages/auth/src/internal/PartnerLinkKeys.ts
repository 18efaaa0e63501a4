/**
 * téo's partner-link keys: the JWKS read through the application's
 * `HttpClient` (bounded by a timeout), imported once per read into the EC
 * P-256 public keys that can verify a link, and cached.
 *
 * - A cache hit never waits: while the cache is fresh it is served; stale,
 *   it is still served while one refresh runs in the background.
 * - One read at a time: callers that need keys the cache cannot give (none
 *   cached, an unknown `kid`) wait for the read in flight instead of
 *   starting another — at most `timeout`.
 * - At most one read per `cooldown`, failed or not, cached keys or none:
 *   a JWKS answering 503 costs one read per cooldown, not one per link.
 * - A failed read keeps the keys cached before it; they serve the links
 *   whose `kid` they have. A caller that needed a read (an unknown `kid`)
 *   gets the read's failure, not an answer from keys it knows to be old.
 *
 * @internal
 */
import { Clock, Deferred, Duration, Effect, Exit, Metric, Option, Predicate, Ref, Schema, type Scope } from "effect"
import { type HttpClient, HttpClientError } from "effect/http"
import * as AuthMetrics from "../AuthMetrics.js"
import * as TeoHttp from "./TeoHttp.js"

/** One key that can verify a partner link. */
export interface PartnerKey {
  readonly kid: string | undefined
  readonly key: CryptoKey
}

/** The keys of one read of the JWKS. */
export type KeySet = ReadonlyArray<PartnerKey>

/** The key a link's `kid` designates: one, none, or several (the JWKS is ambiguous). */
export type Lookup =
  | { readonly _tag: "Found"; readonly key: CryptoKey }
  | { readonly _tag: "Unknown" }
  | { readonly _tag: "Ambiguous"; readonly count: number }

/** The keys under `kid`; a link without `kid` designates every key. */
export const lookup = (keys: KeySet, kid: string | undefined): Lookup => {
  const [first, ...others] = kid === undefined ? keys : keys.filter((key) => key.kid === kid)
  if (first === undefined) return { _tag: "Unknown" }
  if (others.length > 0) return { _tag: "Ambiguous", count: others.length + 1 }
  return { _tag: "Found", key: first.key }
}

/** A failed read of the JWKS: `error` for the metric, `detail` for people. */
export interface ReadFailure {
  readonly error: "Timeout" | "Status" | "Transport" | "Invalid"
  readonly detail: string
}

/** The keys of a JWKS as a partner link may use them: every other key is skipped. */
const importKeys = Effect.fnUntraced(function* (
  jwks: ReadonlyArray<unknown>,
  jwksUrl: string
): Effect.fn.Return<KeySet> {
  const keys: Array<PartnerKey> = []
  for (const jwk of jwks) {
    if (!Predicate.isObject(jwk) || Array.isArray(jwk)) continue
    const kid = typeof jwk.kid === "string" ? jwk.kid : undefined
    // Keys for something else than verifying ES256 signatures are not ours to use (nor to warn about).
    if (jwk.kty !== "EC" || jwk.crv !== "P-256") continue
    if (jwk.use !== undefined && jwk.use !== "sig") continue
    if (jwk.alg !== undefined && jwk.alg !== "ES256") continue
    if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes("verify"))) continue
    if (jwk.kid !== undefined && kid === undefined) continue
    if ("d" in jwk) {
      yield* Effect.logError(
        "téo partner links: téo's JWKS publishes a PRIVATE key — anyone can sign links with it. It is never used; tell téo"
      ).pipe(Effect.annotateLogs({ jwksUrl, kid: kid ?? "(none)" }))
      yield* Metric.update(
        Metric.withAttributes(AuthMetrics.partnerLinkUnusableKeys, { problem: "PrivateKeyPublished" }),
        1
      )
      continue
    }
    const { x, y } = jwk
    const key =
      typeof x === "string" && typeof y === "string"
        ? // Only the public members: nothing else of the JWK reaches Web Crypto.
          yield* Effect.option(
            Effect.tryPromise(() =>
              globalThis.crypto.subtle.importKey(
                "jwk",
                { kty: "EC", crv: "P-256", x, y },
                { name: "ECDSA", namedCurve: "P-256" },
                false,
                ["verify"]
              )
            )
          )
        : Option.none()
    if (Option.isNone(key)) {
      yield* Effect.logWarning(
        "téo partner links: a key of téo's JWKS is not an EC P-256 public key; it is skipped"
      ).pipe(Effect.annotateLogs({ jwksUrl, kid: kid ?? "(none)" }))
      yield* Metric.update(Metric.withAttributes(AuthMetrics.partnerLinkUnusableKeys, { problem: "NotImportable" }), 1)
      continue
    }
    keys.push({ kid, key: key.value })
  }
  return keys
})

const JwksBody = Schema.Struct({ keys: Schema.Array(Schema.Unknown) })
const decodeJwks = Schema.decodeUnknownOption(Schema.fromJsonString(JwksBody))

/** One read of the JWKS at `jwksUrl`, bounded by `timeout`. */
export const read = (
  client: HttpClient.HttpClient,
  jwksUrl: string,
  timeout: Duration.Duration
): Effect.Effect<KeySet, ReadFailure> =>
  client.get(jwksUrl, { headers: { accept: "application/json" } }).pipe(
    Effect.flatMap((response) =>
      response.status !== 200
        ? Effect.fail<ReadFailure>({ error: "Status", detail: `it answered HTTP ${response.status}` })
        : TeoHttp.readText(response, response.headers, 1024 * 1024).pipe(
            Effect.mapError((): ReadFailure => ({ error: "Invalid", detail: "its answer was cut or too large" })),
            Effect.flatMap((text) => {
              const body = decodeJwks(text)
              return body._tag === "None"
                ? Effect.fail<ReadFailure>({ error: "Invalid", detail: "its answer is not a JWKS ({ keys: [...] })" })
                : importKeys(body.value.keys, jwksUrl)
            })
          )
    ),
    Effect.catchIf(HttpClientError.isHttpClientError, (error) =>
      Effect.fail<ReadFailure>({ error: "Transport", detail: error.reason.description ?? error.reason._tag })
    ),
    Effect.timeoutOrElse({
      duration: timeout,
      orElse: () =>
        Effect.fail<ReadFailure>({ error: "Timeout", detail: `no answer within ${Duration.format(timeout)}` })
    })
  )

interface State {
  readonly keys: KeySet | undefined
  readonly fetchedAt: number
  readonly lastAttempt: number
  readonly lastFailure: ReadFailure | undefined
  readonly inFlight: Deferred.Deferred<KeySet, ReadFailure> | undefined
}

/** The cache's answer: the keys to verify with, or why there are none. */
export interface KeyCache {
  /**
   * The keys: the cached ones while they serve (`needRead` false), else those
   * of a read — in flight, or started now if the cooldown allows.
   */
  readonly get: (needRead: boolean) => Effect.Effect<KeySet, ReadFailure>
}

/** A cache over `readKeys`, its reads forked in `scope` (a caller that goes away does not cancel one). */
export const makeCache = (options: {
  readonly readKeys: Effect.Effect<KeySet, ReadFailure>
  readonly ttl: Duration.Duration
  readonly cooldown: Duration.Duration
  readonly jwksUrl: string
}): Effect.Effect<KeyCache, never, Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const ttl = Duration.toMillis(options.ttl)
    const cooldown = Duration.toMillis(options.cooldown)
    const state = yield* Ref.make<State>({
      keys: undefined,
      fetchedAt: 0,
      lastAttempt: Number.NEGATIVE_INFINITY,
      lastFailure: undefined,
      inFlight: undefined
    })

    const failureOf = (exit: Exit.Exit<KeySet, ReadFailure>): ReadFailure => {
      if (Exit.isFailure(exit)) {
        for (const reason of exit.cause.reasons) if (reason._tag === "Fail") return reason.error
      }
      return { error: "Transport", detail: "the read was interrupted" }
    }

    const settle = (now: number, exit: Exit.Exit<KeySet, ReadFailure>) =>
      Ref.update(state, (current) =>
        Exit.isSuccess(exit)
          ? { ...current, keys: exit.value, fetchedAt: now, lastFailure: undefined, inFlight: undefined }
          : { ...current, lastFailure: failureOf(exit), inFlight: undefined }
      )

    /** The read in flight, or a new one when the cooldown allows; `undefined` when neither. */
    const begin = (now: number) =>
      Effect.suspend(() => {
        const candidate = Deferred.makeUnsafe<KeySet, ReadFailure>()
        return Effect.flatMap(
          Ref.modify(state, (current): [Deferred.Deferred<KeySet, ReadFailure> | undefined, State] => {
            if (current.inFlight !== undefined) return [current.inFlight, current]
            if (now - current.lastAttempt < cooldown) return [undefined, current]
            return [candidate, { ...current, lastAttempt: now, inFlight: candidate }]
          }),
          (deferred) =>
            deferred !== candidate
              ? Effect.succeed(deferred)
              : options.readKeys.pipe(
                  Effect.tapError((failure) =>
                    Effect.logWarning(`téo partner links: téo's JWKS could not be read: ${failure.detail}`).pipe(
                      Effect.annotateLogs({ jwksUrl: options.jwksUrl }),
                      Effect.andThen(
                        Metric.update(
                          Metric.withAttributes(AuthMetrics.partnerLinkJwksFailures, { error: failure.error }),
                          1
                        )
                      )
                    )
                  ),
                  Effect.exit,
                  Effect.flatMap((exit) => Effect.andThen(settle(now, exit), Deferred.done(candidate, exit))),
                  Effect.forkIn(scope),
                  Effect.as(candidate)
                )
        )
      })

    const get = (needRead: boolean): Effect.Effect<KeySet, ReadFailure> =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const current = yield* Ref.get(state)
        if (current.keys !== undefined && !needRead) {
          // Stale: served all the same, while one refresh runs in the background.
          if (now - current.fetchedAt >= ttl) yield* begin(now)
          return current.keys
        }
        const reading = yield* begin(now)
        if (reading === undefined) {
          // Within the cooldown: what the last read left — its keys, or, when it failed, its failure.
          if (current.keys !== undefined && current.lastFailure === undefined) return current.keys
          return yield* Effect.fail<ReadFailure>({
            error: current.lastFailure?.error ?? "Transport",
            detail: `${current.lastFailure?.detail ?? "it could not be read"}; read again at most every ${Duration.format(options.cooldown)}`
          })
        }
        // A read asked for (nothing cached, an unknown kid): its failure is the answer, cached keys or not.
        return yield* Deferred.await(reading)
      })

    return { get }
  })
