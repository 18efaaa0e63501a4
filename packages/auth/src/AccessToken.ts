/**
 * The téo access token as a service: fetched once, shared by every caller,
 * renewed in the background before it expires.
 *
 * @since 0.1.0
 */
import { Clock, Config, Context, Deferred, Duration, Effect, Exit, Layer, Ref, Schedule, Schema } from "effect"
import { HttpClient } from "effect/http"
import type { AuthError } from "./AuthError.js"
import * as DurationOption from "./DurationOption.js"
import { TeoCredentials } from "./TeoCredentials.js"
import type { Token } from "./Token.js"
import { requestToken } from "./TokenRequest.js"

/**
 * Options of `AccessToken.layer`. Every one has a default.
 *
 * @since 0.1.0
 * @category models
 */
export interface AccessTokenOptions {
  /**
   * How long before expiry the token is renewed in the background. Default
   * 60 seconds (téo's advice), capped at half the token's lifetime.
   */
  readonly refreshWindow?: Duration.Input
  /** Time allowed for one token request, answer included. Default 10 seconds. */
  readonly requestTimeout?: Duration.Input
  /** Retries of transient failures (network, timeout, 5xx, 429). */
  readonly retry?: {
    /**
     * Retries of a request that callers are waiting for (no valid token).
     * Default 3; 0 disables retries. A background refresh retries until the
     * current token expires, and at least this many times.
     */
    readonly times?: number
    /** First delay of the exponential backoff (doubled each time, with jitter). Default 500 ms. */
    readonly baseDelay?: Duration.Input
    /** Longest delay between two attempts. Default 10 seconds. */
    readonly maxDelay?: Duration.Input
    /**
     * Longest `Retry-After` (on a 429) that is waited for; a longer one fails
     * at once with `TokenRequestFailed` (`RateLimited`). Default 30 seconds.
     */
    readonly maxRetryAfter?: Duration.Input
  }
}

const Settings = Schema.Struct({
  refreshWindow: DurationOption.Positive,
  requestTimeout: DurationOption.Positive,
  retry: Schema.Struct({
    times: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100 })),
    baseDelay: DurationOption.Positive,
    maxDelay: DurationOption.Positive,
    maxRetryAfter: DurationOption.Positive
  })
})

type Settings = typeof Settings.Type

const resolveSettings = (options: AccessTokenOptions): Effect.Effect<Settings, Config.ConfigError> =>
  Schema.decodeUnknownEffect(Settings)(
    {
      refreshWindow: options.refreshWindow ?? "60 seconds",
      requestTimeout: options.requestTimeout ?? "10 seconds",
      retry: {
        times: options.retry?.times ?? 3,
        baseDelay: options.retry?.baseDelay ?? "500 millis",
        maxDelay: options.retry?.maxDelay ?? "10 seconds",
        maxRetryAfter: options.retry?.maxRetryAfter ?? "30 seconds"
      }
    },
    { errors: "all" }
  ).pipe(Effect.mapError((error) => new Config.ConfigError(error)))

/**
 * What the cache holds. A `Deferred` stands for the request in flight, so
 * every caller that needs it waits on the same one, and learns the same
 * outcome, success or failure.
 */
type State =
  | { readonly _tag: "Empty" }
  | { readonly _tag: "Fetching"; readonly result: Deferred.Deferred<Token, AuthError> }
  | {
      readonly _tag: "Ready"
      readonly token: Token
      /** Epoch milliseconds from which a background refresh starts. */
      readonly refreshAt: number
      /** The background refresh in flight, if any. */
      readonly refresh: Deferred.Deferred<Token, AuthError> | undefined
      /** A background refresh failed for good: serve this token until it expires, then fetch anew. */
      readonly refreshFailed: boolean
    }

/** What `get` does after reading the state. */
type Step =
  | { readonly _tag: "Serve"; readonly token: Token }
  | { readonly _tag: "Await"; readonly result: Deferred.Deferred<Token, AuthError> }
  | { readonly _tag: "Fetch"; readonly result: Deferred.Deferred<Token, AuthError> }
  | { readonly _tag: "ServeAndRefresh"; readonly token: Token; readonly result: Deferred.Deferred<Token, AuthError> }

const empty: State = { _tag: "Empty" }

const isTransient = (error: AuthError): boolean => error._tag === "TokenRequestFailed" && error.isTransient

/** Decides, atomically, what a `get` at `now` does and how the state changes. */
const step = (state: State, now: number): readonly [Step, State] => {
  switch (state._tag) {
    case "Empty": {
      const result = Deferred.makeUnsafe<Token, AuthError>()
      return [
        { _tag: "Fetch", result },
        { _tag: "Fetching", result }
      ]
    }
    case "Fetching":
      return [{ _tag: "Await", result: state.result }, state]
    case "Ready": {
      const expiresAt = state.token.expiresAt.epochMilliseconds
      if (now >= expiresAt) {
        if (state.refresh !== undefined) {
          return [
            { _tag: "Await", result: state.refresh },
            { _tag: "Fetching", result: state.refresh }
          ]
        }
        const result = Deferred.makeUnsafe<Token, AuthError>()
        return [
          { _tag: "Fetch", result },
          { _tag: "Fetching", result }
        ]
      }
      if (now >= state.refreshAt && state.refresh === undefined && !state.refreshFailed) {
        const result = Deferred.makeUnsafe<Token, AuthError>()
        return [
          { _tag: "ServeAndRefresh", token: state.token, result },
          { ...state, refresh: result }
        ]
      }
      return [{ _tag: "Serve", token: state.token }, state]
    }
  }
}

