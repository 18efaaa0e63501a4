/**
 * The téo API, low level: schema-decoded calls on any path, Hydra paging as a
 * `Stream`, typed errors, and one retry policy for all of them.
 *
 * @since 0.1.0
 */
import {
  AccessToken,
  type AuthError,
  DurationOption,
  EndpointUrl,
  ExpiredToken,
  RetryAfter,
  type Token
} from "@teo-effect/auth"
import {
  Config,
  Context,
  DateTime,
  Duration,
  Effect,
  Layer,
  Option,
  Random,
  Schedule,
  Schema,
  SchemaIssue,
  Stream
} from "effect"
import { HttpClient, HttpClientRequest, type HttpClientResponse } from "effect/http"
import { expiredTokenMessages, requestIdHeaders } from "./Assumptions.js"
import { HydraCollection } from "./HydraCollection.js"
import * as HydraError from "./HydraError.js"
import type { Iri } from "./JsonLd.js"
import {
  BadRequest,
  Forbidden,
  NotFound,
  RateLimited,
  RequestFailed,
  ServerError,
  type TeoApiError,
  Unauthorized,
  UnexpectedResponse,
  ValidationFailed
} from "./TeoApiError.js"

/**
 * Query parameters, passed through as given; an array repeats its key
 * (`{ "status[]": ["a", "b"] }` → `status[]=a&status[]=b`).
 *
 * @since 0.1.0
 * @category models
 */
export type Query = Readonly<Record<string, string | number | boolean | ReadonlyArray<string | number | boolean>>>

/**
 * Options of `TeoApi.layer`. Every one has a default.
 *
 * @since 0.1.0
 * @category models
 */
export interface TeoApiOptions {
  /** The API's base URL. Default `https://teoapp.fr/api`. */
  readonly baseUrl?: string
  /** Time allowed for one request, answer included. Default 30 seconds. */
  readonly timeout?: Duration.Input
  /**
   * Retries of 429s (any method) and of 5xx, network failures and timeouts
   * (GET only, unless a call opts in). `false` switches retries off.
   */
  readonly retry?:
    | false
    | {
        /** Retries after the first attempt. Default 2. */
        readonly times?: number
        /** First backoff delay, doubled each time, with full jitter. Default 500 ms. */
        readonly baseDelay?: Duration.Input
        /** Longest backoff delay. Default 8 seconds. */
        readonly maxDelay?: Duration.Input
        /** Longest `Retry-After` waited for; a longer one fails at once with `RateLimited`. Default 60 seconds. */
        readonly maxRetryAfter?: Duration.Input
      }
  /** Pages a `stream` fetches ahead of its consumer. Default 1; 0 fetches a page only when needed. */
  readonly prefetch?: number
  /** Accept a plain `http:` base URL to another host than this machine. Default `false`. */
  readonly allowPlainHttp?: boolean
}

/**
 * Per-call options of the calls that write.
 *
 * @since 0.1.0
 * @category models
 */
export interface WriteOptions {
  /**
   * Retry this call on 5xx, network failures and timeouts too, as GETs are.
   * Off by default: téo may have applied a write whose answer was lost.
   */
  readonly retry?: boolean
}

/** Default base URL of téo's API. */
const defaultBaseUrl = "https://teoapp.fr/api"

/** An absolute URL without query, https unless on this machine (see `EndpointUrl` in @teo-effect/auth). */
const BaseUrl = (allowPlainHttp: boolean) =>
  Schema.String.check(
    Schema.makeFilter((input: string) => {
      const problem = EndpointUrl.problem(input, { allowPlainHttp })
      if (problem !== undefined) return problem
      const url = new URL(input)
      return (url.search === "" && url.hash === "") || `must have no query or fragment, got ${JSON.stringify(input)}`
    })
  )

const Settings = (allowPlainHttp: boolean) =>
  Schema.Struct({
    baseUrl: BaseUrl(allowPlainHttp),
    timeout: DurationOption.Positive,
    retry: Schema.Struct({
      times: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100 })),
      baseDelay: DurationOption.Positive,
      maxDelay: DurationOption.Positive,
      maxRetryAfter: DurationOption.Positive
    }),
    prefetch: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100 }))
  })

type Settings = ReturnType<typeof Settings>["Type"]

