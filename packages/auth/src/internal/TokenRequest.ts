/**
 * One token request, exactly as téo's authentication page documents it, with
 * the answer decoded into a `Token` or a typed `AuthError`. Caching, single
 * flight and retries are `AccessToken`'s job.
 *
 * @internal
 */
import { Clock, DateTime, Duration, Effect, Metric, Option, Predicate, Redacted, Schedule, Schema } from "effect"
import { HttpClient, HttpClientRequest, type HttpClientResponse } from "effect/http"
import { maxTokenLifetime } from "../Assumptions.js"
import { type AuthError, ExpiredToken, InvalidClient, InvalidScope, TokenRequestFailed } from "../AuthError.js"
import * as AuthMetrics from "../AuthMetrics.js"
import type { TeoCredentials } from "../TeoCredentials.js"
import { Token } from "../Token.js"
import * as TeoHttp from "./TeoHttp.js"

/**
 * RFC 6750 §2.1 `b64token`: the only characters a bearer token may hold, so
 * that it fits in an `Authorization` header (no CR/LF, no spaces).
 */
const b64token = /^[A-Za-z0-9\-._~+/]+=*$/

/** The success body (RFC 6749 §5.1, as téo sends it). */
const TokenResponse = Schema.Struct({
  access_token: Schema.String.check(
    Schema.makeFilter(
      (token: string) =>
        b64token.test(token) ||
        "must be a bearer token (RFC 6750 b64token: letters, digits and -._~+/ then =), not one an Authorization header cannot carry"
    )
  ),
  token_type: Schema.String.check(
    Schema.makeFilter((type: string) => type.toLowerCase() === "bearer" || "must be Bearer")
  ),
  expires_in: Schema.Finite.check(Schema.isGreaterThan(0)),
  scope: Schema.optionalKey(Schema.String)
})

/** A JSON object, or nothing (not JSON, or an array, a string, `null`… at the top). */
const decodeJsonObject = Schema.decodeUnknownOption(Schema.fromJsonString(Schema.Record(Schema.String, Schema.Unknown)))

/**
 * The error body (RFC 6749 §5.2), read leniently, field by field: only
 * `error` is needed, and a `null` or a number in `error_description` loses
 * the description only, never the `error` code that says which failure it
 * is. `undefined` when there is no `error` code.
 */
const decodeOAuthError = (text: string): { readonly error: string; readonly description?: string } | undefined =>
  Option.match(decodeJsonObject(text), {
    onNone: () => undefined,
    onSome: ({ error, error_description: description }) => {
      if (!Predicate.isString(error)) return undefined
      return Predicate.isString(description) ? { error, description } : { error }
    }
  })

/** Any JSON value, or a `SchemaError` when `text` is not JSON. */
const decodeJson = Schema.decodeUnknownEffect(Schema.fromJsonString(Schema.Unknown))

const decodeTokenResponse = Schema.decodeUnknownEffect(TokenResponse)

/** The scope téo expects: `target-entity:<TEO_ID>`. */
export const scopeOf = (teoId: string): string => `target-entity:${teoId}`

const maxDescriptionLength = 200

const shorten = (text: string | undefined): string | undefined =>
  text === undefined || text.length <= maxDescriptionLength ? text : `${text.slice(0, maxDescriptionLength)}…`

const secretsOf = (credentials: TeoCredentials["Service"]) => [Redacted.value(credentials.clientSecret)]

/** A body that could not be read: a transport failure (retried), or one too large. */
const bodyFailure = (failure: TeoHttp.BodyFailure, status: number): TokenRequestFailed =>
  failure._tag === "ReadFailed"
    ? new TokenRequestFailed({
        reason: "Transport",
        status,
        detail: `the connection failed while the answer was read (${failure.detail})`
      })
    : new TokenRequestFailed({
        reason: "InvalidResponse",
        status,
        detail: `the answer is larger than ${TeoHttp.formatBytes(failure.limit)}`
      })

