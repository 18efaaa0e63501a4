/**
 * A span per call, with low-cardinality attributes; the token in none of them.
 * In memory: a call's retry waits its backoff once the failed request has
 * arrived, and the test clock is moved by that backoff's bound.
 */
import { assert, describe, it } from "@effect/vitest"
import { JsonLdResource } from "@teo-effect/api"
import { capture, capturedText } from "@teo-effect/test-support"
import { Effect, Exit, Fiber, Metric } from "effect"
import { TestClock } from "effect/testing"
import { dossier, ldJson, makeApiHarness, uuid } from "./utils/harness.js"

describe("spans", () => {
  it.effect("TeoApi.<operation> with method, path template, status and retries; no token", () =>
    Effect.gen(function* () {
      const [, captured] = yield* capture(
        Effect.gen(function* () {
          const harness = yield* makeApiHarness()
          harness.api = (_request, index) => (index === 0 ? ldJson(503, {}) : ldJson(200, dossier(1)))
          const fiber = yield* Effect.forkChild(harness.teoApi.get(`/production/dossiers/${uuid(1)}`, JsonLdResource))
          // The token and the 503; the retry after at most 0.5 s (the first backoff).
          yield* harness.received(2)
          yield* TestClock.adjust("500 millis")
          assert.isTrue(Exit.isSuccess(yield* Fiber.await(fiber)))
        })
      )
      const [span] = captured.spans.filter((span) => span.name === "TeoApi.get")
      assert.isDefined(span)
      assert.strictEqual(span?.attributes.get("http.request.method"), "GET")
      assert.strictEqual(span?.attributes.get("teo.api.path_template"), "/production/dossiers/{id}")
      assert.strictEqual(span?.attributes.get("http.response.status_code"), 200)
      assert.strictEqual(span?.attributes.get("teo.api.retries"), 1)
      // With a tracer installed, effect/http's own client span is kept (one per request).
      assert.lengthOf(
        captured.spans.filter((span) => span.kind === "client"),
        2 + 1,
        "two API requests and one token request"
      )
      const text = capturedText(captured)
      assert.notInclude(text, "token-1")
      assert.notInclude(text, "token-2")
      assert.notInclude(text, "s3cret-CANARY-api-1c9d")
    })
  )
})

describe("metrics", () => {
  it.effect("calls by operation and outcome, their duration, and retries", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = (_request, index) =>
        index === 0 ? ldJson(503, {}) : index === 1 ? ldJson(200, dossier(1)) : ldJson(404, {})
      const before = yield* snapshot
      const fiber = yield* Effect.forkChild(harness.teoApi.get(`/production/dossiers/${uuid(1)}`, JsonLdResource))
      // The token and the 503; the retry after at most 0.5 s (the first backoff).
      yield* harness.received(2)
      yield* TestClock.adjust("500 millis")
      assert.isTrue(Exit.isSuccess(yield* Fiber.await(fiber)))
      yield* Effect.flip(harness.teoApi.get(`/production/dossiers/${uuid(2)}`, JsonLdResource))
      const after = yield* snapshot
      const delta = (name: string, attributes: Record<string, string>) =>
        countOf(after, name, attributes) - countOf(before, name, attributes)
      assert.strictEqual(delta("teo_api_calls_total", { operation: "get", outcome: "success" }), 1)
      assert.strictEqual(delta("teo_api_calls_total", { operation: "get", outcome: "NotFound" }), 1)
      assert.strictEqual(delta("teo_api_retries_total", { operation: "get" }), 1)
      assert.strictEqual(delta("teo_api_call_duration_seconds", { operation: "get", outcome: "success" }), 1)
    })
  )

  it.effect("a write that may not be repeated counts its failure by reason, and no retry", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () => ldJson(500, {})
      const before = yield* snapshot
      yield* Effect.flip(harness.teoApi.create("/production/dossiers", {}, JsonLdResource))
      const after = yield* snapshot
      const delta = (name: string, attributes: Record<string, string>) =>
        countOf(after, name, attributes) - countOf(before, name, attributes)
      assert.strictEqual(delta("teo_api_calls_total", { operation: "create", outcome: "ServerError" }), 1)
      assert.strictEqual(delta("teo_api_retries_total", { operation: "create" }), 0)
      assert.lengthOf(harness.apiRequests(), 1)
    })
  )
})

const snapshot = Metric.snapshot

/** A counter's count, or a histogram's number of observations, for these attributes. */
const countOf = (
  snapshots: ReadonlyArray<Metric.Metric.Snapshot>,
  name: string,
  attributes: Record<string, string>
): number => {
  const found = snapshots.find(
    (entry) =>
      entry.id === name &&
      Object.entries(attributes).every(([key, value]) => entry.attributes?.[key] === value) &&
      Object.keys(entry.attributes ?? {}).length === Object.keys(attributes).length
  )
  if (found === undefined) return 0
  const state = found.state as { readonly count?: number | bigint }
  return Number(state.count ?? 0)
}
