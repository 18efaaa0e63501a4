/**
 * The HTTP rules shared by the token request and the API calls of
 * teo-effect: how an answer's body is read (never past its limit, the
 * connection closed at once when it is refused; an empty body is `""`; a
 * failure to read it is a transport failure), which answers are JSON, what a redirect or a
 * `Retry-After` says, and how echoed secrets are masked before they reach an
 * error. Built on `effect/http`; `@teo-effect/api` uses the same pieces.
 *
 * @since 0.1.0
 */
import { Context, type Duration, Effect, Predicate, Result, Stream, Tracer } from "effect"
import { FetchHttpClient, Headers, HttpClient, type HttpClientError, type HttpClientResponse } from "effect/http"
import { acceptMissingContentType } from "../Assumptions.js"

/**
 * Why a body could not be read: the connection failed while it was being
 * read (`ReadFailed`, retried as a transport failure), or it is larger than
 * the limit (`TooLarge`, never retried).
 *
 * @since 0.1.0
 * @category models
 */
export type BodyFailure =
  | { readonly _tag: "ReadFailed"; readonly detail: string }
  | { readonly _tag: "TooLarge"; readonly limit: number }

const describeCause = (cause: HttpClientError.HttpClientError): string => {
  const inner = cause.reason.cause ?? cause
  const code = Predicate.hasProperty(inner, "code") ? inner.code : undefined
  const message = inner instanceof Error ? inner.message : undefined
  return (
    [typeof code === "string" ? code : undefined, message].filter((part) => part !== undefined).join(": ") ||
    "the connection ended before the whole answer arrived"
  )
}

const decoder = new TextDecoder()

/**
 * Whether an answer with `status` has no body by definition: 204 No Content,
 * 205 Reset Content, 304 Not Modified (RFC 9110 §15.3.5, §15.3.6, §15.4.5).
 *
 * @since 0.2.0
 * @category reading
 */
export const isBodiless = (status: number): boolean => status === 204 || status === 205 || status === 304

const empty = Effect.succeed("")

/**
 * The body of `response` as text, at most `limit` bytes, never more read:
 *
 * - a bodiless status (`isBodiless`) is `""`, nothing read;
 * - a `Content-Length` over the limit fails before anything is read, and the
 *   connection is closed at once (the server stops sending);
 * - a `Content-Length` within the limit, the body not encoded, is read whole
 *   (the HTTP parser reads exactly that many bytes);
 * - anything else — no `Content-Length` (chunked, or until the connection
 *   closes), or a `Content-Encoding` the client decodes (fetch inflates
 *   `gzip`: its `Content-Length` says nothing of the decoded size) — is read
 *   as a stream, counted, and abandoned as soon as it passes the limit: the
 *   connection is closed, no more than one chunk beyond the limit is held.
 *
 * An empty body is `""`: the caller says whether a body was expected.
 *
 * @since 0.1.0
 * @category reading
 */
export const readText = (
  response: HttpClientResponse.HttpClientResponse,
  headers: Headers.Headers,
  limit: number
): Effect.Effect<string, BodyFailure> => {
  if (isBodiless(response.status)) return empty
  const length = headers["content-length"]
  if (length !== undefined) {
    const bytes = Number(length)
    if (bytes > limit) return Effect.andThen(discard(response), Effect.fail(tooLarge(limit)))
    if (bytes <= limit && headers["content-encoding"] === undefined) {
      return Effect.mapError(
        response.text,
        (cause): BodyFailure => ({ _tag: "ReadFailed", detail: describeCause(cause) })
      )
    }
  }
  return Effect.suspend(() => {
    const chunks: Array<Uint8Array> = []
    let size = 0
    return response.stream.pipe(
      Stream.runForEachArray((batch) => {
        for (const chunk of batch) {
          size += chunk.byteLength
          // Past the limit: this chunk is not kept, the stream ends here and its connection is closed.
          if (size > limit) return Effect.fail(tooLarge(limit))
          chunks.push(chunk)
        }
        return Effect.void
      }),
      Effect.catch((cause): Effect.Effect<void, BodyFailure> => {
        if (cause._tag !== "HttpClientError") return Effect.fail(cause)
        // fetch has no body stream for an answer without a body: an empty body, not a failed read.
        if (cause.reason._tag === "EmptyBodyError") return Effect.void
        return Effect.fail({ _tag: "ReadFailed", detail: describeCause(cause) })
      }),
      Effect.map(() =>
        chunks.length === 0 ? "" : decoder.decode(chunks.length === 1 ? chunks[0] : concat(chunks, size))
      )
    )
  })
}

/**
 * Closes the connection of `response` without reading its body: the stream
 * is opened and ended at once, which aborts the request (effect/http aborts
 * it when its body stream ends). For answers refused before their body is
 * read; never waits for the server.
 *
 * @since 0.2.0
 * @category reading
 */