/** Maps a non-2xx answer to a typed error, from its OAuth2 error code first, then its status. */
const failureFromResponse = Effect.fnUntraced(function* (
  credentials: TeoCredentials["Service"],
  response: HttpClientResponse.HttpClientResponse,
  headers: Parameters<typeof TeoHttp.readText>[1]
) {
  const status = response.status
  if (status >= 300 && status < 400) {
    // Not read: its connection is closed rather than left to the garbage collector.
    yield* TeoHttp.discard(response)
    return new TokenRequestFailed({
      reason: "UnexpectedStatus",
      status,
      detail: `the token endpoint redirects to ${TeoHttp.redirectOrigin(headers, credentials.tokenUrl)}; redirects are not followed (check TEO_AUTH_URL)`
    })
  }
  const text = yield* TeoHttp.readText(response, headers, TeoHttp.defaultTokenResponseLimit).pipe(
    Effect.orElseSucceed(() => "")
  )
  const body = decodeOAuthError(text)
  const description =
    body?.description === undefined ? undefined : shorten(TeoHttp.mask(body.description, secretsOf(credentials)))
  const fields = description === undefined ? { status } : { status, description }
  switch (body?.error) {
    case "invalid_client":
      return new InvalidClient({ clientId: credentials.clientId, ...fields })
    case "invalid_scope":
      return new InvalidScope({ scope: scopeOf(credentials.teoId), ...fields })
    case "expired_token":
      return description === undefined ? new ExpiredToken({}) : new ExpiredToken({ description })
  }
  const retryAfter =
    status === 429 || status === 503 ? TeoHttp.retryAfter(headers, yield* Clock.currentTimeMillis) : undefined
  const waitFor = retryAfter === undefined ? {} : { retryAfter }
  if (status === 429) {
    return new TokenRequestFailed({
      reason: "RateLimited",
      status,
      detail:
        retryAfter === undefined
          ? "too many requests"
          : `too many requests; téo asks to wait ${Duration.format(retryAfter)}`,
      ...waitFor
    })
  }
  if (status >= 500) {
    return new TokenRequestFailed({
      reason: "ServerError",
      status,
      detail: "téo's auth server answered with an error",
      ...waitFor
    })
  }
  if (body !== undefined) {
    return new TokenRequestFailed({
      reason: "OAuthError",
      status,
      detail: `téo answered ${shorten(TeoHttp.mask(body.error, secretsOf(credentials)))}${description === undefined ? "" : `: ${description}`}`
    })
  }
  if (status === 401) {
    return new InvalidClient({ clientId: credentials.clientId, status })
  }
  return new TokenRequestFailed({
    reason: "UnexpectedStatus",
    status,
    detail: "unexpected answer from the token endpoint"
  })
})

const invalid = (status: number, detail: string) =>
  new TokenRequestFailed({ reason: "InvalidResponse", status, detail })

