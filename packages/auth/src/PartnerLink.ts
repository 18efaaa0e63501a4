/**
 * téo's partner links (« liens authentifiés »): when a user follows a partner
 * link in téo, téo sends them to the partner's application with a JWT signed
 * with ES256, valid 5 minutes by default, that carries the context (the
 * dossier's UUID, the user's id…). `PartnerLink.verify` checks it against
 * téo's JWKS and gives the context. It is not an API token: the partner
 * calls the API with its own credentials.
 *
 * The token is read strictly (at most 8 KiB, canonical base64url, JSON
 * objects: one spelling per signed content), the algorithm taken from the
 * header must be ES256, the key is picked by `kid` and the signature checked
 * with Web Crypto; then `exp` (required), `nbf`, `iat` with a clock
 * tolerance and a maximum age, issuer and audience when configured, the
 * context's claims by type. Every field may hold any JSON value: each is
 * type-checked before it is used, and a refusal never turns a value into
 * text. The JWKS is read through the application's `HttpClient` (bounded),
 * cached (internal/PartnerLinkKeys), re-read for an unknown `kid` at most
 * once per cooldown, and served from cache while the endpoint is down or
 * slow. The JWKS URL, the claim names and the query parameter are
 * assumptions (`Assumptions.ts`), each an option.
 *
 * @since 0.2.0
 */
import { Clock, Config, Context, DateTime, Duration, Effect, Layer, Option, Result, Schema } from "effect"
import { HttpClient } from "effect/http"
import { partnerLinkClaims, partnerLinkJwksUrl } from "./Assumptions.js"
import * as CompactJws from "./internal/CompactJws.js"
import * as DurationOption from "./internal/DurationOption.js"
import * as EndpointUrl from "./internal/EndpointUrl.js"
import * as PartnerLinkKeys from "./internal/PartnerLinkKeys.js"
import * as Sha256 from "./internal/Sha256.js"
import * as TeoHttp from "./internal/TeoHttp.js"
import { InvalidPartnerLink, type PartnerLinkError, PartnerLinkKeysUnavailable } from "./PartnerLinkError.js"
import * as PartnerLinkReplay from "./PartnerLinkReplay.js"
import * as TeoConfig from "./TeoConfig.js"

/**
 * Options of `PartnerLink.layer`. Every one has a default.
 *
 * @since 0.2.0
 * @category models
 */
export interface PartnerLinkOptions<R = never> {
  /**
   * téo's JWKS. Default (ASSUMED): `https://auth.teoapp.fr/.well-known/jwks.json`.
   * https, or http on this machine only (a local FakeTeo): keys read in clear
   * could be replaced on the way, and forged links would then verify.
   */
  readonly jwksUrl?: string
  /** Accept a plain `http:` JWKS URL to another host than this machine. Default `false`. */
  readonly allowPlainHttp?: boolean
  /** The `iss` to require. Default: not checked (téo does not document it). */
  readonly issuer?: string
  /** The `aud` to require. Default: not checked (téo does not document it). */
  readonly audience?: string
  /** Tolerance on `exp`, `nbf`, `iat` (zero allowed). Default 30 seconds. */
  readonly clockTolerance?: Duration.Input
  /**
   * The longest a link is accepted: `maxAge` after its `iat` (or, without
   * `iat`, a link whose `exp` is further than `maxAge` away is refused).
   * Default 5 minutes (téo's default lifetime).
   */
  readonly maxAge?: Duration.Input
  /** How long the JWKS is kept before it is read again. Default 10 minutes. */
  readonly jwksCacheTtl?: Duration.Input
  /**
   * The least time between two reads of the JWKS (for unknown `kid`s, or
   * while it fails, with or without keys cached). Default 30 seconds.
   */
  readonly jwksCooldown?: Duration.Input
  /**
   * The longest one read of the JWKS may take; a link waiting for keys
   * waits no longer. Default 5 seconds.
   */
  readonly jwksTimeout?: Duration.Input
  /**
   * Refuse a link used before, within its lifetime: `true` in this process,
   * or where `PartnerLinkReplay.redis()` remembers them for a fleet. Default
   * `false`.
   */
  readonly replayProtection?: boolean | Effect.Effect<PartnerLinkReplay.PartnerLinkReplay, never, R>
  /** The claims of the context. Default (ASSUMED): `dossierId`, `userId`. */
  readonly claims?: { readonly dossierId?: string; readonly userId?: string }
}

/**
 * What a verified partner link says: the dossier, the user, when it was
 * issued and until when it is valid, and every claim as it came.
 *
 * @since 0.2.0
 * @category models
 */
