/**
 * Per-request timeouts, kept by one ticker for all the calls of a layer: each
 * hung request fails at its own deadline (within one tick), and the others are
 * not disturbed — with the test clock.
 */
import { assert, describe, it } from "@effect/vitest"
import { JsonLdResource, RequestFailed } from "@teo-effect/api"
import { ioTick } from "@teo-effect/test-support"
import { Clock, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { dossier, ldJson, makeApiHarness, reasonOf, uuid } from "./utils/harness.js"

/** Moves the test clock by `millis`, 100 ms at a time, letting I/O progress. */
const advance = (millis: number) =>
  Effect.gen(function* () {
    for (let elapsed = 0; elapsed < millis; elapsed += 100) {
      yield* TestClock.adjust("100 millis")
      for (let i = 0; i < 5; i++) yield* ioTick
    }
  })

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
      yield* advance(2000)
      const second = yield* endedAt(harness.teoApi.get(`/production/dossiers/${uuid(2)}`, JsonLdResource))
      const fast = yield* endedAt(harness.teoApi.get(`/production/dossiers/${uuid(3)}`, JsonLdResource))
      yield* advance(6000)
      const [a, b, c] = [first, second, fast].map((fiber) => fiber.pollUnsafe())
      for (const [outcome, startedAt] of [
        [a, 0],
        [b, 2000]
      ] as const) {
        assert.isDefined(outcome)
        const ended = outcome !== undefined && Exit.isSuccess(outcome) ? outcome.value : undefined
        assert.isDefined(ended)
        assert.isTrue(ended !== undefined && Exit.isFailure(ended.exit))
        const error = ended !== undefined && Exit.isFailure(ended.exit) ? ended.exit.cause : undefined
        assert.include(String(error), "Timeout")
        // Within one tick (a tenth of the timeout) of its own deadline.
        assert.isAtLeast((ended?.at ?? 0) - startedAt, 5000)
        assert.isAtMost((ended?.at ?? 0) - startedAt, 5600)
      }
      assert.isTrue(c !== undefined && Exit.isSuccess(c) && Exit.isSuccess(c.value.exit), "the fast call succeeded")
      yield* Fiber.interruptAll([first, second, fast])
    })
  )

  it.effect("a timed-out request is RequestFailed (Timeout), retried for a GET", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ timeout: "1 second", retry: { times: 1, baseDelay: "10 millis" } })
      harness.api = (_request, index) => (index === 0 ? new Promise(() => {}) : ldJson(200, dossier(1)))
      const fiber = yield* Effect.forkChild(harness.teoApi.get(`/production/dossiers/${uuid(1)}`, JsonLdResource))
      yield* advance(2000)
      const exit = fiber.pollUnsafe()
      assert.isTrue(exit !== undefined && Exit.isSuccess(exit))
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
      yield* advance(1500)
      const exit = fiber.pollUnsafe()
      const error = exit !== undefined && Exit.isSuccess(exit) ? exit.value : undefined
      const reason = reasonOf(error, RequestFailed)
      assert.strictEqual(reason.kind, "Timeout")
      assert.include(reason.message, "1s")
    })
  )
})