const decodeToken = Effect.fnUntraced(function* (
  credentials: TeoCredentials["Service"],
  response: HttpClientResponse.HttpClientResponse,
  headers: Parameters<typeof TeoHttp.readText>[1]
) {
  const status = response.status
  if (TeoHttp.isBodiless(status)) {
    return yield* invalid(status, "the answer has no body, where a token response was expected")
  }
  const contentType = headers["content-type"]
  if (!TeoHttp.isJson(contentType)) {
    yield* TeoHttp.discard(response)
    return yield* invalid(status, `the answer is ${JSON.stringify(shorten(contentType))}, not JSON`)
  }
  const text = yield* TeoHttp.readText(response, headers, TeoHttp.defaultTokenResponseLimit).pipe(
    Effect.mapError((failure) => bodyFailure(failure, status))
  )
  if (text === "") {
    return yield* invalid(status, "the answer's body is empty, where a token response was expected")
  }
  const json = yield* decodeJson(text).pipe(
    Effect.mapError(() => {
      const encoding = headers["content-encoding"]
      return invalid(
        status,
        encoding === undefined
          ? "the response body is not JSON"
          : `the response body is not JSON (it is sent with Content-Encoding ${JSON.stringify(shorten(encoding))})`
      )
    })
  )
  const body = yield* decodeTokenResponse(json, { errors: "all" }).pipe(
    Effect.mapError((error) =>
      invalid(
        status,
        `the response is not a valid token response: ${TeoHttp.mask(error.message.replaceAll("\n", " "), [
          ...secretsOf(credentials),
          ...(Predicate.hasProperty(json, "access_token") && Predicate.isString(json.access_token)
            ? [json.access_token]
            : [])
        ])}`
      )
    )
  )
  const requested = scopeOf(credentials.teoId)
  if (body.scope !== undefined && !body.scope.split(" ").includes(requested)) {
    return yield* invalid(
      status,
      `téo granted the scope ${JSON.stringify(shorten(body.scope))}, not the requested ${JSON.stringify(requested)}`
    )
  }
  const now = yield* DateTime.now
  const lifetimeMillis = Math.min(Math.round(body.expires_in * 1000), Duration.toMillis(maxTokenLifetime))
  return new Token({
    value: Redacted.make(body.access_token),
    expiresAt: DateTime.add(now, { milliseconds: Math.max(1, lifetimeMillis) }),
    scope: body.scope ?? requested,
    tokenType: "Bearer"
  })
})

/**
 * Sends one token request and decodes the answer. The span's
 * `teo.auth.attempt` (1 for the first) comes from the retry schedule's
 * metadata, when it runs under `Effect.retry`.
 */
export const requestToken = (
  credentials: TeoCredentials["Service"],
  options: { readonly timeout: Duration.Duration }
): Effect.Effect<Token, AuthError, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const { attempt } = yield* Schedule.CurrentMetadata
    yield* Effect.annotateCurrentSpan("teo.auth.attempt", attempt + 1)
    const request = HttpClientRequest.post(credentials.tokenUrl).pipe(
      // As téo's examples: base64("CLIENT_ID:CLIENT_SECRET"), the parts not form-encoded.
      HttpClientRequest.basicAuth(credentials.clientId, credentials.clientSecret),
      HttpClientRequest.acceptJson,
      HttpClientRequest.bodyText(
        `grant_type=client_credentials&scope=${scopeOf(encodeURIComponent(credentials.teoId))}`,
        "application/x-www-form-urlencoded"
      )
    )
    yield* Metric.update(AuthMetrics.tokenRequests, 1)
    const response = yield* client.execute(request).pipe(
      Effect.mapError(
        (error) =>
          new TokenRequestFailed({
            reason: "Transport",
            detail: error.reason.description ?? `could not reach ${credentials.tokenUrl}`
          })
      )
    )
    yield* Effect.annotateCurrentSpan("http.response.status_code", response.status)
    const headers = response.headers
    if (response.status >= 200 && response.status < 300) {
      return yield* decodeToken(credentials, response, headers)
    }
    return yield* Effect.fail(yield* failureFromResponse(credentials, response, headers))
  }).pipe(
    Effect.timeoutOrElse({
      duration: options.timeout,
      orElse: () =>
        Effect.fail(
          new TokenRequestFailed({
            reason: "Timeout",
            detail: `no complete answer from ${credentials.tokenUrl} within ${Duration.format(options.timeout)}`
          })
        )
    }),
    Effect.tapError((error) =>
      Metric.update(
        Metric.withAttributes(AuthMetrics.tokenRequestFailures, {
          error: error._tag === "TokenRequestFailed" ? error.reason : error._tag
        }),
        1
      )
    ),
    Effect.onExit((exit) =>
      Effect.annotateCurrentSpan(
        "teo.auth.outcome",
        exit._tag === "Success"
          ? "success"
          : (exit.cause.reasons.find((reason) => reason._tag === "Fail")?.error._tag ?? "interrupted")
      )
    ),
    Effect.withSpan("teo.auth.requestToken", {
      attributes: {
        "teo.id": credentials.teoId,
        "teo.auth.token_url": credentials.tokenUrl
      }
    })
  )
