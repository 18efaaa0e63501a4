/**
 * The téo access token as a service: fetched once, shared by every caller,
 * renewed in the background before it expires.
 *
 * @since 0.1.0
 */
import {
  Clock,
  Config,
  Context,
  Deferred,
  Duration,
  Effect,
  Layer,
  Random,
  Ref,
  Schedule,
  Schema,
  type Scope
} from "effect"
import { HttpClient } from "effect/http"
import type { AuthError } from "./AuthError.js"
import * as DurationOption from "./internal/DurationOption.js"
import * as TeoHttp from "./internal/TeoHttp.js"
import { requestToken } from "./internal/TokenRequest.js"
import * as TokenState from "./internal/TokenState.js"
import * as RetryPolicy from "./RetryPolicy.js"
import { TeoCredentials } from "./TeoCredentials.js"
import type { Token } from "./Token.js"
import * as TokenStore from "./TokenStore.js"

/**
 * Options of `AccessToken.layer`. Every one has a default.
 *
 * @since 0.1.0
 * @category models
 */
export interface AccessTokenOptions<R = never> {
  /**
   * Where the token is shared: in the process (default, `TokenStore.memory`),
   * or across a fleet (`RedisTokenStore.make()`, which needs `Redis`).
   *
   * @since 0.2.0
   */
  readonly store?: Effect.Effect<TokenStore.TokenStore, never, R>
  /**
   * How long before expiry the token is renewed in the background. Default
   * 60 seconds (téo's advice), capped at half the token's lifetime.
   */
  readonly refreshWindow?: Duration.Input
  /**
   * Up to this much, drawn at random for each token, is added to its refresh
   * window, so that the processes sharing a store do not all reach their
   * refresh point at once. Default: none in the process; a tenth of
   * `refreshWindow` with a `store`.
   *
   * @since 0.2.0
   */
  readonly refreshJitter?: Duration.Input
  /** Time allowed for one token request, answer included. Default 10 seconds. */
  readonly requestTimeout?: Duration.Input
  /**
   * Retries of retryable failures (network, timeout, 5xx, 429), with the
   * policy of `RetryPolicy`: capped exponential backoff with full jitter,
   * téo's `Retry-After` as a floor.
   *
   * - `times`: retries of a request that callers are waiting for (no valid
   *   token). Default 3; 0 disables retries. A background refresh retries
   *   until the current token expires, at least `times` and at most
   *   `max(times, 10)` times.
   * - `baseDelay`: default 500 ms; `maxDelay`: default 10 seconds.
   * - `maxRetryAfter`: the longest `Retry-After` waited for; a longer one
   *   fails at once with `TokenRequestFailed` (`RateLimited`). Default 30 seconds.
   */
  readonly retry?: RetryPolicy.RetryOptions
}

const Settings = Schema.Struct({
  refreshWindow: DurationOption.Positive,
  refreshJitter: Schema.optionalKey(DurationOption.Positive),
  requestTimeout: DurationOption.Positive,
  retry: RetryPolicy.RetrySettings
})

type Settings = typeof Settings.Type

const resolveSettings = (options: AccessTokenOptions<unknown>): Effect.Effect<Settings, Config.ConfigError> =>
  Schema.decodeUnknownEffect(Settings)(
    {
      refreshWindow: options.refreshWindow ?? "60 seconds",
      ...(options.refreshJitter === undefined ? {} : { refreshJitter: options.refreshJitter }),
      requestTimeout: options.requestTimeout ?? "10 seconds",
      retry: RetryPolicy.withDefaults(options.retry, {
        times: 3,
        baseDelay: "500 millis",
        maxDelay: "10 seconds",
        maxRetryAfter: "30 seconds"
      })
    },
    { errors: "all" }
  ).pipe(Effect.mapError((error) => new Config.ConfigError(error)))

/** The most retries a background refresh makes (or `times`, if larger). */
const refreshRetries = 10