const resolveSettings = (options: TeoApiOptions): Effect.Effect<Settings, Config.ConfigError> =>
  Schema.decodeUnknownEffect(Settings(options.allowPlainHttp === true))(
    {
      baseUrl: options.baseUrl ?? defaultBaseUrl,
      timeout: options.timeout ?? "30 seconds",
      retry:
        options.retry === false
          ? { times: 0, baseDelay: "500 millis", maxDelay: "8 seconds", maxRetryAfter: "60 seconds" }
          : {
              times: options.retry?.times ?? 2,
              baseDelay: options.retry?.baseDelay ?? "500 millis",
              maxDelay: options.retry?.maxDelay ?? "8 seconds",
              maxRetryAfter: options.retry?.maxRetryAfter ?? "60 seconds"
            },
      prefetch: options.prefetch ?? 1
    },
    { errors: "all" }
  ).pipe(Effect.mapError((error) => new Config.ConfigError(error)))

type Method = "GET" | "POST" | "PATCH" | "DELETE"

/** A request, as `send` takes it. */
interface Call<A> {
  /** The span is `teo.api.<operation>`. */
  readonly operation: string
  readonly method: Method
  /** A path from the base URL (`/production/dossiers`), an IRI (`/api/…`) or a same-origin URL. */
  readonly target: string
  readonly query?: Query | undefined
  readonly body?: { readonly json: unknown; readonly contentType: string } | undefined
  /** Whether 5xx, network failures and timeouts are retried. */
  readonly idempotent: boolean
  readonly decode: (
    response: HttpClientResponse.HttpClientResponse,
    path: string
  ) => Effect.Effect<A, UnexpectedResponse>
}

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

/** `a.b[3].c` from a Schema issue path. */
const formatIssuePath = (path: ReadonlyArray<PropertyKey>): string =>
  path
    .map((key, index) =>
      typeof key === "number" ? `[${key}]` : index === 0 ? globalThis.String(key) : `.${globalThis.String(key)}`
    )
    .join("")

const firstIssue = SchemaIssue.makeFormatterStandardSchemaV1()

/** Path templates keep span attributes low-cardinality: ids become `{id}`. */
const pathTemplate = (path: string): string =>
  path
    .replace(/\?.*$/, "")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "{id}")
    .replace(/\/\d+(?=\/|$)/g, "/{id}")

const isExpiredMessage = (message: string | undefined): boolean =>
  message !== undefined && expiredTokenMessages.some((expired) => message.toLowerCase().includes(expired))

/** Whether trying again may help, for a call that may or may not be repeated safely. */
const isRetryable = (error: TeoApiError | AuthError, idempotent: boolean): boolean => {
  switch (error._tag) {
    case "RateLimited":
      return true
    case "ServerError":
    case "RequestFailed":
      return idempotent
    default:
      return false
  }
}

