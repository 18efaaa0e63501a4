/**
 * The téo API, low level: schema-decoded calls on any path, Hydra paging as a
 * `Stream`, typed errors, and one retry policy for all of them.
 *
 * The pieces, one file each: options and their defaults (`TeoApiOptions`),
 * where a call may go (`internal/Target`), what an answer means
 * (`internal/Responses`), the 401 step (`internal/FreshToken`), paging
 * (`internal/Pagination`), per-request timeouts (`internal/Timeouts`), when to try again (`RetryPolicy` in
 * @teo-effect/auth), metrics (`ApiMetrics`). This file wires them into the
 * service.
 *
 * @since 0.1.0
 */
import { AccessToken, type AuthError, RetryPolicy, TeoConfig, TeoCredentials, type Token } from "@teo-effect/auth"
import { TeoHttp } from "@teo-effect/auth/internal"
import {
  Clock,
  Config,
  Context,
  Duration,
  Effect,
  Layer,
  Metric,
  Option,
  Redacted,
  Schedule,
  Schema,
  type Stream,
  Tracer
} from "effect"
import { Headers, HttpBody, HttpClient, HttpClientRequest, HttpClientResponse } from "effect/http"
import * as ApiMetrics from "./ApiMetrics.js"
import { HydraCollection } from "./HydraCollection.js"
import * as FreshToken from "./internal/FreshToken.js"
import * as Pagination from "./internal/Pagination.js"
import * as RateBudget from "./internal/RateBudget.js"
import * as Responses from "./internal/Responses.js"
import * as Target from "./internal/Target.js"
import * as Timeouts from "./internal/Timeouts.js"
import { Iri } from "./JsonLd.js"
import type { ReadPage } from "./ReadPage.js"
import { isTeoApiError, RequestFailed, TeoApiError, UnexpectedResponse } from "./TeoApiError.js"
import * as TeoApiOptions from "./TeoApiOptions.js"

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/** What a 2xx answer gives: its body decoded with the call's Schema, or nothing (DELETE). */
type Read<A> = (
  context: Responses.Call,
  response: HttpClientResponse.HttpClientResponse,
  headers: Headers.Headers
) => Effect.Effect<A, TeoApiError>

/** What `send` needs of a call. */
interface Call<A> {
  readonly operation: string
  readonly method: Method
  readonly target: string
  readonly query?: Query | undefined
  readonly body?: { readonly json: unknown; readonly contentType: string } | undefined
  /** Whether 5xx, network failures and timeouts are retried. */
  readonly idempotent: boolean
  readonly read: Read<A>
}

type Query = TeoApiOptions.Query

/** The body, decoded with `schema`. */
const decoded =
  <A>(schema: Schema.Decoder<A>): Read<A> =>
  (context, response, headers) =>
    Responses.decode(context, response, headers, schema)

/** No body read (DELETE). */
const nothing: Read<void> = () => Effect.void

/**
 * What the API adds to the policy's reading of an error (its own
 * `isRetryable` and `retryAfter`): only the API's own failures are tried again
 * (`AccessToken` has retried its own already), and a call that may not be
 * repeated only when téo cannot have acted on it.
 */
const mayRetry = (error: RetryPolicy.Retryable, idempotent: boolean): boolean =>
  isTeoApiError(error) && error.isRetryable && (idempotent || !error.mayHaveActed)

const isIri = Schema.is(Iri)

/** `"page success"` → `["page", "success"]`. */
const pair = (key: string): readonly [string, string] => {
  const space = key.indexOf(" ")
  return [key.slice(0, space), key.slice(space + 1)]
}

/** Metric instances by attributes, made once: `withAttributes` per call would cost more than the update. */
const memo = <A>(make: (key: string) => A) => {
  const cache = new Map<string, A>()
  return (key: string): A => {
    let value = cache.get(key)
    if (value === undefined) {
      value = make(key)
      cache.set(key, value)
    }
    return value
  }
}

