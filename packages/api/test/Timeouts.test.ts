/**
 * Per-request timeouts, kept by one ticker for all the calls of a layer: each
 * hung request fails at its own deadline (within one tick), and the others are
 * not disturbed — with the test clock, in memory: a hung request is one whose
 * answer never comes, and once it has arrived (`received`) the clock is moved
 * by exact durations; each call's end is awaited (`Fiber.await`).
 */
import { assert, describe, it } from "@effect/vitest"
import { JsonLdResource, RequestFailed } from "@teo-effect/api"
import { Clock, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { dossier, ldJson, makeApiHarness, reasonOf, uuid } from "./utils/harness.js"

describe("timeouts", () => {
  it.effect("each hung request fails at its own deadline, within one tick; a fast one is untouched", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ timeout: "5 seconds", retry: false })
      harness.api = (request) => (request.url.includes(uuid(3)) ? ldJson(200, dossier(3)) : new Promise(() => {}))
      const endedAt = (effect: Effect.Effect<unknown, unknown>) =>
        Effect.forkChild(
          Effect.flatMap(Effect.exit(effect), (exit) => Effect.map(Clock.currentTimeMillis, (at) => ({ exit, at })))
        )
      const first = yield* endedAt(harness.teoApi.get(`/production/dossiers/${uuid(1)}`, JsonLdResource))
      // The token, then the first request.
      yield* harness.received(2)
      yield* TestClock.adjust("2 seconds")
      const second = yield* endedAt(harness.teoApi.get(`/production/dossiers/${uuid(2)}`, JsonLdResource))
      const fast = yield* endedAt(harness.teoApi.get(`/production/dossiers/${uuid(3)}`, JsonLdResource))
      yield* harness.received(4)
      const c = yield* Fiber.await(fast)
      assert.isTrue(Exit.isSuccess(c) && Exit.isSuccess(c.value.exit), "the fast call succeeded")
      assert.strictEqual(Exit.isSuccess(c) ? c.value.at : undefined, 2000, "at once")
      // Past both deadlines (5 s and 7 s) and the tick after each.
      yield* TestClock.adjust("6 seconds")
      const [a, b] = [yield* Fiber.await(first), yield* Fiber.await(second)]
      for (const [outcome, startedAt] of [
        [a, 0],
        [b, 2000]
      ] as const) {
        const ended = Exit.isSuccess(outcome) ? outcome.value : undefined
        assert.isDefined(ended)
        assert.isTrue(ended !== undefined && Exit.isFailure(ended.exit))
        const error = ended !== undefined && Exit.isFailure(ended.exit) ? ended.exit.cause : undefined
        assert.include(String(error), "Timeout")
        // Within one tick (a tenth of the timeout) of its own deadline.
        assert.isAtLeast((ended?.at ?? 0) - startedAt, 5000)
        assert.isAtMost((ended?.at ?? 0) - startedAt, 5500)
      }
    })
  )

  it.effect("a timed-out request is RequestFailed (Timeout), retried for a GET", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ timeout: "1 second", retry: { times: 1, baseDelay: "10 millis" } })
      harness.api = (_request, index) => (index === 0 ? new Promise(() => {}) : ldJson(200, dossier(1)))
      const fiber = yield* Effect.forkChild(harness.teoApi.get(`/production/dossiers/${uuid(1)}`, JsonLdResource))
      yield* harness.received(2)
      // The timeout (within one tick, 100 ms), then the retry's backoff (at most 10 ms).
      yield* TestClock.adjust("1100 millis")
      yield* TestClock.adjust("10 millis")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      assert.lengthOf(harness.apiRequests(), 2)
    })
  )

  it.effect("without retries, the error names the timeout", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ timeout: "1 second", retry: false })
      harness.api = () => new Promise(() => {})
      const fiber = yield* Effect.forkChild(
        Effect.flip(harness.teoApi.get(`/production/dossiers/${uuid(1)}`, JsonLdResource))
      )
      yield* harness.received(2)
      // The timeout, kept within one tick (100 ms).
      yield* TestClock.adjust("1100 millis")
      const exit = yield* Fiber.await(fiber)
      const error = Exit.isSuccess(exit) ? exit.value : undefined
      const reason = reasonOf(error, RequestFailed)
      assert.strictEqual(reason.kind, "Timeout")
      assert.include(reason.message, "1s")
    })
  )
})
