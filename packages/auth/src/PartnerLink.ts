/**
 * téo's partner links (« liens authentifiés »): when a user follows a partner
 * link in téo, téo sends them to the partner's application with a JWT signed
 * with ES256, valid 5 minutes by default, that carries the context (the
 * dossier's UUID, the user's id…). `PartnerLink.verify` checks it against
 * téo's JWKS and gives the context. It is not an API token: the partner
 * calls the API with its own credentials.
 *
 * Built on `jose`. Only ES256, the key picked by `kid`; `exp` required,
 * `nbf` / `iat` honoured with a clock tolerance, a maximum age; issuer and
 * audience checked when configured. The JWKS is fetched through the
 * application's `HttpClient`, cached, refreshed on an unknown `kid` at most
 * once per cooldown, and served from cache while the endpoint is down. The
 * JWKS URL, the claim names and the query parameter are assumptions
 * (`Assumptions.ts`), each an option.
 *
 * @since 0.1.0
 */
import { Clock, Config, Context, DateTime, Duration, Effect, Layer, Option, Ref, Schema, Semaphore } from "effect"
import { HttpClient } from "effect/http"
import { createLocalJWKSet, decodeProtectedHeader, errors, type JSONWebKeySet, type JWTPayload, jwtVerify } from "jose"
import { partnerLinkClaims, partnerLinkJwksUrl } from "./Assumptions.js"
import * as DurationOption from "./internal/DurationOption.js"
import * as EndpointUrl from "./internal/EndpointUrl.js"
import * as TeoHttp from "./internal/TeoHttp.js"
import { InvalidPartnerLink, type PartnerLinkError, PartnerLinkKeysUnavailable } from "./PartnerLinkError.js"
import * as PartnerLinkReplay from "./PartnerLinkReplay.js"

/**
 * Options of `PartnerLink.layer`. Every one has a default.
 *
 * @since 0.1.0
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
  /** Tolerance on `exp`, `nbf`, `iat`. Default 30 seconds. */
  readonly clockTolerance?: Duration.Input
  /** The oldest `iat` accepted. Default 5 minutes (téo's default lifetime). */
  readonly maxAge?: Duration.Input
  /** How long the JWKS is kept before it is read again. Default 10 minutes. */
  readonly jwksCacheTtl?: Duration.Input
  /** The least time between two reads of the JWKS for unknown `kid`s. Default 30 seconds. */
  readonly jwksCooldown?: Duration.Input
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
 * @since 0.1.0
 * @category models
 */
export class PartnerContext extends Schema.Class<PartnerContext>("@teo-effect/auth/PartnerContext")({
  dossierId: Schema.String,
  userId: Schema.optionalKey(Schema.String),
  issuedAt: Schema.optionalKey(Schema.DateTimeUtc),
  expiresAt: Schema.DateTimeUtc,
  claims: Schema.Record(Schema.String, Schema.Unknown)
}) {}

const JwksUrl = (allowPlainHttp: boolean) =>
  Schema.String.check(Schema.makeFilter((input: string) => EndpointUrl.problem(input, { allowPlainHttp }) ?? true))

const Settings = (allowPlainHttp: boolean) =>
  Schema.Struct({
    jwksUrl: JwksUrl(allowPlainHttp),
    clockTolerance: DurationOption.Positive,
    maxAge: DurationOption.Positive,
    jwksCacheTtl: DurationOption.Positive,
    jwksCooldown: DurationOption.Positive
  })

const JwksBody = Schema.Struct({ keys: Schema.Array(Schema.Record(Schema.String, Schema.Unknown)) })
const decodeJwks = Schema.decodeUnknownOption(Schema.fromJsonString(JwksBody))

interface Cache {
  readonly jwks: JSONWebKeySet | undefined
  readonly fetchedAt: number
  readonly lastAttempt: number
}

const invalid = (reason: InvalidPartnerLink["reason"], detail?: string) =>
  new InvalidPartnerLink(detail === undefined ? { reason } : { reason, detail })

/** jose's verdict as a typed refusal; a failure that is not jose's is a malformed token. */
const refusalOf = (error: unknown): InvalidPartnerLink => {
  if (error instanceof errors.JWTExpired) return invalid("Expired")
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf" || (error.claim === "iat" && error.reason === "check_failed"))
      return invalid("NotYetValid")
    if (error.claim === "iat") return invalid("Expired", "older than the maximum age")
    return invalid("Claims", `${error.claim}: ${error.reason}`)
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalid("BadSignature")
  if (error instanceof errors.JOSEAlgNotAllowed) return invalid("WrongAlgorithm")
  if (error instanceof errors.JWKSNoMatchingKey) return invalid("UnknownKey")
  // Web Crypto could not import the JWKS's key for this kid (a hostile or broken JWKS): as good as no
  // key — the JWKS is read again (once per cooldown), and the link is not called malformed.
  if (error instanceof Error && error.name === "DataError") {
    return invalid("UnknownKey", "téo's JWKS holds no usable EC P-256 key for this kid")
  }
  return invalid("Malformed")
}