const make = Effect.fnUntraced(function* (options: TeoApiOptions.TeoApiOptions = {}) {
  const settings = yield* TeoApiOptions.resolve(options)
  const accessToken = yield* AccessToken
  const client = TeoHttp.teoClient(yield* HttpClient.HttpClient)
  const targets = Target.make(settings.baseUrl)
  const accept = Headers.fromInput({ accept: "application/ld+json" })

  const callsOf = memo((key) => {
    const [operation, outcome] = pair(key)
    return Metric.withAttributes(ApiMetrics.calls, { operation, outcome })
  })
  const durationOf = memo((key) => {
    const [operation, outcome] = pair(key)
    return Metric.withAttributes(ApiMetrics.callDuration, { operation, outcome })
  })
  const retriesOf = memo((operation) => Metric.withAttributes(ApiMetrics.retries, { operation }))

  /** The retry schedules, built once: for calls that may be repeated, and for those that may not. */
  const schedules = memo((key) => {
    const [operation, idempotent] = pair(key)
    return RetryPolicy.schedule(settings.retry).pipe(
      Schedule.while(({ input }) => mayRetry(input, idempotent === "true")),
      Schedule.tap(({ attempt }) =>
        Effect.andThen(Metric.update(retriesOf(operation), 1), Effect.annotateCurrentSpan("teo.api.retries", attempt))
      )
    )
  })

  const timeouts = Timeouts.make(settings.timeout, yield* Effect.scope)

  const credentials = yield* Effect.serviceOption(TeoCredentials)
  const budget =
    settings.rateLimit === undefined
      ? undefined
      : yield* RateBudget.make(
          settings.rateLimit,
          Option.match(credentials, {
            onNone: () => `teo-effect:api:${settings.baseUrl}`,
            onSome: ({ clientId, teoId }) => `teo-effect:api:${clientId}:${teoId}`
          })
        )

  const timedOut = (call: Call<unknown>, path: string) =>
    new TeoApiError({
      method: call.method,
      path,
      reason: new RequestFailed({
        kind: "Timeout",
        detail: `no complete answer within ${Duration.format(settings.timeout)}`
      })
    })

  /** One request with `token`: status and body mapped to a value or a typed error. */
  const attempt = <A>(call: Call<A>, resolved: Target.Resolved, token: Token) => {
    const request = HttpClientRequest.make(call.method)(resolved.href, {
      headers: Headers.set(accept, "authorization", `Bearer ${Redacted.value(token.value)}`),
      ...(call.query === undefined ? {} : { urlParams: call.query }),
      ...(call.body === undefined ? {} : { body: HttpBody.text(JSON.stringify(call.body.json), call.body.contentType) })
    })
    const context: Responses.Call = {
      method: call.method,
      path: resolved.path,
      href: resolved.href,
      secrets: [Redacted.value(token.value)],
      maxBytes: settings.maxResponseBytes
    }
    const sent = client.execute(request).pipe(
      Effect.catch((error) =>
        Effect.fail(
          new TeoApiError({
            method: call.method,
            path: resolved.path,
            reason: new RequestFailed({
              kind: "Transport",
              // The origin says which téo could not be reached (TEO_API_URL); never the query.
              detail: `${error.reason.description ?? error.reason._tag} (at ${URL.parse(resolved.href)?.origin ?? "the API"})`
            })
          })
        )
      ),
      Effect.flatMap((response): Effect.Effect<A, TeoApiError> => {
        const headers = response.headers
        const answered = Effect.annotateCurrentSpan("http.response.status_code", response.status)
        const failed = () =>
          answered.pipe(
            Effect.andThen(Clock.currentTimeMillis),
            Effect.flatMap((now) => Responses.failure(context, response, headers, now)),
            Effect.flatMap(Effect.fail)
          )
        return HttpClientResponse.matchStatus(response, {
          "2xx": () => Effect.andThen(answered, call.read(context, response, headers)),
          orElse: failed
        })
      }),
      (request) => timeouts.within(request, () => timedOut(call, resolved.path))
    )
    // With a rate budget: a turn before the request (outside its timeout), a 429 shared with the budget.
    return budget === undefined
      ? sent
      : Effect.flatMap(budget.acquire, (turn) =>
          Effect.tapError(sent, (error) =>
            error.reason._tag === "RateLimited" ? budget.rateLimited(turn, error.retryAfter) : Effect.void
          )
        )
  }

  /** Sends a call: target guard, token and the 401 step, retries, deadline, metrics. */
  const send = <A>(call: Call<A>): Effect.Effect<A, TeoApiError | AuthError> => {
    const resolved = targets.resolve(call.target)
    if ("refused" in resolved) {
      return Effect.fail(
        new TeoApiError({
          method: call.method,
          path: call.target,
          reason: new UnexpectedResponse({ status: 0, detail: resolved.refused })
        })
      )
    }
    const attempts = FreshToken.once(accessToken, (token) => attempt(call, resolved, token))
    const retried =
      settings.retry.times === 0 ? attempts : Effect.retry(attempts, schedules(`${call.operation} ${call.idempotent}`))
    const deadline = settings.deadline
    const effect =
      deadline === undefined
        ? retried
        : Effect.timeoutOrElse(retried, {
            duration: deadline,
            orElse: () =>
              Effect.fail(
                new TeoApiError({
                  method: call.method,
                  path: resolved.path,
                  reason: new RequestFailed({
                    kind: "Deadline",
                    detail: `the call did not succeed within its deadline of ${Duration.format(deadline)}, retries included`
                  })
                })
              )
          })
    return Effect.annotateCurrentSpan({
      "http.request.method": call.method,
      "teo.api.path_template": resolved.template
    }).pipe(
      Effect.andThen(Clock.currentTimeMillis),
      Effect.flatMap((started) =>
        Effect.onExit(effect, (exit) =>
          Effect.flatMap(Clock.currentTimeMillis, (ended) => {
            const outcome = exit._tag === "Success" ? "success" : failureTag(exit.cause)
            const key = `${call.operation} ${outcome}`
            return Effect.andThen(
              Metric.update(callsOf(key), 1),
              Metric.update(durationOf(key), (ended - started) / 1000)
            )
          })
        )
      )
    )
  }

  const get = traced("TeoApi.get")(<A>(target: string, schema: Schema.Decoder<A>, query?: Query) =>
    send({ operation: "get", method: "GET", target, query, idempotent: true, read: decoded(schema) })
  )

  const page = traced("TeoApi.page")(<A>(target: string, item: Schema.Decoder<A>, query?: Query) =>
    send({
      operation: "page",
      method: "GET",
      target,
      query,
      idempotent: true,
      read: decoded(HydraCollection(item))
    })
  )

  const read = <A>(
    target: string,
    item: Schema.Decoder<A>,
    query?: Query,
    readOptions?: TeoApiOptions.ReadOptions
  ) => ({
    targets,
    page: (target: string, query: Query | undefined) => page(target, item, query),
    target,
    query,
    prefetch: readOptions?.prefetch ?? settings.prefetch,
    concurrency: settings.concurrency,
    ordered: readOptions?.ordered ?? true,
    from: readOptions?.from,
    maxRetryAfter: settings.retry.times === 0 ? undefined : Duration.fromInputUnsafe(settings.retry.maxRetryAfter)
  })

  const stream = <A>(
    target: string,
    item: Schema.Decoder<A>,
    query?: Query,
    readOptions?: TeoApiOptions.ReadOptions
  ): Stream.Stream<A, TeoApiError | AuthError> => Pagination.stream(read(target, item, query, readOptions))

  const pages = <A>(
    target: string,
    item: Schema.Decoder<A>,
    query?: Query,
    readOptions?: TeoApiOptions.ReadOptions
  ): Stream.Stream<ReadPage<A>, TeoApiError | AuthError> => Pagination.pages(read(target, item, query, readOptions))

  /** A write: `create` (POST), `replace` (PUT, both JSON-LD) or `update` (PATCH, merge patch); retried only when asked. */
  const write =
    (operation: "create" | "replace" | "update", method: "POST" | "PUT" | "PATCH", contentType: string) =>
    <A>(target: string, json: unknown, schema: Schema.Decoder<A>, writeOptions?: TeoApiOptions.WriteOptions) =>
      send({
        operation,
        method,
        target,
        body: { json, contentType },
        idempotent: writeOptions?.retry === true,
        read: decoded(schema)
      })

  const create = traced("TeoApi.create")(write("create", "POST", "application/ld+json"))

  const replace = traced("TeoApi.replace")(write("replace", "PUT", "application/ld+json"))

  const update = traced("TeoApi.update")(write("update", "PATCH", "application/merge-patch+json"))

  const remove = traced("TeoApi.remove")((target: string, writeOptions?: TeoApiOptions.WriteOptions) =>
    send({
      operation: "remove",
      method: "DELETE",
      target,
      idempotent: writeOptions?.retry === true,
      read: nothing
    })
  )

  const entrypoint = traced("TeoApi.entrypoint")(() =>
    send({
      operation: "entrypoint",
      method: "GET",
      target: "",
      idempotent: true,
      read: decoded(Schema.Record(Schema.String, Schema.Unknown))
    }).pipe(
      Effect.map((entries) => {
        const collections: Record<string, Iri> = {}
        for (const [key, value] of Object.entries(entries)) {
          if (!key.startsWith("@") && isIri(value) && value.startsWith("/")) collections[key] = value
        }
        return collections
      })
    )
  )()

  return TeoApi.of({ get, page, stream, pages, create, replace, update, remove, entrypoint })
})

