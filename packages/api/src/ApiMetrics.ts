/**
 * The metrics of `TeoApi`: calls by operation and outcome, their duration,
 * retries, and the turns of the rate budget taken without its store.
 * Attributes are low-cardinality: `operation` (`get`, `page`, `create`, …),
 * `outcome` (`success`, the reason's tag of a `TeoApiError` — `NotFound`,
 * `ServerError`, … — or an `AuthError`'s tag).
 *
 * @since 0.1.0
 */
import { Metric } from "effect"

/**
 * Calls made, by `operation` and `outcome`, retries included in one call.
 *
 * @since 0.1.0
 * @category metrics
 */
export const calls = Metric.counter("teo_api_calls_total", {
  description: "Calls to the téo API, by operation and outcome",
  incremental: true
})

/**
 * Duration of calls in seconds, retries and their waits included, by
 * `operation` and `outcome`.
 *
 * @since 0.1.0
 * @category metrics
 */
export const callDuration = Metric.histogram("teo_api_call_duration_seconds", {
  description: "Duration of calls to the téo API, retries included",
  boundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
})

/**
 * Retries, by `operation`.
 *
 * @since 0.1.0
 * @category metrics
 */
export const retries = Metric.counter("teo_api_retries_total", {
  description: "Requests to the téo API tried again, by operation",
  incremental: true
})

/**
 * Turns of the rate budget (`rateLimit`) taken without its store — the
 * application's `RateLimiter`, on Redis: down, frozen, or slower than
 * `commandTimeout` — from this process's own budget instead; a 429 that
 * could not be shared counts too. Should stay at zero.
 *
 * @since 0.2.0
 * @category metrics
 */
export const rateBudgetFallbacks = Metric.counter("teo_api_rate_budget_fallbacks_total", {
  description: "Turns of the rate budget taken without its shared store, in this process only",
  incremental: true
})
