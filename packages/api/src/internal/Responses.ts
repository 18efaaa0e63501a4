/**
 * What an answer of the API means: a 2xx body decoded with the call's
 * Schema, anything else one typed error. The body is read with the shared
 * rules of `TeoHttp` (bounded, never read past the limit; a failure to read it
 * is a transport failure, retried like one; a complete answer that is empty,
 * not JSON or not what the Schema expects is an `UnexpectedResponse`).
 *
 * @since 0.1.0
 */
import { TeoHttp } from "@teo-effect/auth/internal"
import { Effect, Result, Schema, SchemaIssue } from "effect"
import { type Headers, HttpClientResponse } from "effect/http"
import { requestIdHeaders } from "../Assumptions.js"
import * as HydraError from "../HydraError.js"
import {
  BadRequest,
  Forbidden,
  NotFound,
  RateLimited,
  RequestFailed,
  ServerError,
  TeoApiError,
  type TeoApiErrorReason,
  Unauthorized,
  UnexpectedResponse,
  ValidationFailed
} from "../TeoApiError.js"

/**
 * The call an answer belongs to, as errors name it.
 *
 * @since 0.1.0
 */
export interface Call {
  readonly method: string
  readonly path: string
  /** The base URL, to name where a redirect points. */
  readonly href: string
  /** Secrets to mask in téo's texts (the token sent). */
  readonly secrets: ReadonlyArray<string>
  readonly maxBytes: number
}

/** The longest request id kept: ids are short; a longer header is cut (`…`), not repeated in full. */
const maxRequestIdLength = 128

const requestIdOf = (headers: Headers.Headers): string | undefined => {
  for (const name of requestIdHeaders) {
    const value = headers[name]?.trim()
    if (value !== undefined && value !== "") {
      return value.length <= maxRequestIdLength ? value : `${value.slice(0, maxRequestIdLength)}…`
    }
  }
  return undefined
}

const maxTextLength = 500

/** `reason`, as the error of `call`. */
const failed = (call: Call, reason: TeoApiErrorReason): TeoApiError =>
  new TeoApiError({ method: call.method, path: call.path, reason })

const clean = (text: string | undefined, secrets: ReadonlyArray<string>): string | undefined =>
  text === undefined
    ? undefined
    : (() => {
        const masked = TeoHttp.mask(text, secrets)
        return masked.length <= maxTextLength ? masked : `${masked.slice(0, maxTextLength)}…`
      })()

/**
 * The typed error of a non-2xx answer.
 *
 * @since 0.1.0
 */
export const failure = (
  call: Call,
  response: HttpClientResponse.HttpClientResponse,
  headers: Headers.Headers,
  nowMillis: number
): Effect.Effect<TeoApiError> => {
  const status = response.status
  const requestId = requestIdOf(headers)
  if (status >= 300 && status < 400) {
    return Effect.as(
      TeoHttp.discard(response),
      failed(
        call,
        new UnexpectedResponse({
          status,
          detail: `téo redirects to ${TeoHttp.redirectOrigin(headers, call.href)}; redirects are not followed`,
          ...(requestId === undefined ? {} : { requestId })
        })
      )
    )
  }
  return TeoHttp.readText(response, headers, call.maxBytes).pipe(
    Effect.orElseSucceed(() => ""),
    Effect.map((text): TeoApiError => {
      const body = HydraError.decodeHydraError(text)
      const title = clean(body.title, call.secrets)
      const description = clean(body.description, call.secrets)
      const fields = {
        status,
        ...(title === undefined ? {} : { title }),
        ...(description === undefined ? {} : { description }),
        ...(requestId === undefined ? {} : { requestId })
      }
      const waited = () => {
        const retryAfter = TeoHttp.retryAfter(headers, nowMillis)
        return retryAfter === undefined ? fields : { ...fields, retryAfter }
      }
      const reason = HttpClientResponse.matchStatus(response, {
        401: (): TeoApiErrorReason => new Unauthorized(fields),
        403: () => new Forbidden(fields),
        404: () => new NotFound(fields),
        422: () => new ValidationFailed({ ...fields, violations: body.violations }),
        429: () => new RateLimited(waited()),
        503: () => new ServerError(waited()),
        "5xx": () => new ServerError(fields),
        "4xx": () => new BadRequest(fields),
        orElse: () => new UnexpectedResponse({ status, detail: "unexpected status" })
      })
      return failed(call, reason)
    })
  )
}

