/**
 * The options of `TeoApi.layer`, and their decoding into settings: every
 * option has a default, and a bad one fails the layer with a `ConfigError`
 * that names it.
 *
 * @since 0.1.0
 */
import { RetryPolicy, type TeoConfig } from "@teo-effect/auth"
import { DurationOption, EndpointUrl, TeoHttp } from "@teo-effect/auth/internal"
import { Config, type Duration, Effect, Schema } from "effect"

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
   * Time allowed for a whole call, retries and their waits included. Default:
   * none (each attempt still has `timeout`). When it passes, the call fails
   * with `RequestFailed` (`Deadline`).
   */
  readonly deadline?: Duration.Input
  /**
   * Retries of 429s (any method) and of 5xx, network failures and timeouts
   * (GET only, unless a call opts in), with the policy of `RetryPolicy`:
   * capped exponential backoff with full jitter, téo's `Retry-After` (429,
   * 503) as a floor. Defaults: `times` 2, `baseDelay` 500 ms, `maxDelay`
   * 8 seconds, `maxRetryAfter` 60 seconds (a longer `Retry-After` fails at
   * once). `false` switches retries off.
   */
  readonly retry?: false | RetryPolicy.RetryOptions
  /** Pages a `stream` fetches ahead of its consumer, past its window. Default 1; 0 fetches a page only when needed. */
  readonly prefetch?: number
  /**
   * Pages a `stream` or `pages` requests at once, once the first page says
   * where the collection ends (its `last` link, or `totalItems`): the size
   * of the window of pages held in memory. Default 16, at most 64; 1 reads
   * one page after the other. A `rateLimit` still caps the requests per
   * window whatever this is.
   *
   * @since 0.3.0
   */
  readonly concurrency?: number
  /** The largest answer read, in bytes; a larger one is `UnexpectedResponse`. Default 16 MiB. */
  readonly maxResponseBytes?: number
  /** Accept a plain `http:` base URL to another host than this machine. Default `false`. */
  readonly allowPlainHttp?: boolean
  /**
   * A rate budget, applied before each request (retries included): at most
   * `limit` requests per `window` (`algorithm`: `fixed-window`, the default,
   * or `token-bucket`); a request over budget waits its turn. A 429's
   * `Retry-After` is shared too: every caller of the budget waits it out,
   * then the budget learns the pace téo accepts. The budget is
   * `effect/persistence`'s `RateLimiter` when the application provides one —
   * with `RateLimiter.layerStoreRedis`, one budget for a whole fleet — and an
   * in-process one otherwise. `key` names the budget (default: a SHA-256 of
   * the client id and `TEO_ID`, which it thus does not show). Each command
   * to the store is bounded by `commandTimeout` (default 1 second): a store
   * that fails or is slower takes the turn from this process's own budget
   * instead, with a warning and `teo_api_rate_budget_fallbacks_total`, and
   * is tried again after 5 × `commandTimeout`. Default: none.
   *
   * @since 0.2.0
   */
  readonly rateLimit?: {
    readonly limit: number
    readonly window: Duration.Input
    readonly algorithm?: "fixed-window" | "token-bucket"
    readonly key?: string
    readonly commandTimeout?: Duration.Input
  }
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

/**
 * Options of a whole-collection read (`stream`, `pages`, `list`).
 *
 * @since 0.3.0
 * @category models
 */
export interface ReadOptions {
  /**
   * `false` emits pages as they arrive rather than in the collection's
   * order (no page waits for a slower one before it). Default `true`.
   */
  readonly ordered?: boolean | undefined
  /**
   * A `cursor` from an earlier read of the same collection (see `ReadPage`):
   * this read starts at that page, with the query the cursor carries.
   */
  readonly from?: string | undefined
  /** Pages fetched ahead of the consumer, past the window. Default: the layer's `prefetch`. */
  readonly prefetch?: number | undefined
}

/**
 * `TeoApi.layerConfig`'s options: those of `TeoApi.layer`, with `baseUrl` and
 * `allowPlainHttp` as `Config`s (by default `TEO_API_URL` and
 * `TEO_ALLOW_PLAIN_HTTP`).
 *
 * @since 0.3.0
 * @category models
 */
export type ConfigOptions = Omit<TeoApiOptions, "baseUrl" | "allowPlainHttp"> &
  TeoConfig.Values<Pick<TeoApiOptions, "baseUrl" | "allowPlainHttp">>

/**
 * Default base URL of téo's API.
 *
 * @since 0.1.0
 */
export const defaultBaseUrl = "https://teoapp.fr/api"

/**
 * An absolute URL without query or fragment, https unless on this machine,
 * without `user:password@` (see `EndpointUrl` in @teo-effect/auth).
 *
 * @since 0.1.0
 * @category schemas
 */
export const BaseUrl = EndpointUrl.BaseUrl

/**
 * Pages read at once by default: with 50 ms per answer, 100 pages in
 * about 0.5 s rather than 5 s one after the other (a floor of `(1 + ⌈99 / 16⌉) × 50 ms`
 * = 0.4 s; measured 478–505 ms in `bench/`).
 * Under a small instance's limits, lower it or set `rateLimit`.
 *
 * @since 0.3.0
 */
export const defaultConcurrency = 16

const Settings = (allowPlainHttp: boolean) =>
  Schema.Struct({
    baseUrl: BaseUrl(allowPlainHttp),
    timeout: DurationOption.Positive,
    deadline: Schema.UndefinedOr(DurationOption.Positive),
    retry: RetryPolicy.RetrySettings,
    prefetch: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100 })),
    concurrency: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 64 })),
    maxResponseBytes: Schema.Int.check(Schema.isBetween({ minimum: 1024, maximum: 1024 * 1024 * 1024 })),
    rateLimit: Schema.UndefinedOr(
      Schema.Struct({
        limit: Schema.Int.check(Schema.isGreaterThan(0)),
        window: DurationOption.Positive,
        algorithm: Schema.Literals(["fixed-window", "token-bucket"]),
        key: Schema.UndefinedOr(Schema.String.check(Schema.isNonEmpty())),
        commandTimeout: DurationOption.Positive
      })
    )
  })

/**
 * The decoded options.
 *
 * @since 0.1.0
 * @category models
 */
export type TeoApiSettings = ReturnType<typeof Settings>["Type"]

/**
 * Decodes `options` over the defaults; a bad one is a `ConfigError` naming it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (options: TeoApiOptions): Effect.Effect<TeoApiSettings, Config.ConfigError> =>
  Schema.decodeUnknownEffect(Settings(options.allowPlainHttp === true))(
    {
      baseUrl: options.baseUrl ?? defaultBaseUrl,
      timeout: options.timeout ?? "30 seconds",
      deadline: options.deadline,
      retry: RetryPolicy.withDefaults(options.retry, {
        times: 2,
        baseDelay: "500 millis",
        maxDelay: "8 seconds",
        maxRetryAfter: "60 seconds"
      }),
      prefetch: options.prefetch ?? 1,
      concurrency: options.concurrency ?? defaultConcurrency,
      maxResponseBytes: options.maxResponseBytes ?? TeoHttp.defaultApiResponseLimit,
      rateLimit:
        options.rateLimit === undefined
          ? undefined
          : {
              limit: options.rateLimit.limit,
              window: options.rateLimit.window,
              algorithm: options.rateLimit.algorithm ?? "fixed-window",
              key: options.rateLimit.key,
              commandTimeout: options.rateLimit.commandTimeout ?? "1 second"
            }
    },
    { errors: "all" }
  ).pipe(Effect.mapError((error) => new Config.ConfigError(error)))