const make = Effect.fnUntraced(function* <R = never>(options: PartnerLinkOptions<R> = {}) {
  const settings = yield* Schema.decodeUnknownEffect(Settings(options.allowPlainHttp === true))(
    {
      jwksUrl: options.jwksUrl ?? partnerLinkJwksUrl,
      clockTolerance: options.clockTolerance ?? "30 seconds",
      maxAge: options.maxAge ?? "5 minutes",
      jwksCacheTtl: options.jwksCacheTtl ?? "10 minutes",
      jwksCooldown: options.jwksCooldown ?? "30 seconds"
    },
    { errors: "all" }
  ).pipe(Effect.mapError((error) => new Config.ConfigError(error)))
  const client = TeoHttp.teoClient(yield* HttpClient.HttpClient)
  const claimNames = { ...partnerLinkClaims, ...options.claims }
  const cache = yield* Ref.make<Cache>({ jwks: undefined, fetchedAt: 0, lastAttempt: Number.NEGATIVE_INFINITY })
  const refreshing = yield* Semaphore.make(1)
  const replay =
    options.replayProtection === undefined || options.replayProtection === false
      ? undefined
      : options.replayProtection === true
        ? PartnerLinkReplay.memory()
        : yield* options.replayProtection
  const cooldownMillis = Duration.toMillis(settings.jwksCooldown)
  const ttlMillis = Duration.toMillis(settings.jwksCacheTtl)

  const fetchJwks = client.get(settings.jwksUrl, { headers: { accept: "application/json" } }).pipe(
    Effect.flatMap((response) =>
      response.status === 200
        ? Effect.flatMap(
            TeoHttp.readText(response, response.headers, 1024 * 1024).pipe(Effect.mapError(() => "its answer was cut")),
            (text) =>
              Option.match(decodeJwks(text), {
                onNone: () => Effect.fail("its answer is not a JWKS ({ keys: [...] })"),
                onSome: (jwks) => Effect.succeed(jwks as unknown as JSONWebKeySet)
              })
          )
        : Effect.fail(`it answered HTTP ${response.status}`)
    ),
    Effect.catchTag("HttpClientError", (error) => Effect.fail(error.reason.description ?? error.reason._tag))
  )

  /**
   * The keys: cached while fresh; read again when stale, or when `force`d (an
   * unknown `kid`) and the cooldown has passed. A failed read keeps the cache.
   */
  const keys = (force: boolean): Effect.Effect<JSONWebKeySet, PartnerLinkKeysUnavailable> =>
    refreshing.withPermits(1)(
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const current = yield* Ref.get(cache)
        const stale = current.jwks === undefined || now - current.fetchedAt >= ttlMillis
        const mayRefresh = now - current.lastAttempt >= cooldownMillis
        if (current.jwks !== undefined && !(stale || force)) return current.jwks
        if (current.jwks !== undefined && !mayRefresh) return current.jwks
        yield* Ref.update(cache, (state) => ({ ...state, lastAttempt: now }))
        return yield* fetchJwks.pipe(
          Effect.tap((jwks) => Ref.set(cache, { jwks, fetchedAt: now, lastAttempt: now })),
          Effect.catch((detail) =>
            current.jwks !== undefined
              ? Effect.succeed(current.jwks)
              : Effect.fail(new PartnerLinkKeysUnavailable({ jwksUrl: settings.jwksUrl, detail }))
          )
        )
      })
    )

  const check = (jwt: string, jwks: JSONWebKeySet, now: number) =>
    Effect.tryPromise({
      try: () =>
        jwtVerify(jwt, createLocalJWKSet(jwks), {
          algorithms: ["ES256"],
          requiredClaims: ["exp"],
          clockTolerance: Duration.toSeconds(settings.clockTolerance),
          maxTokenAge: Duration.toSeconds(settings.maxAge),
          currentDate: new Date(now),
          ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
          ...(options.audience === undefined ? {} : { audience: options.audience })
        }),
      catch: refusalOf
    })

  const contextOf = (payload: JWTPayload): Effect.Effect<PartnerContext, InvalidPartnerLink> => {
    const dossierId = payload[claimNames.dossierId]
    const userId = payload[claimNames.userId]
    if (typeof dossierId !== "string" || dossierId === "") {
      return Effect.fail(invalid("Claims", `no ${claimNames.dossierId} claim`))
    }
    const expiresAt = DateTime.make((payload.exp ?? 0) * 1000)
    const issuedAt = payload.iat === undefined ? Option.none() : DateTime.make(payload.iat * 1000)
    if (Option.isNone(expiresAt)) return Effect.fail(invalid("Claims", "exp is not a date"))
    return Effect.succeed(
      new PartnerContext({
        dossierId,
        ...(typeof userId === "string" || typeof userId === "number" ? { userId: String(userId) } : {}),
        ...(Option.isSome(issuedAt) ? { issuedAt: issuedAt.value } : {}),
        expiresAt: expiresAt.value,
        claims: { ...payload }
      })
    )
  }

  /** Refuses a token seen before within its lifetime (its `jti`, else the token itself). */
  const once = (jwt: string, payload: JWTPayload): Effect.Effect<void, InvalidPartnerLink> =>
    replay === undefined
      ? Effect.void
      : replay
          .markUsed(
            typeof payload.jti === "string" ? `jti:${payload.jti}` : `jwt:${jwt}`,
            (payload.exp ?? 0) * 1000 + Duration.toMillis(settings.clockTolerance)
          )
          .pipe(Effect.flatMap((fresh) => (fresh ? Effect.void : Effect.fail(invalid("Replayed")))))

  const verify = (jwt: string): Effect.Effect<PartnerContext, PartnerLinkError> =>
    Effect.gen(function* () {
      // The algorithm first, from the header alone: none, HS256, RS256… are refused before any key is used.
      const header = yield* Effect.try({ try: () => decodeProtectedHeader(jwt), catch: () => invalid("Malformed") })
      if (header.alg !== "ES256") {
        return yield* invalid("WrongAlgorithm", `alg ${JSON.stringify(String(header.alg ?? "absent")).slice(0, 40)}`)
      }
      const now = yield* Clock.currentTimeMillis
      const verified = yield* Effect.flatMap(keys(false), (jwks) => check(jwt, jwks, now)).pipe(
        // An unknown kid: the keys read again (at most once per cooldown), then one more try.
        Effect.catchIf(
          (error): error is InvalidPartnerLink => error._tag === "InvalidPartnerLink" && error.reason === "UnknownKey",
          () => Effect.flatMap(keys(true), (jwks) => check(jwt, jwks, now))
        )
      )
      yield* once(jwt, verified.payload)
      return yield* contextOf(verified.payload)
    }).pipe(Effect.withSpan("PartnerLink.verify"))

  return PartnerLink.of({ verify })
})

