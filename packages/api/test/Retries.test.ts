/**
 * What is tried again, when, and how often: 401 (fresh token, once), 429
 * (Retry-After), 5xx / network / timeout (GET only unless asked), with the
 * test clock for every wait — in memory: once the request that starts a wait
 * has arrived (`received`, token requests counted), `TestClock.adjust` by the
 * wait's exact bound moves the call on, and `Fiber.await` takes its end.
 */
import { assert, describe, it } from "@effect/vitest"
import { JsonLdResource, RateLimited, RequestFailed, ServerError, Unauthorized } from "@teo-effect/api"
import { ExpiredToken } from "@teo-effect/auth"
import { Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { dossier, ldJson, makeApiHarness, reasonOf, uuid } from "./utils/harness.js"

const path = `/production/dossiers/${uuid(1)}`
const ok = ldJson(200, dossier(1))
const unauthorized = (message: string) => ldJson(401, { code: 401, message })

/** Full jitter over the default backoff (500 ms, doubled): each wait's upper bound, in order. */
const backoffBounds = ["500 millis", "1 second"] as const

describe("401", () => {
  it.effect("fetches a fresh token and tries once more: one extra token request", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = (_request, index) => (index === 0 ? unauthorized("Expired JWT Token") : ok)
      yield* harness.teoApi.get(path, JsonLdResource)
      assert.lengthOf(harness.tokenRequests(), 2)
      assert.deepStrictEqual(
        harness.apiRequests().map((request) => request.headers.authorization),
        ["Bearer token-1", "Bearer token-2"]
      )
    })
  )

  it.effect.each(["Expired token", "Token has expired", "Expired JWT Token"])(
    "a second 401 saying %j is ExpiredToken",
    (message) =>
      Effect.gen(function* () {
        const harness = yield* makeApiHarness()
        harness.api = () => unauthorized(message)
        const error = yield* Effect.flip(harness.teoApi.get(path, JsonLdResource))
        assert.instanceOf(error, ExpiredToken)
        assert.lengthOf(harness.apiRequests(), 2)
        assert.lengthOf(harness.tokenRequests(), 2)
      })
  )

  it.effect("a second 401 'Expired token' with a null hydra:title is still ExpiredToken", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () => ldJson(401, { "hydra:title": null, "hydra:description": "Expired token" })
      const error = yield* Effect.flip(harness.teoApi.get(path, JsonLdResource))
      assert.instanceOf(error, ExpiredToken)
    })
  )

  it.effect("any other second 401 is Unauthorized, with téo's message", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () =>
        ldJson(401, {
          "@type": "hydra:Error",
          "hydra:title": "An error occurred",
          "hydra:description": "Invalid token"
        })
      const error = yield* Effect.flip(harness.teoApi.get(path, JsonLdResource))
      const reason = reasonOf(error, Unauthorized)
      assert.strictEqual(reason.description, "Invalid token")
      assert.lengthOf(harness.apiRequests(), 2)
    })
  )

  it.effect("the 401 retry does not count against the retry budget", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ retry: { times: 2 } })
      harness.api = (_request, index) =>
        index === 0 ? unauthorized("Expired JWT Token") : index < 3 ? ldJson(503, {}) : ok
      const fiber = yield* Effect.forkChild(harness.teoApi.get(path, JsonLdResource))
      // token-1, the 401, token-2, the first 503: its backoff, then the second 503's.
      yield* harness.received(4)
      yield* TestClock.adjust(backoffBounds[0])
      yield* harness.received(5)
      yield* TestClock.adjust(backoffBounds[1])
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      // 401, then 503 and 503 retried twice, then 200.
      assert.lengthOf(harness.apiRequests(), 4)
    })
  )
})