export const discard = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<void> =>
  Effect.ignore(Stream.runDrain(Stream.interruptWhen(response.stream, Effect.void)))

const concat = (chunks: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  const all = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.byteLength
  }
  return all
}

const tooLarge = (limit: number): BodyFailure => ({ _tag: "TooLarge", limit })

const jsonMediaType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

/**
 * Whether a `Content-Type` says JSON: `application/json`,
 * `application/ld+json`, any `application/*+json`, parameters ignored. An
 * absent header is accepted (téo does not document its headers).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isJson = (contentType: string | undefined): boolean =>
  contentType === undefined ? acceptMissingContentType : jsonMediaType.test(contentType.trim())

/**
 * Where a 3xx answer points, as an origin (`https://example.org`) — never the
 * whole URL, which may carry a secret — or `"an unnamed place"`. Redirects are
 * not followed: a token or a secret must not go where téo did not say.
 *
 * @since 0.1.0
 * @category redirects
 */
export const redirectOrigin = (headers: Headers.Headers, from: string): string => {
  const location = headers.location
  if (location === undefined) return "an unnamed place"
  const url = URL.parse(location, from)
  return url === null ? "an unreadable location" : url.origin
}

const always = () => true

/**
 * `client` as teo-effect sends its requests:
 *
 * - redirects are not followed: `FetchHttpClient` is told `redirect: "manual"`
 *   (the platform's `fetch` follows them otherwise, and would carry the
 *   `Authorization` header along); undici's `request` does not follow them. A
 *   3xx reaches the caller, who names where it points.
 * - without `effect/http`'s own client span (kind `client`, named after the method) when no tracer is
 *   installed (the current tracer is Effect's in-memory native one): the span,
 *   its header attributes and trace headers cost a tenth to a fifth of a call,
 *   and nobody would see them. With a real tracer (OpenTelemetry…) the span
 *   is kept. teo-effect's own spans (`TeoApi.page`…) carry the method, path
 *   and status either way.
 *
 * One context update per request for both.
 *
 * @since 0.1.0
 * @category clients
 */
export const teoClient = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transform(client, (effect) =>
    Effect.updateContext(effect, (context: Context.Context<never>) => {
      const init = Context.getOrUndefined(context, FetchHttpClient.RequestInit)
      const withInit =
        init?.redirect === "manual"
          ? context
          : Context.add(context, FetchHttpClient.RequestInit, { ...init, redirect: "manual" })
      return Context.get(context, Tracer.Tracer) === Tracer.nativeTracer
        ? Context.add(withInit, HttpClient.TracerDisabledWhen, always)
        : withInit
    })
  )

/**
 * The delay a `Retry-After` header asks for, from `nowMillis` (a date in the
 * past is zero); absent or unreadable → `undefined`.
 *
 * @since 0.1.0
 * @category retries
 */
export const retryAfter = (headers: Headers.Headers, nowMillis: number): Duration.Duration | undefined => {
  const value = headers["retry-after"]
  if (value === undefined) return undefined
  const parsed = Headers.parseRetryAfter(value.trim())
  return Result.isSuccess(parsed) ? Headers.retryAfterDelay(parsed.success, nowMillis) : undefined
}

/**
 * `text` with every occurrence of each secret replaced by `<redacted>`:
 * server error texts that echo the client secret or a token are masked before
 * they reach an error, however spelled: in any letter case, or percent-encoded. Secrets shorter than 4 characters are left alone (they
 * would mask ordinary words).
 *
 * @since 0.1.0
 * @category secrets
 */
export const mask = (text: string, secrets: ReadonlyArray<string>): string =>
  secrets.reduce(
    (masked, secret) => (secret.length >= 4 ? masked.replace(spellings(secret), "<redacted>") : masked),
    text
  )

/**
 * Every spelling of `secret` an echo may use: as it is, percent-encoded (a
 * form or a query, `+` for a space), in any letter case.
 */
const spellings = (secret: string): RegExp => {
  const forms = new Set([secret, encodeURIComponent(secret), encodeURIComponent(secret).replaceAll("%20", "+")])
  return new RegExp(
    [...forms]
      .sort((a, b) => b.length - a.length)
      .map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("|"),
    "gi"
  )
}

/**
 * The largest answer read by default from the token endpoint: 64 KiB.
 *
 * @since 0.1.0
 * @category limits
 */
export const defaultTokenResponseLimit = 64 * 1024

/**
 * The largest answer read by default from the API: 16 MiB.
 *
 * @since 0.1.0
 * @category limits
 */
export const defaultApiResponseLimit = 16 * 1024 * 1024

/**
 * How a byte count reads in messages.
 *
 * @since 0.1.0
 * @category limits
 */
export const formatBytes = (bytes: number): string =>
  bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0
    ? `${bytes / 1024 / 1024} MiB`
    : bytes >= 1024 && bytes % 1024 === 0
      ? `${bytes / 1024} KiB`
      : `${bytes} bytes`