/**
 * A service method as a traced function: a span named after it (`TeoApi.page`)
 * when a tracer is installed — the calls, the retries and effect/http's client
 * spans under it — and no span at all with Effect's default in-memory tracer,
 * where nobody would see it: a span on every call measured at +25 µs of client
 * CPU per call at concurrency 1 (+6 %), over the 5 % that keeps a piece of our
 * own (docs/decisions/0006-effect-pieces.md).
 */
const traced =
  (name: string) =>
  <Args extends ReadonlyArray<unknown>, A, E>(body: (...args: Args) => Effect.Effect<A, E>) =>
  (...args: Args): Effect.Effect<A, E> =>
    Effect.withFiber((fiber) =>
      fiber.getRef(Tracer.Tracer) === Tracer.nativeTracer
        ? body(...args)
        : Effect.withSpan(body(...args), name, { captureStackTrace: false })
    )

const failureTag = (cause: import("effect").Cause.Cause<TeoApiError | AuthError>): string => {
  for (const reason of cause.reasons) {
    // A call's own failure by its reason (`NotFound`), as before the errors had one; the token's by its tag.
    if (reason._tag === "Fail")
      return reason.error._tag === "TeoApiError" ? reason.error.reason._tag : reason.error._tag
  }
  return cause.reasons.some((reason) => reason._tag === "Interrupt") ? "Interrupted" : "Defect"
}