describe("429", () => {
  it.effect("waits the Retry-After seconds, then tries again", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = (_request, index) => (index === 0 ? ldJson(429, {}, { "retry-after": "7" }) : ok)
      const fiber = yield* Effect.forkChild(harness.teoApi.get(path, JsonLdResource))
      yield* harness.received(2)
      yield* TestClock.adjust("6999 millis")
      assert.lengthOf(harness.apiRequests(), 1, "not before the 7 s")
      yield* TestClock.adjust("1 millis")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      const [first, second] = harness.apiRequests().map((request) => request.at)
      // Retry-After is a floor over the backoff (at most 0.5 s here): exactly 7 s.
      assert.strictEqual((second ?? 0) - (first ?? 0), 7000)
    })
  )

  it.effect("reads a Retry-After HTTP date", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = (_request, index) => {
        if (index > 0) return ok
        // The test clock started at 0: twelve seconds after the epoch, as an HTTP date.
        return ldJson(429, {}, { "retry-after": new Date(12_000).toUTCString() })
      }
      const fiber = yield* Effect.forkChild(harness.teoApi.get(path, JsonLdResource))
      yield* harness.received(2)
      yield* TestClock.adjust("11999 millis")
      assert.lengthOf(harness.apiRequests(), 1, "not before the date")
      yield* TestClock.adjust("1 millis")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      const [, second] = harness.apiRequests().map((request) => request.at)
      assert.strictEqual(second, 12_000)
    })
  )

  it.effect("fails at once with RateLimited when Retry-After is above the cap", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ retry: { maxRetryAfter: "60 seconds" } })
      harness.api = () => ldJson(429, {}, { "retry-after": "3600" })
      const error = yield* Effect.flip(harness.teoApi.get(path, JsonLdResource))
      reasonOf(error, RateLimited)
      assert.lengthOf(harness.apiRequests(), 1)
    })
  )

  it.effect("without Retry-After, backs off; a POST is retried too (the request was not processed)", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = (_request, index) => (index < 2 ? ldJson(429, {}) : ldJson(201, dossier(1)))
      const fiber = yield* Effect.forkChild(harness.teoApi.create("/production/dossiers", {}, JsonLdResource))
      yield* harness.received(2)
      yield* TestClock.adjust(backoffBounds[0])
      yield* harness.received(3)
      yield* TestClock.adjust(backoffBounds[1])
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      assert.lengthOf(harness.apiRequests(), 3)
    })
  )
})

describe("5xx, network failures, timeouts", () => {
  it.effect("a GET is retried twice by default, then fails with the last error", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () => ldJson(502, {})
      const fiber = yield* Effect.forkChild(Effect.flip(harness.teoApi.get(path, JsonLdResource)))
      yield* harness.received(2)
      yield* TestClock.adjust(backoffBounds[0])
      yield* harness.received(3)
      yield* TestClock.adjust(backoffBounds[1])
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) reasonOf(exit.value, ServerError)
      assert.lengthOf(harness.apiRequests(), 3)
      // Full jitter: each wait is between 0 and 0.5 s, then 0 and 1 s.
      const [a, b, c] = harness.apiRequests().map((request) => request.at)
      assert.isAtMost((b ?? 0) - (a ?? 0), 500)
      assert.isAtMost((c ?? 0) - (b ?? 0), 1000)
    })
  )

  it.effect("a POST is not retried on 500", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () => ldJson(500, {})
      const error = yield* Effect.flip(harness.teoApi.create("/production/dossiers", {}, JsonLdResource))
      reasonOf(error, ServerError)
      assert.lengthOf(harness.apiRequests(), 1)
    })
  )

  it.effect("a POST that opts in is retried on 500", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = (_request, index) => (index === 0 ? ldJson(500, {}) : ldJson(201, dossier(1)))
      const fiber = yield* Effect.forkChild(
        harness.teoApi.create("/production/dossiers", {}, JsonLdResource, { retry: true })
      )
      yield* harness.received(2)
      yield* TestClock.adjust(backoffBounds[0])
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      assert.lengthOf(harness.apiRequests(), 2)
    })
  )

  it.effect("a reset connection is RequestFailed (Transport), retried for GET", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = (_request, index) => (index === 0 ? { reset: true } : ok)
      const fiber = yield* Effect.forkChild(harness.teoApi.get(path, JsonLdResource))
      yield* harness.received(2)
      yield* TestClock.adjust(backoffBounds[0])
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      assert.lengthOf(harness.apiRequests(), 2)

      harness.api = () => ({ reset: true })
      const error = yield* Effect.flip(harness.teoApi.remove(path))
      const reason = reasonOf(error, RequestFailed)
      assert.strictEqual(reason.kind, "Transport")
    })
  )

  it.effect("no answer within the timeout is RequestFailed (Timeout)", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ timeout: "5 seconds", retry: false })
      harness.api = () => new Promise(() => {})
      const fiber = yield* Effect.forkChild(Effect.flip(harness.teoApi.get(path, JsonLdResource)))
      yield* harness.received(2)
      yield* TestClock.adjust("5 seconds")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) {
        assert.strictEqual(reasonOf(exit.value, RequestFailed).kind, "Timeout")
      }
    })
  )

  it.effect("retry: false switches retries off", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ retry: false })
      harness.api = () => ldJson(503, {})
      const error = yield* Effect.flip(harness.teoApi.get(path, JsonLdResource))
      reasonOf(error, ServerError)
      assert.lengthOf(harness.apiRequests(), 1)
    })
  )
})
