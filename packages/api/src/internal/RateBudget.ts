/**
 * The rate budget of one `TeoApi` (the `rateLimit` option): before each
 * request, a turn in the budget (`RateLimiter.consume`, delayed when over)
 * and in the shared backoff (`adaptiveConsume`); after a 429, its
 * `Retry-After` reported (`adaptiveFeedback`) so that every process of the
 * budget backs off. A budget store that fails is not a failed call: the
 * request goes on, with a warning.
 *
 * @internal
 */
import { Duration, Effect, Layer, Option } from "effect"
import { RateLimiter } from "effect/persistence"
import type { TeoApiSettings } from "../TeoApiOptions.js"

export interface RateBudget {
  /** Waits for a turn; the epoch to report the answer with. */
  readonly acquire: Effect.Effect<number>
  /** Reports a 429 and its `Retry-After` to every process of the budget. */
  readonly rateLimited: (epoch: number, retryAfter: Duration.Duration | undefined) => Effect.Effect<void>
}

/** No budget: nothing waits. */
export const unlimited: RateBudget = { acquire: Effect.succeed(0), rateLimited: () => Effect.void }

const warnings = (what: string) => (error: RateLimiter.RateLimiterError) =>
  Effect.logWarning(`téo rate budget: ${what}; the request goes on without it`).pipe(
    Effect.annotateLogs({ error: error.message })
  )

/** The budget of `settings`, on the application's `RateLimiter` or an in-process one. */
export const make = (
  settings: NonNullable<TeoApiSettings["rateLimit"]>,
  defaultKey: string
): Effect.Effect<RateBudget> =>
  Effect.gen(function* () {
    const provided = yield* Effect.serviceOption(RateLimiter.RateLimiter)
    const limiter = Option.isSome(provided)
      ? provided.value
      : yield* RateLimiter.make.pipe(Effect.provide(Layer.fresh(RateLimiter.layerStoreMemory)))
    const key = settings.key ?? defaultKey
    const acquire = Effect.gen(function* () {
      const turn = yield* limiter.consume({
        key,
        limit: settings.limit,
        window: settings.window,
        algorithm: settings.algorithm,
        onExceeded: "delay"
      })
      if (Duration.isPositive(turn.delay)) yield* Effect.sleep(turn.delay)
      const shared = yield* limiter.adaptiveConsume({
        key,
        tokens: 1,
        fallbackLimit: settings.limit,
        fallbackWindow: settings.window
      })
      if (Duration.isPositive(shared.delay)) yield* Effect.sleep(shared.delay)
      return shared.epoch
    }).pipe(Effect.catch((error) => Effect.as(warnings("its store is unavailable")(error), 0)))
    const rateLimited = (epoch: number, retryAfter: Duration.Duration | undefined) =>
      limiter
        .adaptiveFeedback({ key, epoch, tokens: 1, status: 429, retryAfter })
        .pipe(Effect.catch(warnings("could not share a 429")))
    return { acquire, rateLimited }
  })
