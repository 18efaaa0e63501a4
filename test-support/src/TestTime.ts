/**
 * Moving the `TestClock` while real I/O happens: the tests talk to real
 * servers over loopback, whose progress needs event-loop turns, not time.
 */
import { Duration, Effect, type Exit, type Fiber } from "effect"
import { TestClock } from "effect/testing"

/** Lets pending I/O make progress once. */
export const ioTick = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

/**
 * Moves the test clock forward by `step` at a time, letting I/O progress in
 * between, until `fiber` is done; returns its exit. Bounded: it fails the test
 * rather than loop forever.
 */
export const runUntilDone = <A, E>(fiber: Fiber.Fiber<A, E>, step: Duration.Input = "100 millis") =>
  Effect.gen(function* () {
    for (let i = 0; i < 20_000; i++) {
      const exit = fiber.pollUnsafe()
      if (exit !== undefined) return exit as Exit.Exit<A, E>
      yield* TestClock.adjust(step)
      yield* ioTick
    }
    return yield* Effect.die(
      new Error(`fiber not done after 20000 steps of ${Duration.format(Duration.fromInputUnsafe(step))}`)
    )
  })

/** Runs `effect` until `done` holds of its result, letting I/O progress between tries (bounded). */
export const eventually = <A, E, R>(effect: Effect.Effect<A, E, R>, done: (a: A) => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 5_000; i++) {
      const value = yield* effect
      if (done(value)) return value
      yield* ioTick
    }
    return yield* Effect.die(new Error("condition not reached after 5000 tries"))
  })