/**
 * Verifies téo's partner links.
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { PartnerLink } from "@teo-effect/auth"
 * import { Effect, Layer } from "effect"
 *
 * const PartnerLinkLive = PartnerLink.layer({ replayProtection: true }).pipe(
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 *
 * const dossierOf = (token: string) =>
 *   Effect.map(Effect.flatMap(Effect.service(PartnerLink), (links) => links.verify(token)), (context) => context.dossierId)
 * ```
 *
 * @since 0.1.0
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
   * @since 0.1.0
   */
  static readonly make = make

  /**
   * Invalid options fail with a `ConfigError` naming them.
   *
   * @since 0.1.0
   */
  static readonly layer = <R = never>(
    options: PartnerLinkOptions<R> = {}
  ): Layer.Layer<PartnerLink, Config.ConfigError, HttpClient.HttpClient | R> => Layer.effect(PartnerLink, make(options))

  /**
   * `layer`, with the JWKS URL from `TEO_PARTNER_JWKS_URL` when it is set
   * (`teo fake-server` prints it for a local FakeTeo) and `TEO_ALLOW_PLAIN_HTTP`;
   * the other options as given.
   *
   * @since 0.1.0
   */
  static readonly layerConfig = <R = never>(
    options: Omit<PartnerLinkOptions<R>, "jwksUrl"> = {}
  ): Layer.Layer<PartnerLink, Config.ConfigError, HttpClient.HttpClient | R> =>
    Layer.unwrap(
      Config.Boolean("TEO_ALLOW_PLAIN_HTTP").pipe(
        Config.withDefault(options.allowPlainHttp === true),
        Config.flatMap((allowPlainHttp) =>
          Config.option(Config.schema(JwksUrl(allowPlainHttp), "TEO_PARTNER_JWKS_URL")).pipe(
            Config.map((jwksUrl) =>
              PartnerLink.layer({
                ...options,
                allowPlainHttp,
                ...(Option.isSome(jwksUrl) ? { jwksUrl: jwksUrl.value } : {})
              })
            )
          )
        )
      )
    )
}
