/**
 * Retries without waiting, for tests over a real socket: there, a failed
 * attempt reaches the retry schedule after event-loop turns nobody can count,
 * so a test cannot know when to move the `TestClock` past its backoff. With
 * no jitter drawn, the backoff is zero and the retry follows at once.
 */
import { Effect, Random } from "effect"

const zero: Random.Random = { nextIntUnsafe: () => 0, nextDoubleUnsafe: () => 0 }

/**
 * Runs `effect` with Effect's `Random` drawing 0 every time: a full-jitter
 * backoff (`RetryPolicy`'s) is 0, so each retry is made as soon as its failure
 * is known. A `Retry-After` floor still waits; tests of the backoff itself
 * belong on an in-memory transport, where the clock can be stepped exactly.
 */
export const withoutJitter = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.provideService(effect, Random.Random, zero)
