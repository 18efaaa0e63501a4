/**
 * When a failed téo request is tried again: the one retry policy of
 * teo-effect, used by the token request (`AccessToken`) and by every API call
 * (`@teo-effect/api`).
 *
 * - capped exponential backoff with full jitter (a random delay between zero
 *   and `baseDelay × 2^n`, at most `maxDelay`), so that a fleet of processes
 *   does not retry in step;
 * - a `Retry-After` sent by téo (429 or 503) is a floor: the wait is the larger
 *   of the backoff and `Retry-After`, so `Retry-After: 0` or a date in the past
 *   cannot make a tight loop; a `Retry-After` longer than `maxRetryAfter`
 *   fails at once instead of waiting;
 * - a bounded number of retries: `times`, or `maxAttempts` for a budget the
 *   caller computes (the background refresh);
 * - only what the caller calls retryable (`isRetryable`), e.g. 5xx and
 *   network failures only for idempotent calls.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Random, Schedule, Schema } from "effect"
import * as DurationOption from "./internal/DurationOption.js"

/**
 * The retry settings every layer of teo-effect takes (`retry` option).
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryOptions {
  /** Retries after the first attempt. */
  readonly times?: number
  /** First backoff delay, doubled after each attempt, with full jitter. */
  readonly baseDelay?: Duration.Input
  /** Longest backoff delay. */
  readonly maxDelay?: Duration.Input
  /** Longest `Retry-After` waited for; a longer one fails at once. */
  readonly maxRetryAfter?: Duration.Input
}

/**
 * The decoded settings: `times` an integer from 0 to 100, every delay a
 * positive, finite `Duration`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RetrySettings = Schema.Struct({
  times: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100 })),
  baseDelay: DurationOption.Positive,
  maxDelay: DurationOption.Positive,
  maxRetryAfter: DurationOption.Positive
})

/**
 * The retry settings, decoded: `times` and the delays as `Duration`s.
 *
 * @since 0.1.0
 * @category models
 */
export type RetrySettings = typeof RetrySettings.Type

/**
 * The settings to decode: `options` over `defaults`; `false` is no retry.
 *
 * @since 0.1.0
 * @category constructors
 */
export const withDefaults = (
  options: RetryOptions | false | undefined,
  defaults: Required<RetryOptions>
): Record<keyof RetryOptions, unknown> =>
  options === false
    ? { ...defaults, times: 0 }
    : {
        times: options?.times ?? defaults.times,
        baseDelay: options?.baseDelay ?? defaults.baseDelay,
        maxDelay: options?.maxDelay ?? defaults.maxDelay,
        maxRetryAfter: options?.maxRetryAfter ?? defaults.maxRetryAfter
      }

/**
 * What the policy needs to know of a failure.
 *
 * @since 0.1.0
 * @category models
 */
export interface Classifier<E> {
  /** Whether trying again may succeed. */
  readonly isRetryable: (error: E) => boolean
  /** The `Retry-After` téo sent with this failure, if any. */
  readonly retryAfter: (error: E) => Duration.Duration | undefined
}

/**
 * The schedule for `Effect.retry`. Build it once and reuse it: it holds no
 * state of its own (each `Effect.retry` runs it afresh).
 *
 * @example
 * ```ts
 * import { RetryPolicy, TokenRequestFailed } from "@teo-effect/auth"
 * import { Duration, Effect } from "effect"
 *
 * const schedule = RetryPolicy.schedule(
 *   { times: 3, baseDelay: Duration.millis(500), maxDelay: Duration.seconds(10), maxRetryAfter: Duration.seconds(30) },
 *   {
 *     isRetryable: (error: TokenRequestFailed) => error.isRetryable,
 *     retryAfter: (error: TokenRequestFailed) => error.retryAfter
 *   }
 * )
 * const request = Effect.fail(new TokenRequestFailed({ reason: "ServerError", detail: "busy", status: 503 }))
 * const retried = Effect.retry(request, schedule)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const schedule = <E>(
  settings: RetrySettings,
  classifier: Classifier<E>,
  budget?: {
    /** Retries allowed, instead of `settings.times`. */
    readonly maxAttempts: number
  }
): Schedule.Schedule<Duration.Duration, E> => {
  const maxMillis = Duration.toMillis(settings.maxDelay)
  const maxRetryAfterMillis = Duration.toMillis(settings.maxRetryAfter)
  const times = budget?.maxAttempts ?? settings.times
  return Schedule.exponential(settings.baseDelay).pipe(
    Schedule.setInputType<E>(),
    Schedule.modifyDelay(({ input, duration }) =>
      Effect.map(Random.next, (random) => {
        // Full jitter over the exponential delay, capped…
        const backoff = Math.round(Math.min(maxMillis, Duration.toMillis(duration)) * random)
        // …and téo's Retry-After as a floor.
        const retryAfter = classifier.retryAfter(input)
        return Duration.millis(retryAfter === undefined ? backoff : Math.max(backoff, Duration.toMillis(retryAfter)))
      })
    ),
    Schedule.while(({ input, attempt }) => {
      if (attempt > times || !classifier.isRetryable(input)) return false
      const retryAfter = classifier.retryAfter(input)
      return retryAfter === undefined || Duration.toMillis(retryAfter) <= maxRetryAfterMillis
    })
  )
}

/**
 * `self`, retried with `policy` while it fails with an error `isRetryable`
 * says may pass: `Effect.retry` with `while` (measured: no cost to a call
 * next to a hand-written retry, docs/decisions/0006-effect-pieces.md).
 *
 * @since 0.1.0
 * @category combinators
 */
export const retry = <A, E, R, B>(
  self: Effect.Effect<A, E, R>,
  policy: Schedule.Schedule<B, E>,
  isRetryable: (error: E) => boolean
): Effect.Effect<A, E, R> => Effect.retry(self, { schedule: policy, while: isRetryable })