export class PartnerContext extends Schema.Class<PartnerContext>("@teo-effect/auth/PartnerContext")({
  dossierId: Schema.String,
  userId: Schema.optionalKey(Schema.String),
  issuedAt: Schema.optionalKey(Schema.DateTimeUtc),
  expiresAt: Schema.DateTimeUtc,
  claims: Schema.Record(Schema.String, Schema.Unknown)
}) {}

const Settings = (allowPlainHttp: boolean) =>
  Schema.Struct({
    jwksUrl: EndpointUrl.Url(allowPlainHttp),
    clockTolerance: DurationOption.NonNegative,
    maxAge: DurationOption.Positive,
    jwksCacheTtl: DurationOption.Positive,
    jwksCooldown: DurationOption.Positive,
    jwksTimeout: DurationOption.Positive
  })

const invalid = (reason: InvalidPartnerLink["reason"], detail?: string) =>
  new InvalidPartnerLink(detail === undefined ? { reason } : { reason, detail })

/**
 * What a JSON value is, for a refusal's detail: its type, never the value
 * turned into text — but for a short name such as an algorithm's (`HS256`).
 */
const describe = (value: unknown): string => {
  if (value === undefined) return "absent"
  if (value === null) return "null"
  if (typeof value === "string") {
    return /^[A-Za-z0-9_-]{1,10}$/.test(value) ? `"${value}"` : `a string of ${value.length} characters`
  }
  if (typeof value === "number") return "a number"
  if (typeof value === "boolean") return "a boolean"
  return Array.isArray(value) ? "an array" : "an object"
}

/** The largest NumericDate a date can hold (±8.64e15 ms, ECMAScript's range), in seconds. */
const maxNumericDate = 8.64e12