/**
 * The téo API, low level: give it a path and a Schema, it gives decoded values
 * or typed errors. Every request carries the bearer token and
 * `Accept: application/ld+json`; a 401 fetches a fresh token and tries once
 * more; 429s are retried after `Retry-After`; 5xx, network failures and
 * timeouts are retried for GETs.
 *
 * Paths are taken from the base URL (`/production/dossiers`); IRIs from
 * téo's answers (`/api/production/dossiers/…`) work as they are.
 *
 * @example
 * ```ts
 * import { HydraCollection, JsonLdResource, TeoApi } from "@teo-effect/api"
 * import { Effect, Schema, Stream } from "effect"
 *
 * // Any téo collection, with your own Schema.
 * const Seance = Schema.Struct({ ...JsonLdResource.fields, startsAt: Schema.String })
 *
 * const program = Effect.gen(function* () {
 *   const api = yield* TeoApi
 *   const seances = yield* Stream.runCollect(api.stream("/agenda/seances", Seance))
 *   yield* Effect.log(`${seances.length} séances`)
 * })
 * ```
 *
 * @since 0.1.0
 * @category services
 */
export class TeoApi extends Context.Service<
  TeoApi,
  {
    /** `GET` one resource, decoded with `schema`. */
    readonly get: <A>(
      target: string,
      schema: Schema.Decoder<A>,
      query?: Query
    ) => Effect.Effect<A, TeoApiError | AuthError>
    /** `GET` one page of a collection of `item`. */
    readonly page: <A>(
      target: string,
      item: Schema.Decoder<A>,
      query?: Query
    ) => Effect.Effect<HydraCollection<A>, TeoApiError | AuthError>
    /**
     * Every item of a collection. Once the first page says where the
     * collection ends (`last`, or `totalItems`), the other pages are read
     * `concurrency` at a time (the layer's option, default 16) and their
     * items emitted in order; otherwise page after page by `next` links.
     * Items seen twice in one read (same `@id`) are emitted once.
     */
    readonly stream: <A>(
      target: string,
      item: Schema.Decoder<A>,
      query?: Query,
      options?: TeoApiOptions.ReadOptions
    ) => Stream.Stream<A, TeoApiError | AuthError>
    /**
     * The same read as `stream`, page by page: each page's items with the
     * read's progress and the cursor a later read can start from.
     *
     * @since 0.3.0
     */
    readonly pages: <A>(
      target: string,
      item: Schema.Decoder<A>,
      query?: Query,
      options?: TeoApiOptions.ReadOptions
    ) => Stream.Stream<ReadPage<A>, TeoApiError | AuthError>
    /** `POST` a JSON-LD body; the answer decoded with `schema`. Not retried on 5xx unless asked. */
    readonly create: <A>(
      target: string,
      body: unknown,
      schema: Schema.Decoder<A>,
      options?: TeoApiOptions.WriteOptions
    ) => Effect.Effect<A, TeoApiError | AuthError>
    /**
     * `PUT` a whole resource (JSON-LD), for the resources that still offer it
     * (API Platform 3's default); the answer decoded with `schema`. Not retried on 5xx unless asked.
     *
     * @since 0.4.0
     */
    readonly replace: <A>(
      target: string,
      body: unknown,
      schema: Schema.Decoder<A>,
      options?: TeoApiOptions.WriteOptions
    ) => Effect.Effect<A, TeoApiError | AuthError>
    /** `PATCH` a JSON merge patch; the answer decoded with `schema`. Not retried on 5xx unless asked. */
    readonly update: <A>(
      target: string,
      patch: unknown,
      schema: Schema.Decoder<A>,
      options?: TeoApiOptions.WriteOptions
    ) => Effect.Effect<A, TeoApiError | AuthError>
    /** `DELETE` a resource. Not retried on 5xx unless asked. */
    readonly remove: (
      target: string,
      options?: TeoApiOptions.WriteOptions
    ) => Effect.Effect<void, TeoApiError | AuthError>
    /** The collections the API lists at its entrypoint (`GET /api`), by name. */
    readonly entrypoint: Effect.Effect<Readonly<Record<string, Iri>>, TeoApiError | AuthError>
  }
