/**
 * Moving the `TestClock` while real I/O happens, by event-loop turns — the
 * polling issue 25 removes. Only `packages/api/test` still uses these
 * (`runUntilDone` in Observability, Retries and HostileServers, `ioTick` in
 * Timeouts); new tests wait on events instead: `ScriptedServer.received`,
 * `makeEventCount`, `watchingSleeps`, an in-memory transport
 * (`makeInMemoryServer`, `FakeTeo.layerInMemory`) or `withoutJitter`. Delete
 * this module once those files are converted.
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