/** `a.b[3].c` from a Schema issue path. */
const formatIssuePath = (path: ReadonlyArray<PropertyKey>): string =>
  path
    .map((key, index) =>
      typeof key === "number" ? `[${key}]` : index === 0 ? globalThis.String(key) : `.${globalThis.String(key)}`
    )
    .join("")

const firstIssue = SchemaIssue.makeFormatterStandardSchemaV1()

/** A body's JSON, or why it is none: `Schema.fromJsonString`, compiled once. */
const parseJson = Schema.decodeUnknownResult(Schema.fromJsonString(Schema.Unknown))

/** One compiled decoder per schema, not one per call. */
const decoders = new WeakMap<Schema.Decoder<unknown>, (input: unknown) => Effect.Effect<unknown, Schema.SchemaError>>()

const decoderOf = <A>(schema: Schema.Decoder<A>): ((input: unknown) => Effect.Effect<A, Schema.SchemaError>) => {
  let decoder = decoders.get(schema)
  if (decoder === undefined) {
    decoder = Schema.decodeUnknownEffect(schema)
    decoders.set(schema, decoder)
  }
  return decoder as (input: unknown) => Effect.Effect<A, Schema.SchemaError>
}

/**
 * The body of a 2xx answer: JSON (by its `Content-Type`, when it has one),
 * complete, within the size limit, decoded with `schema`. A 204 or 205, or
 * any empty body, decodes `null`: an `UnexpectedResponse` saying the answer
 * has no body unless `schema` accepts `null`.
 *
 * @since 0.1.0
 */
export const decode = <A>(
  call: Call,
  response: HttpClientResponse.HttpClientResponse,
  headers: Headers.Headers,
  schema: Schema.Decoder<A>
): Effect.Effect<A, TeoApiError> => {
  const status = response.status
  const unexpected = (detail: string, issuePath?: string) => {
    const requestId = requestIdOf(headers)
    return failed(
      call,
      new UnexpectedResponse({
        status,
        detail,
        ...(issuePath === undefined || issuePath === "" ? {} : { issuePath }),
        ...(requestId === undefined ? {} : { requestId })
      })
    )
  }
  const contentType = headers["content-type"]
  if (!TeoHttp.isBodiless(status) && !TeoHttp.isJson(contentType)) {
    // Not read: its connection is closed rather than left to the garbage collector.
    return Effect.andThen(
      TeoHttp.discard(response),
      Effect.fail(unexpected(`the answer is ${JSON.stringify(clean(contentType, []))}, not JSON`))
    )
  }
  return TeoHttp.readText(response, headers, call.maxBytes).pipe(
    Effect.mapError((failure) =>
      failure._tag === "ReadFailed"
        ? failed(
            call,
            new RequestFailed({
              kind: "Transport",
              status,
              detail: `the connection failed while the answer was read (${failure.detail})`
            })
          )
        : unexpected(`the answer is larger than ${TeoHttp.formatBytes(failure.limit)} (maxResponseBytes)`)
    ),
    Effect.flatMap((text) => {
      // An empty body is `null` for the schema, which then says what it expected.
      const parsed = text === "" ? Result.succeed(null) : parseJson(text)
      if (Result.isFailure(parsed)) {
        const encoding = headers["content-encoding"]
        return Effect.fail(
          unexpected(
            encoding === undefined
              ? "the response body is not JSON"
              : `the response body is not JSON (it is sent with Content-Encoding ${JSON.stringify(clean(encoding, []))})`
          )
        )
      }
      return Effect.mapError(decoderOf(schema)(parsed.success), (error) => {
        if (text === "") {
          return unexpected(
            TeoHttp.isBodiless(status)
              ? "the answer has no body, where one was expected"
              : "the answer's body is empty, where one was expected"
          )
        }
        const [issue] = firstIssue(error.issue).issues
        const issuePath =
          issue === undefined
            ? ""
            : formatIssuePath((issue.path ?? []).map((key) => (typeof key === "object" ? key.key : key)))
        return unexpected(clean(issue?.message ?? error.message, call.secrets) ?? "", issuePath)
      })
    })
  )
}
