/**
 * The rate budget of one `TeoApi` (the `rateLimit` option): before each
 * request, a turn in the budget (`RateLimiter.consume`, delayed when over)
 * and in the shared backoff (`adaptiveConsume`); after a 429, its
 * `Retry-After` reported (`adaptiveFeedback`) so that every process of the
 * budget backs off.
 *
 * The budget's store is the application's `RateLimiter` when it provides one
 * (on Redis: one budget for a fleet), an in-process one otherwise. Every call
 * to the application's store is bounded by `commandTimeout`; one that fails
 * or takes longer is not a failed call: the turn is taken from this
 * process's own budget instead (warning once, `teo_api_rate_budget_fallbacks_total`
 * for each such turn), and the store is left alone for 5 × `commandTimeout`
 * — then one call tries it again. The turn, delays included, runs inside the call, so
 * the call's `deadline` counts it.
 *
 * @internal
 */

import { Sha256 } from "@teo-effect/auth/internal"
import { Clock, Duration, Effect, Layer, Metric, Option } from "effect"
import { RateLimiter } from "effect/persistence"
import * as ApiMetrics from "../ApiMetrics.js"
import type { TeoApiSettings } from "../TeoApiOptions.js"

/** A turn taken: the epoch to report its answer with, and in which budget. */
export interface Turn {
  readonly epoch: number
  readonly shared: boolean
}

export interface RateBudget {
  /** Waits for a turn. */
  readonly acquire: Effect.Effect<Turn>
  /** Reports a 429 and its `Retry-After` to every process of the budget. */
  readonly rateLimited: (turn: Turn, retryAfter: Duration.Duration | undefined) => Effect.Effect<void>
}

/** No budget: nothing waits. */
export const unlimited: RateBudget = {
  acquire: Effect.succeed({ epoch: 0, shared: false }),
  rateLimited: () => Effect.void
}

/** How long the store is left alone after it failed, before one call tries it again: 5 × `commandTimeout`. */
export const recheckOf = (commandTimeout: Duration.Duration): Duration.Duration => Duration.times(commandTimeout, 5)

type Settings = NonNullable<TeoApiSettings["rateLimit"]>

/** `teo-effect:api:` and a SHA-256 of `identity`: a store key that names nobody. */
export const hashedKey = (identity: string): Effect.Effect<string> =>
  Effect.map(Sha256.hex(identity), (digest) => `teo-effect:api:${digest}`)

/** A turn in `limiter`: its window, then the shared backoff; each store call through `bound`. */
const turnIn = (
  limiter: RateLimiter.RateLimiter,
  settings: Settings,
  key: string,
  bound: <A>(effect: Effect.Effect<A, RateLimiter.RateLimiterError>) => Effect.Effect<A, string>
): Effect.Effect<number, string> =>
  Effect.gen(function* () {
    const turn = yield* bound(
      limiter.consume({
        key,
        limit: settings.limit,
        window: settings.window,
        algorithm: settings.algorithm,
        onExceeded: "delay"
      })
    )
    if (Duration.isPositive(turn.delay)) yield* Effect.sleep(turn.delay)
    const shared = yield* bound(
      limiter.adaptiveConsume({ key, tokens: 1, fallbackLimit: settings.limit, fallbackWindow: settings.window })
    )
    if (Duration.isPositive(shared.delay)) yield* Effect.sleep(shared.delay)
    return shared.epoch
  })

/** The budget of `settings`, on the application's `RateLimiter` or an in-process one; `identity` names it, hashed. */
export const make = (settings: Settings, identity: string): Effect.Effect<RateBudget> =>
  Effect.gen(function* () {
    const provided = yield* Effect.serviceOption(RateLimiter.RateLimiter)
    const own = yield* RateLimiter.make.pipe(Effect.provide(Layer.fresh(RateLimiter.layerStoreMemory)))
    const key = settings.key ?? (yield* hashedKey(identity))

    // The in-process store answers at once and never fails.
    const unbound = <A>(effect: Effect.Effect<A, RateLimiter.RateLimiterError>) =>
      Effect.mapError(effect, (error) => error.message)
    const ownTurn = Effect.map(Effect.orDie(turnIn(own, settings, key, unbound)), (epoch) => ({ epoch, shared: false }))
    const ownFeedback = (epoch: number, retryAfter: Duration.Duration | undefined) =>
      Effect.ignore(own.adaptiveFeedback({ key, epoch, tokens: 1, status: 429, retryAfter }))

    if (Option.isNone(provided)) {
      return { acquire: ownTurn, rateLimited: (turn, retryAfter) => ownFeedback(turn.epoch, retryAfter) }
    }
    const store = provided.value
    const timeout = settings.commandTimeout
    const bound = <A>(effect: Effect.Effect<A, RateLimiter.RateLimiterError>): Effect.Effect<A, string> =>
      Effect.timeoutOrElse(
        Effect.mapError(effect, (error) => error.message),
        {
          duration: timeout,
          orElse: () => Effect.fail(`no answer within ${Duration.format(timeout)}`)
        }
      )

    // Without the store since a failure, until `skipUntil` (epoch millis); then one call tries it again.
    let degraded = false
    let skipUntil = 0
    const recheckMillis = Duration.toMillis(recheckOf(timeout))

    const fallBack = (problem: string) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        skipUntil = now + recheckMillis
        const said = degraded
        degraded = true
        return said
          ? Effect.void
          : Effect.logWarning(
              "téo rate budget: its store is unavailable; this process keeps its own budget until it answers"
            ).pipe(Effect.annotateLogs({ error: problem }))
      })

    const ownInstead = Effect.andThen(Metric.update(ApiMetrics.rateBudgetFallbacks, 1), ownTurn)

    const acquire: Effect.Effect<Turn> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
      if (degraded) {
        if (now < skipUntil) return ownInstead
        // This call tries the store again; the others keep their own budget meanwhile.
        skipUntil = now + recheckMillis
      }
      return turnIn(store, settings, key, bound).pipe(
        Effect.flatMap((epoch) => {
          if (!degraded) return Effect.succeed({ epoch, shared: true })
          degraded = false
          skipUntil = 0
          return Effect.as(Effect.logInfo("téo rate budget: its store answers again; the budget is shared"), {
            epoch,
            shared: true
          })
        }),
        Effect.catch((problem) => Effect.andThen(fallBack(problem), ownInstead))
      )
    })

    const rateLimited = (turn: Turn, retryAfter: Duration.Duration | undefined) =>
      turn.shared
        ? bound(store.adaptiveFeedback({ key, epoch: turn.epoch, tokens: 1, status: 429, retryAfter })).pipe(
            Effect.catch((problem) =>
              Effect.logWarning("téo rate budget: could not share a 429; this process backs off alone").pipe(
                Effect.annotateLogs({ error: problem }),
                Effect.andThen(Metric.update(ApiMetrics.rateBudgetFallbacks, 1))
              )
            )
          )
        : ownFeedback(turn.epoch, retryAfter)
    return { acquire, rateLimited }
  })