/** A NumericDate claim (RFC 7519 §2): absent, or a finite number of seconds. */
const numericDate = (payload: Readonly<Record<string, unknown>>, claim: string) => {
  const value = payload[claim]
  if (value === undefined) return Result.succeed(undefined)
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return Result.fail(invalid("Claims", `${claim} is not a number of seconds (${describe(value)})`))
  }
  return Math.abs(value) <= maxNumericDate
    ? Result.succeed(value)
    : Result.fail(invalid("Claims", `${claim} is out of the range of dates`))
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The longest `jti` and `userId` accepted (téo's are short identifiers). */
const maxIdentifierLength = 256

const encoder = new TextEncoder()

const make = Effect.fnUntraced(function* <R = never>(options: PartnerLinkOptions<R> = {}) {
  const settings = yield* Schema.decodeUnknownEffect(Settings(options.allowPlainHttp === true))(
    {
      jwksUrl: options.jwksUrl ?? partnerLinkJwksUrl,
      clockTolerance: options.clockTolerance ?? "30 seconds",
      maxAge: options.maxAge ?? "5 minutes",
      jwksCacheTtl: options.jwksCacheTtl ?? "10 minutes",
      jwksCooldown: options.jwksCooldown ?? "30 seconds",
      jwksTimeout: options.jwksTimeout ?? "5 seconds"
    },
    { errors: "all" }
  ).pipe(Effect.mapError((error) => new Config.ConfigError(error)))
  const client = TeoHttp.teoClient(yield* HttpClient.HttpClient)
  const claimNames = { ...partnerLinkClaims, ...options.claims }
  const keys = yield* PartnerLinkKeys.makeCache({
    readKeys: PartnerLinkKeys.read(client, settings.jwksUrl, settings.jwksTimeout),
    ttl: settings.jwksCacheTtl,
    cooldown: settings.jwksCooldown,
    jwksUrl: settings.jwksUrl
  })
  const replay =
    options.replayProtection === undefined || options.replayProtection === false
      ? undefined
      : options.replayProtection === true
        ? PartnerLinkReplay.memory()
        : yield* options.replayProtection
  const tolerance = Duration.toSeconds(settings.clockTolerance)
  const maxAge = Duration.toSeconds(settings.maxAge)

  /** The key the link designates: from the cache, or after one read of the JWKS for an unknown `kid`. */
  const keyFor = (kid: string | undefined) =>
    Effect.gen(function* () {
      const cached = PartnerLinkKeys.lookup(yield* keys.get(false), kid)
      const found = cached._tag === "Unknown" ? PartnerLinkKeys.lookup(yield* keys.get(true), kid) : cached
      switch (found._tag) {
        case "Found":
          return found.key
        case "Unknown":
          return yield* invalid("UnknownKey")
        case "Ambiguous":
          return yield* invalid(
            "AmbiguousKey",
            kid === undefined ? `no kid, and téo's JWKS has ${found.count} keys` : `${found.count} keys have this kid`
          )
      }
    }).pipe(
      Effect.catchIf(
        (error): error is PartnerLinkKeys.ReadFailure => !(error instanceof InvalidPartnerLink),
        (failure) => Effect.fail(new PartnerLinkKeysUnavailable({ jwksUrl: settings.jwksUrl, detail: failure.detail }))
      )
    )

  /** The claims' checks, at `now` (seconds); the end of the link's acceptance window (ms) with its context. */
  const contextOf = (
    payload: Readonly<Record<string, unknown>>,
    now: number
  ): Result.Result<{ readonly context: PartnerContext; readonly acceptedUntil: number }, InvalidPartnerLink> =>
    Result.gen(function* () {
      const exp = yield* numericDate(payload, "exp")
      const nbf = yield* numericDate(payload, "nbf")
      const iat = yield* numericDate(payload, "iat")
      if (exp === undefined) return yield* Result.fail(invalid("Claims", "exp is absent"))
      if (exp + tolerance <= now) return yield* Result.fail(invalid("Expired"))
      if (nbf !== undefined && nbf > now + tolerance) return yield* Result.fail(invalid("NotYetValid", "nbf"))
      if (iat !== undefined && iat > now + tolerance) return yield* Result.fail(invalid("NotYetValid", "iat"))
      if (iat !== undefined && now - iat > maxAge + tolerance) {
        return yield* Result.fail(invalid("Expired", "older than the maximum age"))
      }
      // Without iat, the age is bounded by exp: a link is accepted no longer than maxAge from now.
      if (iat === undefined && exp - now > maxAge + tolerance) {
        return yield* Result.fail(invalid("Claims", "no iat, and exp is further away than the maximum age"))
      }
      if (options.issuer !== undefined && payload.iss !== options.issuer) {
        return yield* Result.fail(invalid("Claims", `iss is not the expected issuer (${describe(payload.iss)})`))
      }
      if (options.audience !== undefined) {
        const aud = payload.aud
        const audiences = Array.isArray(aud) ? aud : [aud]
        if (!audiences.includes(options.audience)) {
          return yield* Result.fail(invalid("Claims", `aud does not name the expected audience (${describe(aud)})`))
        }
      }
      const jti = payload.jti
      if (jti !== undefined && (typeof jti !== "string" || jti === "" || jti.length > maxIdentifierLength)) {
        return yield* Result.fail(invalid("Claims", `jti is not a short string (${describe(jti)})`))
      }
      const dossierId = payload[claimNames.dossierId]
      if (typeof dossierId !== "string" || !uuid.test(dossierId)) {
        return yield* Result.fail(
          invalid(
            "Claims",
            dossierId === undefined ? `no ${claimNames.dossierId} claim` : `${claimNames.dossierId} is not a UUID`
          )
        )
      }
      const userId = payload[claimNames.userId]
      const userText =
        userId === undefined
          ? undefined
          : typeof userId === "string" && userId !== "" && userId.length <= maxIdentifierLength
            ? userId
            : typeof userId === "number" && Number.isSafeInteger(userId)
              ? String(userId)
              : null
      if (userText === null) {
        return yield* Result.fail(
          invalid("Claims", `${claimNames.userId} is not a short string nor an integer (${describe(userId)})`)
        )
      }
      // In range (numericDate): both are dates.
      const expiresAt = DateTime.make(exp * 1000)
      const issuedAt = iat === undefined ? Option.none() : DateTime.make(iat * 1000)
      if (Option.isNone(expiresAt) || (iat !== undefined && Option.isNone(issuedAt))) {
        return yield* Result.fail(invalid("Claims", "exp or iat is out of the range of dates"))
      }
      const context = new PartnerContext({
        dossierId,
        ...(userText === undefined ? {} : { userId: userText }),
        ...(Option.isSome(issuedAt) ? { issuedAt: issuedAt.value } : {}),
        expiresAt: expiresAt.value,
        claims: { ...payload }
      })
      // Refused after exp, and after iat + maxAge (or now + maxAge without iat): a record is kept no longer.
      const acceptedUntil = (Math.min(exp, (iat ?? now) + maxAge) + tolerance) * 1000
      return { context, acceptedUntil }
    })

  /** What replay protection remembers of a link: its `jti`, else a digest of what was signed. */
  const identity = (jws: CompactJws.CompactJws) =>
    typeof jws.payload.jti === "string"
      ? Effect.succeed(`jti:${jws.payload.jti}`)
      : Effect.map(Sha256.hex(jws.signingInput), (digest) => `signed:${digest}`)

  const verify = Effect.fn("PartnerLink.verify")(function* (token: string) {
    if (typeof token !== "string") return yield* invalid("Malformed", "the token is not a string")
    const parsed = CompactJws.parse(token)
    if (Result.isFailure(parsed)) return yield* invalid("Malformed", parsed.failure)
    const jws = parsed.success
    // The algorithm first, from the header alone: none, HS256, RS256… are refused before any key is used.
    if (jws.header.alg !== "ES256") return yield* invalid("WrongAlgorithm", `alg ${describe(jws.header.alg)}`)
    if (jws.header.crit !== undefined) {
      return yield* invalid("Malformed", "its header has critical extensions (crit), which are not understood")
    }
    const kid = jws.header.kid
    if (kid !== undefined && (typeof kid !== "string" || kid.length > maxIdentifierLength)) {
      return yield* invalid("Malformed", `its kid is not a short string (${describe(kid)})`)
    }
    const key = yield* keyFor(kid)
    const valid = yield* Effect.promise(() =>
      jws.signature.length !== 64
        ? Promise.resolve(false)
        : globalThis.crypto.subtle.verify(
            { name: "ECDSA", hash: "SHA-256" },
            key,
            jws.signature,
            encoder.encode(jws.signingInput)
          )
    )
    if (!valid) return yield* invalid("BadSignature")
    const now = (yield* Clock.currentTimeMillis) / 1000
    const checked = contextOf(jws.payload, now)
    if (Result.isFailure(checked)) return yield* checked.failure
    if (replay !== undefined) {
      const fresh = yield* replay.markUsed(yield* identity(jws), checked.success.acceptedUntil)
      if (!fresh) return yield* invalid("Replayed")
    }
    return checked.success.context
  })

  return PartnerLink.of({ verify })
})

/**
 * Verifies téo's partner links.
 *
 * @example
 * ```ts
 * import { PartnerLink, UndiciHttpClient } from "@teo-effect/auth"
 * import { Effect, Layer } from "effect"
 *
 * const PartnerLinkLive = PartnerLink.layer({ replayProtection: true }).pipe(
 *   Layer.provide(UndiciHttpClient.layer)
 * )
 *
 * const dossierOf = (token: string) =>
 *   Effect.map(Effect.flatMap(Effect.service(PartnerLink), (links) => links.verify(token)), (context) => context.dossierId)
 * ```
 *
 * @since 0.2.0
 * @category services
 */
export class PartnerLink extends Context.Service<
  PartnerLink,
  {
    /** The context of a valid partner link, or why it is refused. */
    readonly verify: (jwt: string) => Effect.Effect<PartnerContext, PartnerLinkError>
  }
>()("@teo-effect/auth/PartnerLink") {
  /**
   * Builds the service from `options`, on an `HttpClient` (to read téo's
   * JWKS); invalid options fail with a `ConfigError` naming them.
   *
   * @since 0.2.0
   */
  static readonly make = make

  /**
   * Invalid options fail with a `ConfigError` naming them.
   *
   * @since 0.2.0
   */
  static readonly layer = <R = never>(
    options: PartnerLinkOptions<R> = {}
  ): Layer.Layer<PartnerLink, Config.ConfigError, HttpClient.HttpClient | R> => Layer.effect(PartnerLink, make(options))

  /**
   * `layer`, with `jwksUrl` and `allowPlainHttp` from `Config`s: by default
   * `TEO_PARTNER_JWKS_URL` when it is set (`teo fake-server` prints it for a
   * local FakeTeo; else téo's JWKS) and `TEO_ALLOW_PLAIN_HTTP` (see
   * `TeoConfig`); the other options as given.
   *
   * @since 0.2.0
   */
  static readonly layerConfig = <R = never>(
    options: Omit<PartnerLinkOptions<R>, "jwksUrl" | "allowPlainHttp"> &
      TeoConfig.Values<Pick<PartnerLinkOptions<R>, "jwksUrl" | "allowPlainHttp">> = {}
  ): Layer.Layer<PartnerLink, Config.ConfigError, HttpClient.HttpClient | R> => {
    const { jwksUrl, allowPlainHttp, ...rest } = options
    return Layer.unwrap(
      Config.flatMap(allowPlainHttp ?? TeoConfig.allowPlainHttp, (allowPlainHttp = false) =>
        Config.map(jwksUrl ?? TeoConfig.partnerJwksUrl({ allowPlainHttp }), (jwksUrl) =>
          PartnerLink.layer({ ...rest, allowPlainHttp, ...(jwksUrl === undefined ? {} : { jwksUrl }) })
        )
      )
    )
  }
}
