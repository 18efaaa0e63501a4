/**
 * The per-request timeout of every call of one `TeoApi` layer, with one timer
 * for all of them.
 *
 * `Effect.timeoutOrElse` races the request against a sleeping fiber: a fiber
 * and a timer per request, measured at +35 µs of client CPU per call at
 * concurrency 1 (+8.5 %; none at 64) — over the 5 % that keeps a piece of our
 * own (docs/decisions/0006-effect-pieces.md). Here each request runs in one child
 * fiber, registered with its deadline; a single ticker, on Effect's `Clock`
 * (so `TestClock` drives it in tests), wakes every `tick` while requests are
 * in flight and interrupts those past their deadline, which then fail with the
 * caller's timeout error. A deadline is thus kept to within one tick (a tenth
 * of the timeout, between 10 ms and 1 s).
 *
 * @since 0.1.0
 */
import { Clock, Duration, Effect, Exit, Fiber, type Scope } from "effect"

interface Entry {
  readonly deadline: number
  readonly fiber: Fiber.Fiber<unknown, unknown>
  timedOut: boolean
}

/**
 * @since 0.1.0
 */
export interface Timeouts {
  /** `self`, failing with `onTimeout()` when it has not ended `timeout` after it started. */
  readonly within: <A, E, E2>(self: Effect.Effect<A, E>, onTimeout: () => E2) => Effect.Effect<A, E | E2>
}

/**
 * Timeouts of `timeout` for requests started in `scope`.
 *
 * @since 0.1.0
 */
export const make = (timeout: Duration.Duration, scope: Scope.Scope): Timeouts => {
  const timeoutMillis = Duration.toMillis(timeout)
  const tick = Duration.millis(Math.min(1000, Math.max(10, Math.round(timeoutMillis / 10))))
  const entries = new Set<Entry>()
  let ticking = false

  /** Interrupts what is overdue; stops once nothing is in flight (the next request starts it again). */
  const ticker: Effect.Effect<void> = Effect.sleep(tick).pipe(
    Effect.andThen(Clock.currentTimeMillis),
    Effect.flatMap((now) => {
      for (const entry of entries) {
        if (entry.deadline <= now) {
          entry.timedOut = true
          entries.delete(entry)
          entry.fiber.interruptUnsafe()
        }
      }
      if (entries.size > 0) return ticker
      ticking = false
      return Effect.void
    })
  )

  const register = (entry: Entry): Effect.Effect<void> => {
    entries.add(entry)
    if (ticking) return Effect.void
    ticking = true
    return Effect.asVoid(Effect.forkIn(ticker, scope))
  }

  const within = <A, E, E2>(self: Effect.Effect<A, E>, onTimeout: () => E2): Effect.Effect<A, E | E2> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      // Started at once, in this turn of the event loop: no scheduling delay before the request goes out.
      Effect.flatMap(Effect.forkChild(self, { startImmediately: true }), (fiber) => {
        const entry: Entry = { deadline: now + timeoutMillis, fiber, timedOut: false }
        return register(entry).pipe(
          Effect.andThen(Fiber.await(fiber)),
          Effect.ensuring(Effect.sync(() => entries.delete(entry))),
          Effect.flatMap(
            (exit): Effect.Effect<A, E | E2> =>
              entry.timedOut && Exit.hasInterrupts(exit) ? Effect.fail(onTimeout()) : exit
          )
        )
      })
    )

  return { within }
}
