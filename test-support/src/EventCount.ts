/**
 * Waiting on events instead of polling for them: a count that code under test
 * (a server handler, a wrapped service) bumps, and that a test awaits.
 */
import { Effect } from "effect"

export interface EventCount {
  /** Counts one more event. */
  readonly bump: () => void
  /** How many events so far. */
  readonly count: () => number
  /**
   * Completes once `n` events have been counted. It resumes its waiter from a
   * promise, so after the code that bumped the count has run on to its next
   * suspension: a fiber that bumps it and then starts a sleep is asleep by
   * then, and the test clock can be moved past that sleep.
   */
  readonly reached: (n: number) => Effect.Effect<void>
}

/** A new count, at 0. */
export const makeEventCount = (): EventCount => {
  const events = { count: 0 }
  const waiters: Array<{ readonly n: number; readonly resolve: () => void }> = []
  return {
    bump: () => {
      events.count++
      for (const waiter of waiters.filter((waiter) => events.count >= waiter.n)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    },
    count: () => events.count,
    reached: (n) =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            if (events.count >= n) resolve()
            else waiters.push({ n, resolve })
          })
      )
  }
}