const make = Effect.fnUntraced(function* (options: TeoApiOptions = {}) {
  const settings = yield* resolveSettings(options)
  const accessToken = yield* AccessToken
  const client = yield* HttpClient.HttpClient
  const base = new URL(settings.baseUrl.endsWith("/") ? settings.baseUrl.slice(0, -1) : settings.baseUrl)
  const baseHref = base.href.endsWith("/") ? base.href.slice(0, -1) : base.href
  const basePath = base.pathname === "/" ? "" : base.pathname.replace(/\/$/, "")

  /** The URL of a target, or `undefined` when it would leave the API's origin (and take the token with it). */
  const resolve = (target: string): URL | undefined => {
    if (/^https?:\/\//i.test(target)) {
      const url = URL.parse(target)
      return url !== null && url.origin === base.origin ? url : undefined
    }
    if (
      target.startsWith("/") &&
      basePath !== "" &&
      (target === basePath || target.startsWith(`${basePath}/`) || target.startsWith(`${basePath}?`))
    ) {
      return new URL(target, base.origin)
    }
    return new URL(`${baseHref}${target.startsWith("/") || target === "" ? "" : "/"}${target}`)
  }

  /** How errors and spans show a URL: its path from the base URL, with the query. */
  const display = (url: URL): string => {
    const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname
    return `${path === "" ? "/" : path}${url.search}`
  }

  const failureOf = Effect.fnUntraced(function* (
    method: Method,
    path: string,
    response: HttpClientResponse.HttpClientResponse
  ) {
    const text = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
    const body = HydraError.decodeHydraError(text)
    const requestId = requestIdHeaders.map((name) => response.headers[name]).find((value) => value !== undefined)
    const status = response.status
    const fields = {
      method,
      path,
      status,
      ...(body.title === undefined ? {} : { title: body.title }),
      ...(body.description === undefined ? {} : { description: body.description }),
      ...(requestId === undefined ? {} : { requestId })
    }
    if (status === 401) return new Unauthorized(fields)
    if (status === 403) return new Forbidden(fields)
    if (status === 404) return new NotFound(fields)
    if (status === 422) return new ValidationFailed({ ...fields, violations: body.violations })
    if (status === 429) {
      const retryAfter = RetryAfter.parse(response.headers["retry-after"], yield* DateTime.now)
      return new RateLimited(Option.isSome(retryAfter) ? { ...fields, retryAfter: retryAfter.value } : fields)
    }
    if (status >= 500) return new ServerError(fields)
    if (status >= 400) return new BadRequest(fields)
    return new UnexpectedResponse({ method, path, status, detail: "unexpected status" })
  })

  /** One request with `token`: status and body mapped to a value or a typed error. */
  const attempt = <A>(call: Call<A>, url: URL, path: string, token: Token) =>
    Effect.gen(function* () {
      let request = HttpClientRequest.make(call.method)(url).pipe(
        HttpClientRequest.bearerToken(token.value),
        HttpClientRequest.accept("application/ld+json")
      )
      if (call.query !== undefined) request = HttpClientRequest.appendUrlParams(request, call.query)
      if (call.body !== undefined) {
        request = HttpClientRequest.bodyText(request, JSON.stringify(call.body.json), call.body.contentType)
      }
      const response = yield* client.execute(request).pipe(
        Effect.mapError(
          (error) =>
            new RequestFailed({
              method: call.method,
              path,
              reason: "Transport",
              detail: error.reason.description ?? error.reason._tag
            })
        )
      )
      yield* Effect.annotateCurrentSpan("http.response.status_code", response.status)
      if (response.status >= 200 && response.status < 300) return yield* call.decode(response, path)
      return yield* Effect.fail(yield* failureOf(call.method, path, response))
    }).pipe(
      Effect.timeoutOrElse({
        duration: settings.timeout,
        orElse: () =>
          Effect.fail(
            new RequestFailed({
              method: call.method,
              path,
              reason: "Timeout",
              detail: `no complete answer within ${Duration.format(settings.timeout)}`
            })
          )
      })
    )

  /**
   * A 401 invalidates the token that was used and tries once more with a
   * fresh one; a second 401 that says "expired" is `ExpiredToken`.
   */
  const authorized = <A>(call: Call<A>, url: URL, path: string) =>
    Effect.gen(function* () {
      const token = yield* accessToken.get
      return yield* attempt(call, url, path, token).pipe(
        Effect.catchTag("Unauthorized", () =>
          Effect.gen(function* () {
            yield* accessToken.invalidate(token)
            const fresh = yield* accessToken.get
            return yield* attempt(call, url, path, fresh).pipe(
              Effect.catchTag(
                "Unauthorized",
                (second): Effect.Effect<never, ExpiredToken | Unauthorized> =>
                  isExpiredMessage(second.description) || isExpiredMessage(second.title)
                    ? Effect.fail(
                        new ExpiredToken(second.description === undefined ? {} : { description: second.description })
                      )
                    : Effect.fail(second)
              )
            )
          })
        )
      )
    })

  const retrySchedule = (idempotent: boolean) =>
    Schedule.exponential(settings.retry.baseDelay).pipe(
      Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, settings.retry.maxDelay))),
      // Full jitter: anywhere between zero and the capped exponential delay.
      Schedule.modifyDelay(({ duration }) =>
        Effect.map(Random.next, (random) => Duration.millis(Math.round(Duration.toMillis(duration) * random)))
      ),
      Schedule.setInputType<TeoApiError | AuthError>(),
      Schedule.modifyDelay(({ input, duration }) =>
        Effect.succeed(input._tag === "RateLimited" && input.retryAfter !== undefined ? input.retryAfter : duration)
      ),
      Schedule.while(
        ({ input, attempt, duration }) =>
          isRetryable(input, idempotent) &&
          attempt <= settings.retry.times &&
          !(input._tag === "RateLimited" && Duration.isGreaterThan(duration, settings.retry.maxRetryAfter))
      )
    )

  /** Sends a call: token, 401 handling, retries, timeout, span. */
  const send = <A>(call: Call<A>): Effect.Effect<A, TeoApiError | AuthError> =>
    Effect.suspend(() => {
      const url = resolve(call.target)
      const path = url === undefined ? call.target : display(url)
      if (url === undefined) {
        return Effect.fail(
          new UnexpectedResponse({
            method: call.method,
            path,
            status: 0,
            detail: `refusing to send the téo token outside ${base.origin}`
          })
        )
      }
      let attempts = 0
      return Effect.suspend(() => {
        attempts++
        return authorized(call, url, path)
      }).pipe(
        Effect.retry(retrySchedule(call.idempotent)),
        Effect.ensuring(Effect.suspend(() => Effect.annotateCurrentSpan("teo.api.retries", attempts - 1))),
        Effect.withSpan(`teo.api.${call.operation}`, {
          attributes: {
            "http.request.method": call.method,
            "teo.api.path_template": pathTemplate(path)
          }
        })
      )
    })

  const decodeWith =
    <A>(schema: Schema.Decoder<A>) =>
    (response: HttpClientResponse.HttpClientResponse, path: string): Effect.Effect<A, UnexpectedResponse> =>
      Effect.gen(function* () {
        const method = response.request.method
        const status = response.status
        const json = yield* response.json.pipe(
          Effect.mapError(
            () => new UnexpectedResponse({ method, path, status, detail: "the response body is not JSON" })
          )
        )
        return yield* decoderOf(schema)(json).pipe(
          Effect.mapError((error) => {
            const [issue] = firstIssue(error.issue).issues
            const issuePath =
              issue === undefined
                ? ""
                : formatIssuePath((issue.path ?? []).map((key) => (typeof key === "object" ? key.key : key)))
            return new UnexpectedResponse({
              method,
              path,
              status,
              ...(issuePath === "" ? {} : { issuePath }),
              detail: issue?.message ?? error.message
            })
          })
        )
      })

  const get = <A>(
    target: string,
    schema: Schema.Decoder<A>,
    query?: Query
  ): Effect.Effect<A, TeoApiError | AuthError> =>
    send({ operation: "get", method: "GET", target, query, idempotent: true, decode: decodeWith(schema) })

  const page = <A>(
    target: string,
    item: Schema.Decoder<A>,
    query?: Query
  ): Effect.Effect<HydraCollection<A>, TeoApiError | AuthError> =>
    send({
      operation: "page",
      method: "GET",
      target,
      query,
      idempotent: true,
      decode: decodeWith(HydraCollection(item) as Schema.Decoder<HydraCollection<A>>)
    })

  const stream = <A>(
    target: string,
    item: Schema.Decoder<A>,
    query?: Query,
    streamOptions?: { readonly prefetch?: number }
  ): Stream.Stream<A, TeoApiError | AuthError> => {
    const prefetch = streamOptions?.prefetch ?? settings.prefetch
    const pages = Stream.unwrap(
      Effect.sync(() => {
        // The `next` links followed so far: one seen twice means the collection loops.
        const seen = new Set<string>()
        return Stream.paginate(
          { target, query } as { readonly target: string; readonly query: Query | undefined },
          (current) =>
            page(current.target, item, current.query).pipe(
              Effect.flatMap((collection) => {
                const next = collection.view?.next
                if (next === undefined) return Effect.succeed([[collection.member], Option.none()] as const)
                const url = resolve(next)
                if (url === undefined || seen.has(url.href)) {
                  return Effect.fail(
                    new UnexpectedResponse({
                      method: "GET",
                      path: current.target,
                      status: 200,
                      issuePath: "view.next",
                      detail:
                        url === undefined
                          ? `the next page ${next} is outside ${base.origin}`
                          : `the next page ${next} was already fetched: the collection loops`
                    })
                  )
                }
                seen.add(url.href)
                return Effect.succeed([[collection.member], Option.some({ target: next, query: undefined })] as const)
              })
            )
        )
      })
    )
    return (prefetch > 0 ? pages.pipe(Stream.buffer({ capacity: prefetch })) : pages).pipe(Stream.flattenIterable)
  }

  const create = <A>(
    target: string,
    body: unknown,
    schema: Schema.Decoder<A>,
    writeOptions?: WriteOptions
  ): Effect.Effect<A, TeoApiError | AuthError> =>
    send({
      operation: "create",
      method: "POST",
      target,
      body: { json: body, contentType: "application/ld+json" },
      idempotent: writeOptions?.retry === true,
      decode: decodeWith(schema)
    })

  const update = <A>(
    target: string,
    patch: unknown,
    schema: Schema.Decoder<A>,
    writeOptions?: WriteOptions
  ): Effect.Effect<A, TeoApiError | AuthError> =>
    send({
      operation: "update",
      method: "PATCH",
      target,
      body: { json: patch, contentType: "application/merge-patch+json" },
      idempotent: writeOptions?.retry === true,
      decode: decodeWith(schema)
    })

  const remove = (target: string, writeOptions?: WriteOptions): Effect.Effect<void, TeoApiError | AuthError> =>
    send({
      operation: "remove",
      method: "DELETE",
      target,
      idempotent: writeOptions?.retry === true,
      decode: () => Effect.void
    })

  const entrypoint = send({
    operation: "entrypoint",
    method: "GET",
    target: "",
    idempotent: true,
    decode: decodeWith(Schema.Record(Schema.String, Schema.Unknown))
  }).pipe(
    Effect.map((entries) => {
      const collections: Record<string, Iri> = {}
      for (const [key, value] of Object.entries(entries)) {
        if (!key.startsWith("@") && typeof value === "string" && value.startsWith("/")) collections[key] = value as Iri
      }
      return collections
    })
  )

  return TeoApi.of({ get, page, stream, create, update, remove, entrypoint })
})

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
    /** Every item of a collection, following `view.next` page after page. */
    readonly stream: <A>(
      target: string,
      item: Schema.Decoder<A>,
      query?: Query,
      options?: { readonly prefetch?: number }
    ) => Stream.Stream<A, TeoApiError | AuthError>
    /** `POST` a JSON-LD body; the answer decoded with `schema`. Not retried on 5xx unless asked. */
    readonly create: <A>(
      target: string,
      body: unknown,
      schema: Schema.Decoder<A>,
      options?: WriteOptions
    ) => Effect.Effect<A, TeoApiError | AuthError>
    /** `PATCH` a JSON merge patch; the answer decoded with `schema`. Not retried on 5xx unless asked. */
    readonly update: <A>(
      target: string,
      patch: unknown,
      schema: Schema.Decoder<A>,
      options?: WriteOptions
    ) => Effect.Effect<A, TeoApiError | AuthError>
    /** `DELETE` a resource. Not retried on 5xx unless asked. */
    readonly remove: (target: string, options?: WriteOptions) => Effect.Effect<void, TeoApiError | AuthError>
    /** The collections the API lists at its entrypoint (`GET /api`), by name. */
    readonly entrypoint: Effect.Effect<Readonly<Record<string, Iri>>, TeoApiError | AuthError>
  }