const make = Effect.fnUntraced(function* <R = never>(options: AccessTokenOptions<R> = {}) {
  const settings = yield* resolveSettings(options)
  const store = options.store === undefined ? TokenStore.memory : yield* options.store
  const credentials = yield* TeoCredentials
  const client = TeoHttp.teoClient(yield* HttpClient.HttpClient)
  const scope = yield* Effect.scope
  const state = yield* Ref.make<TokenState.State>(TokenState.empty)
  const refreshWindowMillis = Duration.toMillis(settings.refreshWindow)
  const jitterMillis =
    settings.refreshJitter !== undefined
      ? Duration.toMillis(settings.refreshJitter)
      : options.store === undefined
        ? 0
        : refreshWindowMillis / 10
  /** This token's refresh window: the configured one, plus its share of jitter. */
  const windowOfNextToken =
    jitterMillis > 0
      ? Effect.map(Random.nextBetween(0, jitterMillis), (extra) => refreshWindowMillis + extra)
      : Effect.succeed(refreshWindowMillis)

  /** Callers are waiting: `times` retries. */
  const waitedFor = RetryPolicy.schedule(settings.retry)

  /**
   * A background refresh: retries until the current token expires (`deadline`,
   * epoch ms) — and at least as often as a request callers would have made
   * themselves, for those left waiting on it past expiry — within a bounded
   * budget.
   */
  const refreshing = (deadline: number) =>
    RetryPolicy.schedule(settings.retry, {
      maxAttempts: Math.max(settings.retry.times, refreshRetries)
    }).pipe(
      Schedule.while(
        ({ attempt, now, duration }) => attempt <= settings.retry.times || now + Duration.toMillis(duration) < deadline
      )
    )

  /** A token newer than `refreshingToken`: from the store, or from téo (with retries) when the store says to fetch. */
  const fetchToken = (refreshingToken: Token | undefined): Effect.Effect<Token, AuthError> =>
    store.obtain(
      requestToken(credentials, { timeout: settings.requestTimeout }).pipe(
        Effect.retry(
          refreshingToken === undefined ? waitedFor : refreshing(refreshingToken.expiresAt.epochMilliseconds)
        ),
        Effect.provideService(HttpClient.HttpClient, client)
      ),
      refreshingToken
    )

  /** Runs the request behind `result` in the layer's scope: an interrupted caller cannot cancel it for the others. */
  const start = (result: TokenState.InFlight, refreshingToken: Token | undefined) =>
    fetchToken(refreshingToken).pipe(
      Effect.tap((token) =>
        Effect.logDebug(
          refreshingToken === undefined ? "téo token obtained" : "téo token refreshed in the background"
        ).pipe(Effect.annotateLogs({ teoId: credentials.teoId, expiresAt: token.expiresAt.toString() }))
      ),
      Effect.tapError((error) =>
        Effect.logDebug(
          refreshingToken === undefined ? "téo token request failed" : "background refresh of the téo token failed"
        ).pipe(Effect.annotateLogs({ teoId: credentials.teoId, error: error.message }))
      ),
      Effect.onExit((exit) =>
        Effect.all([Clock.currentTimeMillis, windowOfNextToken]).pipe(
          Effect.flatMap(([now, window]) =>
            Ref.update(state, (current) => TokenState.settle(current, result, exit, now, window))
          ),
          Effect.andThen(Deferred.done(result, exit))
        )
      ),
      Effect.forkIn(scope),
      Effect.asVoid
    )

  const stepped: Effect.Effect<Token, AuthError> = Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.flatMap(
        Ref.modify(state, (current) => TokenState.step(current, now)),
        (next): Effect.Effect<Token, AuthError> => {
          switch (next._tag) {
            case "Serve":
              return Effect.succeed(next.token)
            case "Await":
              return restore(Deferred.await(next.result))
            case "Fetch":
              return Effect.andThen(start(next.result, undefined), restore(Deferred.await(next.result)))
            case "ServeAndRefresh":
              return Effect.logDebug("téo token enters its refresh window: refreshing in the background").pipe(
                Effect.annotateLogs({ teoId: credentials.teoId }),
                Effect.andThen(start(next.result, next.token)),
                Effect.as(next.token)
              )
          }
        }
      )
    )
  )

  /** The common case first: a ready token before its refresh point is served without a state change. */
  const get: Effect.Effect<Token, AuthError> = Effect.clockWith((clock) => {
    const token = TokenState.fresh(Ref.getUnsafe(state), clock.currentTimeMillisUnsafe())
    return token === undefined ? stepped : Effect.succeed(token)
  })

  const invalidate = (token: Token): Effect.Effect<void> =>
    Effect.andThen(
      Ref.update(state, (current) => TokenState.invalidate(current, token)),
      store.invalidate(token)
    )

  return AccessToken.of({ get, invalidate })
})

/**
 * The téo access token of the configured credentials.
 *
 * - `get` returns the cached token while it is valid. The first call, and any
 *   call after expiry, requests a new one; concurrent callers share that one
 *   request and its outcome (one request for a thousand callers, and one
 *   `InvalidClient` for all of them if the credentials are wrong).
 * - From `refreshWindow` before expiry, `get` still returns the current token
 *   at once and a single refresh runs in the background; if it fails, the
 *   current token is served until it expires.
 * - `invalidate(token)` forgets the cached token if it is still `token` (a
 *   late 401 on an old token cannot throw away a newer one).
 *
 * @example
 * ```ts
 * import { AccessToken, TeoCredentials } from "@teo-effect/auth"
 * import { Effect, Layer, Redacted } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * const TokenLive = AccessToken.layer().pipe(
 *   Layer.provide(TeoCredentials.layerConfig()),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 *
 * const program = Effect.gen(function* () {
 *   const token = yield* (yield* AccessToken).get
 *   yield* Effect.log(`token for ${token.scope}, valid until ${token.expiresAt}`)
 * })
 *
 * program.pipe(Effect.provide(TokenLive), Effect.runPromise)
 * ```
 *
 * @since 0.1.0
 * @category services
 */
export class AccessToken extends Context.Service<
  AccessToken,
  {
    /** The current token: cached, shared, refreshed in the background. */
    readonly get: Effect.Effect<Token, AuthError>
    /** Forgets the cached token if it is still `token`. */
    readonly invalidate: (token: Token) => Effect.Effect<void>
  }
>()("@teo-effect/auth/AccessToken") {
  /**
   * Builds the service; its background work lives in the current scope.
   *
   * @since 0.1.0
   */
  static readonly make = make

  /**
   * The service as a layer. Background refreshes run in the layer's scope and
   * stop when it closes. Invalid options fail with a `ConfigError` naming them.
   *
   * @since 0.1.0
   */
  static readonly layer = <R = never>(
    options: AccessTokenOptions<R> = {}
  ): Layer.Layer<AccessToken, Config.ConfigError, TeoCredentials | HttpClient.HttpClient | Exclude<R, Scope.Scope>> =>
    Layer.effect(AccessToken, make(options))
}