>()("@teo-effect/api/TeoApi") {
  /**
   * téo's API base URL.
   *
   * @since 0.1.0
   */
  static readonly defaultBaseUrl = TeoApiOptions.defaultBaseUrl

  /**
   * Builds the service.
   *
   * @since 0.1.0
   */
  static readonly make = make

  /**
   * The service as a layer; invalid options fail with a `ConfigError` naming them.
   *
   * @since 0.1.0
   */
  static readonly layer = (
    options: TeoApiOptions.TeoApiOptions = {}
  ): Layer.Layer<TeoApi, Config.ConfigError, AccessToken | HttpClient.HttpClient> => Layer.effect(TeoApi, make(options))

  /**
   * The layer with `baseUrl` and `allowPlainHttp` from `Config`s — by default
   * `TEO_API_URL` when set (else `https://teoapp.fr/api`) and
   * `TEO_ALLOW_PLAIN_HTTP` (see `TeoConfig`) — and `options` for the rest.
   *
   * @example
   * ```ts
   * import { TeoApi } from "@teo-effect/api"
   * import { Config } from "effect"
   *
   * const ApiLive = TeoApi.layerConfig({ baseUrl: Config.String("TEO_SANDBOX_API_URL"), deadline: "1 minute" })
   * ```
   *
   * @since 0.1.0
   */
  static readonly layerConfig = (
    options: TeoApiOptions.ConfigOptions = {}
  ): Layer.Layer<TeoApi, Config.ConfigError, AccessToken | HttpClient.HttpClient> => {
    const { baseUrl, allowPlainHttp, ...rest } = options
    return Layer.unwrap(
      Config.flatMap(allowPlainHttp ?? TeoConfig.allowPlainHttp, (allowPlainHttp = false) =>
        Config.map(baseUrl ?? TeoConfig.apiUrl({ allowPlainHttp }), (baseUrl) =>
          TeoApi.layer({ ...rest, allowPlainHttp, baseUrl: baseUrl ?? TeoApiOptions.defaultBaseUrl })
        )
      )
    )
  }
}