>()("@teo-effect/api/TeoApi") {
  /**
   * téo's API base URL.
   *
   * @since 0.1.0
   */
  static readonly defaultBaseUrl = defaultBaseUrl

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
    options: TeoApiOptions = {}
  ): Layer.Layer<TeoApi, Config.ConfigError, AccessToken | HttpClient.HttpClient> => Layer.effect(TeoApi, make(options))

  /**
   * The layer with the base URL from `TEO_API_URL` when set (default
   * `https://teoapp.fr/api`), and `options` for the rest.
   *
   * @since 0.1.0
   */
  static readonly layerConfig = (
    options: Omit<TeoApiOptions, "baseUrl"> = {}
  ): Layer.Layer<TeoApi, Config.ConfigError, AccessToken | HttpClient.HttpClient> =>
    Layer.unwrap(
      Config.Boolean("TEO_ALLOW_PLAIN_HTTP").pipe(
        Config.withDefault(options.allowPlainHttp === true),
        Config.flatMap((allowPlainHttp) =>
          Config.schema(BaseUrl(allowPlainHttp), "TEO_API_URL").pipe(
            Config.withDefault(defaultBaseUrl),
            Config.map((baseUrl) => TeoApi.layer({ ...options, baseUrl, allowPlainHttp }))
          )
        )
      )
    )
}
