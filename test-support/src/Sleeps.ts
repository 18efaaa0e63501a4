/**
 * Sleeps on the `TestClock` as events: a test that must move the clock past
 * a wait the code under test starts after real I/O (a retry after a 429 read
 * from a socket) awaits that wait's start, then adjusts by exactly its
 * duration — instead of stepping the clock and hoping the I/O was done.
 */
import { Clock, type Duration, Effect } from "effect"
import { TestClock } from "effect/testing"

export interface Sleeps {
  /**
   * Completes with the duration of the next sleep, started from now on by a
   * fiber of the test, that `matches`. It resumes its waiter from a promise,
   * after the sleeping fiber has gone to sleep: `TestClock.adjust` by that
   * duration wakes it.
   */
  readonly next: (matches: (duration: Duration.Duration) => boolean) => Effect.Effect<Duration.Duration>
}

/**
 * Runs `body` with the test clock watched: every sleep its fibers start (and
 * those they fork) is told to `Sleeps.next`'s waiters before it begins. Same
 * clock otherwise — `TestClock.adjust` inside `body` moves it as always.
 */
export const watchingSleeps = <A, E, R>(body: (sleeps: Sleeps) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  TestClock.testClockWith((clock) => {
    const waiters: Array<{
      readonly matches: (duration: Duration.Duration) => boolean
      readonly resolve: (duration: Duration.Duration) => void
    }> = []
    const started = (duration: Duration.Duration) => {
      for (const waiter of waiters.filter((waiter) => waiter.matches(duration))) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(duration)
      }
    }
    const watched: TestClock.TestClock = {
      ...clock,
      sleep: (duration) =>
        Effect.andThen(
          Effect.sync(() => started(duration)),
          clock.sleep(duration)
        )
    }
    const sleeps: Sleeps = {
      next: (matches) =>
        Effect.promise(() => new Promise<Duration.Duration>((resolve) => waiters.push({ matches, resolve })))
    }
    return Effect.provideService(body(sleeps), Clock.Clock, watched)
  })
