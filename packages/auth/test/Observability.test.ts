/**
 * What the token service tells operators: a span per token request, metrics,
 * and debug logs around refreshes.
 */
import { assert, describe, it } from "@effect/vitest"
import { AuthMetrics } from "@teo-effect/auth"
import { capture, tokenReply } from "@teo-effect/test-support"
import { Effect, Exit, Fiber, Metric } from "effect"
import { TestClock } from "effect/testing"
import { makeHarness, settled, teoId } from "./utils/harness.js"

const withFreshMetrics = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provideService(effect, Metric.MetricRegistry, new Map())

describe("observability", () => {
  it.effect("one teo.auth.requestToken span per attempt, with TEO_ID, URL, attempt, status and outcome", () =>
    Effect.gen(function* () {
      const [tokenUrl, captured] = yield* capture(
        Effect.gen(function* () {
          const { server, tokenUrl, accessToken } = yield* makeHarness()
          server.reply = (_request, index) => (index === 0 ? { status: 503 } : tokenReply("token-1"))
          const fiber = yield* Effect.forkChild(accessToken.get)
          yield* server.received(1)
          // One retry, after at most 0.5 s of backoff.
          yield* TestClock.adjust("500 millis")
          assert.isTrue(Exit.isSuccess(yield* Fiber.await(fiber)))
          return tokenUrl
        })
      )
      const spans = captured.spans.filter((span) => span.name === "teo.auth.requestToken")
      assert.lengthOf(spans, 2)
      const [failed, succeeded] = spans
      for (const span of spans) {
        assert.strictEqual(span.attributes.get("teo.id"), teoId)
        assert.strictEqual(span.attributes.get("teo.auth.token_url"), tokenUrl)
      }
      assert.strictEqual(failed?.attributes.get("teo.auth.attempt"), 1)
      assert.strictEqual(failed?.attributes.get("http.response.status_code"), 503)
      assert.strictEqual(failed?.attributes.get("teo.auth.outcome"), "TokenRequestFailed")
      assert.strictEqual(succeeded?.attributes.get("teo.auth.attempt"), 2)
      assert.strictEqual(succeeded?.attributes.get("http.response.status_code"), 200)
      assert.strictEqual(succeeded?.attributes.get("teo.auth.outcome"), "success")
    })
  )

  it.effect("counts token requests and failures by error", () =>
    withFreshMetrics(
      Effect.gen(function* () {
        const { server, accessToken } = yield* makeHarness()
        server.reply = (_request, index) => (index < 2 ? { status: 503 } : tokenReply("token-1"))
        const fiber = yield* Effect.forkChild(accessToken.get)
        yield* server.received(1)
        // Two retries, after at most 0.5 + 1 s of backoff.
        yield* TestClock.adjust("1500 millis")
        assert.isTrue(Exit.isSuccess(yield* Fiber.await(fiber)))
        assert.strictEqual((yield* Metric.value(AuthMetrics.tokenRequests)).count, 3)
        const serverErrors = yield* Metric.value(
          Metric.withAttributes(AuthMetrics.tokenRequestFailures, { error: "ServerError" })
        )
        assert.strictEqual(serverErrors.count, 2)
      })
    )
  )

  it.effect("logs at debug level when the token is obtained and refreshed", () =>
    Effect.gen(function* () {
      const [, captured] = yield* capture(
        Effect.gen(function* () {
          const { server, accessToken } = yield* makeHarness()
          yield* accessToken.get
          yield* TestClock.adjust("540 seconds")
          yield* accessToken.get
          yield* server.received(2)
          yield* settled
          assert.isAbove((yield* accessToken.get).expiresAt.epochMilliseconds, 599_000, "the refreshed token is served")
        })
      )
      const text = captured.logs.join("\n")
      assert.include(text, "téo token obtained")
      assert.include(text, "refreshing in the background")
      assert.include(text, "téo token refreshed in the background")
      assert.include(text, "DEBUG")
      assert.include(text, teoId)
    })
  )
})
