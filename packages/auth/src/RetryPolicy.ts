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
 * - only what the error itself says may pass (`isRetryable`); the API adds
 *   its own rule on top (5xx and network failures only for idempotent calls).
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
 * What the policy reads of a failure: the error's own word on whether trying
 * again may succeed, and the `Retry-After` téo sent with it, if any. Every
 * error of teo-effect has both (`AuthError`, `TeoApiError`).
 *
 * @since 0.3.0
 * @category models
 */
export interface Retryable {
  /** Whether trying again may succeed. */
  readonly isRetryable: boolean
  /** The `Retry-After` téo sent with this failure, if any. */
  readonly retryAfter?: Duration.Duration | undefined
}

/**
 * The schedule for `Effect.retry`, for any error that says whether it is
 * `isRetryable` and carries its `retryAfter`. Build it once and reuse it: it
 * holds no state of its own (each `Effect.retry` runs it afresh). A caller
 * with a rule of its own (the API repeats a write only when asked) narrows it
 * with `Schedule.while`.
 *
 * @example
 * ```ts
 * import { RetryPolicy, TokenRequestFailed } from "@teo-effect/auth"
 * import { Duration, Effect } from "effect"
 *
 * const schedule = RetryPolicy.schedule({
 *   times: 3,
 *   baseDelay: Duration.millis(500),
 *   maxDelay: Duration.seconds(10),
 *   maxRetryAfter: Duration.seconds(30)
 * })
 * const request = Effect.fail(new TokenRequestFailed({ reason: "ServerError", detail: "busy", status: 503 }))
 * const retried = Effect.retry(request, schedule)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const schedule = (
  settings: RetrySettings,
  budget?: {
    /** Retries allowed, instead of `settings.times`. */
    readonly maxAttempts: number
  }
): Schedule.Schedule<Duration.Duration, Retryable> => {
  const maxMillis = Duration.toMillis(settings.maxDelay)
  const maxRetryAfterMillis = Duration.toMillis(settings.maxRetryAfter)
  const times = budget?.maxAttempts ?? settings.times
  return Schedule.exponential(settings.baseDelay).pipe(
    Schedule.setInputType<Retryable>(),
    Schedule.modifyDelay(({ input, duration }) =>
      Effect.map(Random.next, (random) => {
        // Full jitter over the exponential delay, capped…
        const backoff = Math.round(Math.min(maxMillis, Duration.toMillis(duration)) * random)
        // …and téo's Retry-After as a floor.
        const retryAfter = input.retryAfter
        return Duration.millis(retryAfter === undefined ? backoff : Math.max(backoff, Duration.toMillis(retryAfter)))
      })
    ),
    Schedule.while(({ input, attempt }) => {
      if (attempt > times || !input.isRetryable) return false
      const retryAfter = input.retryAfter
      return retryAfter === undefined || Duration.toMillis(retryAfter) <= maxRetryAfterMillis
    })
  )
}