/** The state once the request behind `result` has ended with `exit`. */
const settle = (
  state: State,
  result: Deferred.Deferred<Token, AuthError>,
  exit: Exit.Exit<Token, AuthError>,
  refreshAtOf: (token: Token) => number
): State => {
  const owns =
    (state._tag === "Fetching" && state.result === result) || (state._tag === "Ready" && state.refresh === result)
  if (!owns) return state
  if (Exit.isSuccess(exit)) {
    return {
      _tag: "Ready",
      token: exit.value,
      refreshAt: refreshAtOf(exit.value),
      refresh: undefined,
      refreshFailed: false
    }
  }
  // No failure is cached: callers that come after a failed request start a new one…
  if (state._tag === "Fetching") return empty
  // …unless a still-valid token can be served: a failed refresh keeps it, and stops refreshing.
  return { ...state, refresh: undefined, refreshFailed: true }
}

const make = Effect.fnUntraced(function* (options: AccessTokenOptions = {}) {
  const settings = yield* resolveSettings(options)
  const credentials = yield* TeoCredentials
  const client = yield* HttpClient.HttpClient
  const scope = yield* Effect.scope
  const state = yield* Ref.make<State>(empty)

  const refreshWindowMillis = Duration.toMillis(settings.refreshWindow)
  /** When a token received at `now` enters its refresh window: capped at half its lifetime. */
  const refreshAtOf =
    (now: number) =>
    (token: Token): number => {
      const expiresAt = token.expiresAt.epochMilliseconds
      const lifetime = Math.max(0, expiresAt - now)
      return expiresAt - Math.min(refreshWindowMillis, lifetime / 2)
    }

  /**
   * Retries transient failures with capped exponential backoff and jitter,
   * honouring `Retry-After` up to its cap: `times` retries, and a background
   * refresh (`deadline`, epoch ms) keeps retrying until the token expires.
   */
  const retrySchedule = (deadline: number | undefined) =>
    Schedule.exponential(settings.retry.baseDelay).pipe(
      Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, settings.retry.maxDelay))),
      Schedule.jittered,
      Schedule.setInputType<AuthError>(),
      Schedule.modifyDelay(({ input, duration }) =>
        Effect.succeed(
          input._tag === "TokenRequestFailed" && input.retryAfter !== undefined ? input.retryAfter : duration
        )
      ),
      Schedule.while(({ input, attempt, now, duration }) => {
        if (!isTransient(input)) return false
        if (Duration.isGreaterThan(duration, settings.retry.maxRetryAfter)) return false
        // A refresh retries until the token expires — and, when callers are left waiting on it past
        // expiry, at least as often as a request they would have made themselves.
        return (
          attempt <= settings.retry.times || (deadline !== undefined && now + Duration.toMillis(duration) < deadline)
        )
      })
    )

  const fetchToken = (deadline: number | undefined): Effect.Effect<Token, AuthError> =>
    Effect.suspend(() => {
      let attempt = 0
      return Effect.suspend(() =>
        requestToken(credentials, { timeout: settings.requestTimeout, attempt: ++attempt })
      ).pipe(Effect.retry(retrySchedule(deadline)))
    }).pipe(Effect.provideService(HttpClient.HttpClient, client))

  /** Runs the request behind `result` in the layer's scope: an interrupted caller cannot cancel it for the others. */
  const start = (result: Deferred.Deferred<Token, AuthError>, refreshing: Token | undefined) =>
    fetchToken(refreshing === undefined ? undefined : refreshing.expiresAt.epochMilliseconds).pipe(
      Effect.tap((token) =>
        Effect.logDebug(refreshing === undefined ? "téo token obtained" : "téo token refreshed in the background").pipe(
          Effect.annotateLogs({ teoId: credentials.teoId, expiresAt: token.expiresAt.toString() })
        )
      ),
      Effect.tapError((error) =>
        Effect.logDebug(
          refreshing === undefined ? "téo token request failed" : "background refresh of the téo token failed"
        ).pipe(Effect.annotateLogs({ teoId: credentials.teoId, error: error.message }))
      ),
      Effect.onExit((exit) =>
        Clock.currentTimeMillis.pipe(
          Effect.flatMap((now) => Ref.update(state, (current) => settle(current, result, exit, refreshAtOf(now)))),
          Effect.andThen(Deferred.done(result, exit))
        )
      ),
      Effect.forkIn(scope),
      Effect.asVoid
    )

  const get: Effect.Effect<Token, AuthError> = Effect.uninterruptibleMask((restore) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const next = yield* Ref.modify(state, (current) => step(current, now))
      switch (next._tag) {
        case "Serve":
          return next.token
        case "Await":
          return yield* restore(Deferred.await(next.result))
        case "Fetch":
          yield* start(next.result, undefined)
          return yield* restore(Deferred.await(next.result))
        case "ServeAndRefresh":
          yield* Effect.logDebug("téo token enters its refresh window: refreshing in the background").pipe(
            Effect.annotateLogs({ teoId: credentials.teoId })
          )
          yield* start(next.result, next.token)
          return next.token
      }
    })
  )

  const invalidate = (token: Token): Effect.Effect<void> =>
    Ref.update(state, (current): State => {
      if (current._tag !== "Ready" || !current.token.isSameAs(token)) return current
      return current.refresh === undefined ? empty : { _tag: "Fetching", result: current.refresh }
    })

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
 *   Layer.provide(TeoCredentials.layerConfig),
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
  static readonly layer = (
    options: AccessTokenOptions = {}
  ): Layer.Layer<AccessToken, Config.ConfigError, TeoCredentials | HttpClient.HttpClient> =>
    Layer.effect(AccessToken, make(options))
}
