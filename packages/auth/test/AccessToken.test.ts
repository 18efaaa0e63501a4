/**
 * The token cache: reuse, single flight, background refresh, retries,
 * invalidation and lifecycle — on the in-memory token endpoint, with the test
 * clock. No socket: a request is recorded the moment it is made and answered
 * without I/O, so `TestClock.adjust` by the exact duration, once the request
 * that starts a wait has arrived, decides what happens when.
 */
import { assert, describe, it } from "@effect/vitest"
import { AccessToken, type AccessTokenOptions, InvalidClient, type Token, TokenRequestFailed } from "@teo-effect/auth"
import {
  capture,
  freshTokens,
  gate,
  makeInMemoryServer,
  oauthError,
  scriptedClient,
  tokenReply
} from "@teo-effect/test-support"
import { Config, type Duration, Effect, Exit, Fiber, Layer, Redacted, Scope } from "effect"
import { TestClock } from "effect/testing"
import { credentialsLayer, makeHarness, settled } from "./utils/harness.js"

const reveal = (token: Token) => Redacted.value(token.value)

/**
 * A `get`, and whether it started a background refresh: the decision is
 * logged in the caller's own fiber ("enters its refresh window"), so its
 * absence is known when `get` returns — nothing to wait for.
 */
const getNoting = (accessToken: AccessToken["Service"]) =>
  Effect.map(capture(accessToken.get), ([token, captured]) => ({
    token,
    refreshStarted: captured.logs.some((line) => line.includes("enters its refresh window"))
  }))

describe("cache", () => {
  it.effect("reuses the token until expiry − refresh window, then refreshes it", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = freshTokens(599)
      assert.strictEqual(reveal(yield* accessToken.get), "token-1")

      // 599 s token, 60 s window: reused up to 539 s.
      yield* TestClock.adjust("538 seconds")
      const before = yield* getNoting(accessToken)
      assert.strictEqual(reveal(before.token), "token-1")
      assert.isFalse(before.refreshStarted)
      assert.lengthOf(server.requests, 1)

      yield* TestClock.adjust("1 second")
      // Inside the window: the current token at once, and one refresh in the background.
      const inWindow = yield* getNoting(accessToken)
      assert.strictEqual(reveal(inWindow.token), "token-1")
      assert.isTrue(inWindow.refreshStarted)
      yield* server.received(2)
      yield* settled
      assert.strictEqual(reveal(yield* accessToken.get), "token-2")
      assert.lengthOf(server.requests, 2)
      assert.strictEqual(server.requests[1]?.at, 539_000)
    })
  )

  it.effect("caps the refresh window at half the token's lifetime (a 30 s token refreshes at 15 s)", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = freshTokens(30)
      yield* accessToken.get
      yield* TestClock.adjust("14900 millis")
      assert.isFalse((yield* getNoting(accessToken)).refreshStarted)
      assert.lengthOf(server.requests, 1)
      yield* TestClock.adjust("100 millis")
      assert.strictEqual(reveal(yield* accessToken.get), "token-1")
      yield* server.received(2)
      assert.strictEqual(server.requests[1]?.at, 15_000)
    })
  )

  it.effect("honours a custom refresh window", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness({ refreshWindow: "2 minutes" })
      server.reply = freshTokens(599)
      yield* accessToken.get
      yield* TestClock.adjust("478 seconds")
      assert.isFalse((yield* getNoting(accessToken)).refreshStarted)
      assert.lengthOf(server.requests, 1)
      yield* TestClock.adjust("1 second")
      yield* accessToken.get
      yield* server.received(2)
      assert.strictEqual(server.requests[1]?.at, 479_000)
    })
  )

  it.effect("honours a long lifetime (3599 s): no request before 3539 s", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = freshTokens(3599)
      yield* accessToken.get
      yield* TestClock.adjust("3538 seconds")
      assert.isFalse((yield* getNoting(accessToken)).refreshStarted)
      assert.lengthOf(server.requests, 1)
      yield* TestClock.adjust("1 second")
      assert.isTrue((yield* getNoting(accessToken)).refreshStarted)
      yield* server.received(2)
      assert.strictEqual(server.requests[1]?.at, 3_539_000)
    })
  )

  it.effect("fetches anew, and makes callers wait, once the token has expired", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = freshTokens(599)
      yield* accessToken.get
      yield* TestClock.adjust("599 seconds")
      assert.strictEqual(reveal(yield* accessToken.get), "token-2")
      assert.lengthOf(server.requests, 2)
    })
  )
})

describe("single flight", () => {
  it.effect("1,000 concurrent cold calls make exactly one token request", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      const tokens = yield* Effect.all(
        Array.from({ length: 1000 }, () => accessToken.get),
        {
          concurrency: "unbounded"
        }
      )
      assert.lengthOf(server.requests, 1)
      assert.lengthOf(tokens, 1000)
      assert.isTrue(tokens.every((token) => reveal(token) === "token-1"))
    })
  )

  it.effect("100 concurrent calls against invalid_client make one request and get 100 InvalidClient", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = () => oauthError(401, "invalid_client")
      const errors = yield* Effect.all(
        Array.from({ length: 100 }, () => Effect.flip(accessToken.get)),
        {
          concurrency: "unbounded"
        }
      )
      assert.lengthOf(server.requests, 1)
      assert.lengthOf(errors, 100)
      assert.isTrue(errors.every((error) => error instanceof InvalidClient))
    })
  )

  it.effect("does not cache a failure: the next call asks again", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = (_request, index) => (index === 0 ? oauthError(401, "invalid_client") : tokenReply("token-ok"))
      const error = yield* Effect.flip(accessToken.get)
      assert.instanceOf(error, InvalidClient)
      assert.strictEqual(reveal(yield* accessToken.get), "token-ok")
      assert.lengthOf(server.requests, 2)
    })
  )

  it.effect("an interrupted caller cancels nothing for the others", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      const slow = gate()
      server.reply = async () => {
        await slow.opened
        return tokenReply("token-shared")
      }
      const first = yield* Effect.forkChild(accessToken.get)
      const second = yield* Effect.forkChild(accessToken.get)
      yield* server.received(1)
      yield* Fiber.interrupt(first)
      slow.open()
      const exit = yield* Fiber.await(second)
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(reveal(yield* accessToken.get), "token-shared")
      assert.lengthOf(server.requests, 1)
    })
  )
})

describe("background refresh", () => {
  it.effect("inside the window, get returns at once while the token endpoint is slow", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      const slow = gate()
      server.reply = async (_request, index) => {
        if (index > 0) await slow.opened
        return tokenReply(`token-${index + 1}`)
      }
      yield* accessToken.get
      yield* TestClock.adjust("540 seconds")
      // The refresh is stuck at the token endpoint; callers are not.
      for (let i = 0; i < 50; i++) {
        assert.strictEqual(reveal(yield* accessToken.get), "token-1")
      }
      yield* server.received(2)
      assert.lengthOf(server.requests, 2, "one refresh for all those calls")
      slow.open()
      yield* settled
      assert.strictEqual(reveal(yield* accessToken.get), "token-2")
      assert.lengthOf(server.requests, 2)
    })
  )

  it.effect("a failing refresh keeps serving the valid token, retries until expiry, then callers see the error", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = (_request, index) => (index === 0 ? tokenReply("token-1") : { status: 503 })
      yield* accessToken.get
      yield* TestClock.adjust("540 seconds")
      assert.strictEqual(reveal(yield* accessToken.get), "token-1")
      // Retried with backoff (0.5 s doubling, capped at 10 s) for the rest of the token's life.
      for (let second = 540; second < 598; second++) {
        assert.strictEqual(reveal(yield* accessToken.get), "token-1")
        yield* TestClock.adjust("1 second")
      }
      const retries = server.requests.length - 1
      assert.isAtLeast(retries, 4, "the refresh was retried")
      assert.isAtMost(retries, 15, "with backoff, not in a loop")
      assert.isTrue(
        server.requests.every((request) => request.at < 599_000),
        "no retry past expiry"
      )

      // Expired: now callers wait for a request of their own, and get its error.
      yield* TestClock.adjust("2 seconds")
      const before = server.requests.length
      const fiber = yield* Effect.forkChild(Effect.flip(accessToken.get))
      yield* server.received(before + 1)
      // Its 3 retries back off at most 0.5 + 1 + 2 s.
      yield* TestClock.adjust("3500 millis")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(server.requests.length, before + 4)
      if (Exit.isSuccess(exit)) {
        assert.instanceOf(exit.value, TokenRequestFailed)
        assert.strictEqual((exit.value as TokenRequestFailed).reason, "ServerError")
      }
    })
  )

  it.effect("a refresh refused with invalid_client is not retried; the valid token is served until it expires", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = (_request, index) => (index === 0 ? tokenReply("token-1") : oauthError(401, "invalid_client"))
      yield* accessToken.get
      yield* TestClock.adjust("540 seconds")
      yield* accessToken.get
      yield* server.received(2)
      for (let second = 540; second < 598; second++) {
        yield* TestClock.adjust("1 second")
        assert.strictEqual(reveal(yield* accessToken.get), "token-1")
      }
      assert.lengthOf(server.requests, 2, "no retry, and no new refresh on every get")
      yield* TestClock.adjust("1 second")
      assert.instanceOf(yield* Effect.flip(accessToken.get), InvalidClient)
      assert.lengthOf(server.requests, 3)
    })
  )
})

describe("retries", () => {
  it.effect("retries 5xx with backoff and succeeds", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = (_request, index) => (index < 2 ? { status: 503 } : tokenReply("token-after-retries"))
      const fiber = yield* Effect.forkChild(accessToken.get)
      yield* server.received(1)
      yield* TestClock.adjust("1500 millis")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      assert.lengthOf(server.requests, 3)
      // Exponential backoff with full jitter: at most 0.5 s, then at most 1 s.
      const [first, second, third] = server.requests.map((request) => request.at)
      assert.isAtMost((second ?? 0) - (first ?? 0), 500)
      assert.isAtMost((third ?? 0) - (second ?? 0), 1000)
    })
  )

  it.effect("gives up after `times` retries with the last error", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness({ retry: { times: 2 } })
      server.reply = () => ({ reset: true })
      const fiber = yield* Effect.forkChild(Effect.flip(accessToken.get))
      yield* server.received(1)
      // 2 retries: at most 0.5 + 1 s of backoff.
      yield* TestClock.adjust("1500 millis")
      const exit = yield* Fiber.await(fiber)
      assert.lengthOf(server.requests, 3)
      assert.isTrue(Exit.isSuccess(exit) && exit.value instanceof TokenRequestFailed)
      if (Exit.isSuccess(exit)) assert.strictEqual((exit.value as TokenRequestFailed).reason, "Transport")
    })
  )

  it.effect("never retries invalid_client or invalid_scope", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = (_request, index) =>
        index === 0 ? oauthError(400, "invalid_scope") : oauthError(401, "invalid_client")
      yield* Effect.flip(accessToken.get)
      yield* Effect.flip(accessToken.get)
      assert.lengthOf(server.requests, 2)
    })
  )

  it.effect("waits what Retry-After asks on a 429", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = (_request, index) =>
        index === 0 ? { status: 429, headers: { "retry-after": "5" } } : tokenReply("token-after-429")
      const fiber = yield* Effect.forkChild(accessToken.get)
      yield* server.received(1)
      yield* TestClock.adjust("5 seconds")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      const [first, second] = server.requests.map((request) => request.at)
      const waited = (second ?? 0) - (first ?? 0)
      assert.isAtLeast(waited, 5000)
      assert.isAtMost(waited, 5500)
    })
  )

  it.effect("waits what Retry-After asks on a 503 too", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = (_request, index) =>
        index === 0 ? { status: 503, headers: { "retry-after": "5" } } : tokenReply("token-after-503")
      const fiber = yield* Effect.forkChild(accessToken.get)
      yield* server.received(1)
      yield* TestClock.adjust("5 seconds")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      const [first, second] = server.requests.map((request) => request.at)
      assert.isAtLeast((second ?? 0) - (first ?? 0), 5000)
    })
  )

  it.effect.each([
    ["Retry-After: 0", "0"],
    ["a Retry-After date in the past", "Thu, 01 Jan 1970 00:00:00 GMT"]
  ] as const)("a background refresh answered 429 with %s backs off, within a bounded budget", ([, retryAfter]) =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness({ refreshWindow: "60 seconds" })
      server.reply = (_request, index) =>
        index === 0 ? tokenReply("token-1", 120) : { status: 429, headers: { "retry-after": retryAfter } }
      yield* accessToken.get
      // Into the refresh window: the refresh starts, and fails again and again until the token expires.
      yield* TestClock.adjust("61 seconds")
      assert.strictEqual(reveal(yield* accessToken.get), "token-1")
      yield* server.received(2)
      // Past the token's expiry (120 s): every retry the refresh was going to make has been made.
      yield* TestClock.adjust("60 seconds")
      const refreshes = server.requests.slice(1)
      // At most max(times, 10) retries after the first attempt — not one per event-loop turn.
      assert.isAtMost(refreshes.length, 11)
      assert.isAtLeast(refreshes.length, 2)
      const waits = refreshes.slice(1).map((request, i) => request.at - (refreshes[i]?.at ?? 0))
      assert.isAbove(
        waits.reduce((sum, wait) => sum + wait, 0),
        0,
        "Retry-After is a floor on the backoff, not the delay"
      )
    })
  )

  it.effect("fails at once when Retry-After is longer than maxRetryAfter", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness({ retry: { maxRetryAfter: "30 seconds" } })
      server.reply = () => ({ status: 429, headers: { "retry-after": "120" } })
      const error = yield* Effect.flip(accessToken.get)
      assert.instanceOf(error, TokenRequestFailed)
      assert.strictEqual((error as TokenRequestFailed).reason, "RateLimited")
      assert.lengthOf(server.requests, 1)
    })
  )
})

describe("invalidate", () => {
  it.effect("drops the cached token when it is still that token", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      const first = yield* accessToken.get
      yield* accessToken.invalidate(first)
      assert.strictEqual(reveal(yield* accessToken.get), "token-2")
      assert.lengthOf(server.requests, 2)
    })
  )

  it.effect("ignores an old token: a late 401 cannot throw away a newer one", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      const first = yield* accessToken.get
      yield* accessToken.invalidate(first)
      const second = yield* accessToken.get
      yield* accessToken.invalidate(first)
      assert.strictEqual(reveal(yield* accessToken.get), reveal(second))
      assert.lengthOf(server.requests, 2)
    })
  )
})

describe("lifecycle", () => {
  it.effect("closing the layer's scope stops background work", () =>
    Effect.gen(function* () {
      const { server, accessToken, scope } = yield* makeHarness()
      server.reply = (_request, index) => (index === 0 ? tokenReply("token-1") : { status: 503 })
      yield* accessToken.get
      yield* TestClock.adjust("540 seconds")
      yield* accessToken.get
      yield* server.received(2)
      yield* Scope.close(scope, Exit.void)
      const before = server.requests.length
      // A minute: the refresh's retries (backing off at most 10 s) would have been made by then.
      yield* TestClock.adjust("60 seconds")
      assert.strictEqual(server.requests.length, before, "no request after the scope closed")
    })
  )

  it.effect("a caller waiting on a request is released when the layer closes", () =>
    Effect.gen(function* () {
      const { server, accessToken, scope } = yield* makeHarness()
      server.reply = () => new Promise<never>(() => {})
      const fiber = yield* Effect.forkChild(accessToken.get)
      yield* server.received(1)
      yield* Scope.close(scope, Exit.void)
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isFailure(exit))
    })
  )
})

describe("options", () => {
  it.effect.each<[string, AccessTokenOptions, string]>([
    ["a zero refresh window", { refreshWindow: 0 }, "refreshWindow"],
    ["a negative refresh window", { refreshWindow: "-5 seconds" }, "refreshWindow"],
    ["an unreadable duration (from untyped code)", { requestTimeout: "soon" as Duration.Input }, "requestTimeout"],
    ["a zero timeout", { requestTimeout: "0 millis" }, "requestTimeout"],
    ["negative retries", { retry: { times: -1 } }, "times"],
    ["an infinite backoff", { retry: { maxDelay: "Infinity" } }, "maxDelay"]
  ])("%s fails with a ConfigError naming the option, before any request", ([, options, name]) =>
    Effect.gen(function* () {
      const server = yield* makeInMemoryServer
      const error = yield* Effect.flip(
        Effect.scoped(
          Layer.build(
            AccessToken.layer(options).pipe(
              Layer.provide(credentialsLayer(`${server.origin}/oauth2/token`)),
              Layer.provide(scriptedClient(server))
            )
          )
        )
      )
      assert.instanceOf(error, Config.ConfigError)
      assert.include(error.message, `"${name}"`)
      assert.lengthOf(server.requests, 0)
    })
  )
})

describe("refresh past expiry", () => {
  it.effect("callers left waiting on a refresh after expiry get the usual retries, not its last failure", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      const slow = gate()
      server.reply = async (_request, index) => {
        if (index === 0) return tokenReply("token-1", 2)
        if (index === 1) return { status: 503 }
        if (index === 2) {
          // Still in flight when the token expires; then fails.
          await slow.opened
          return { status: 503 }
        }
        return tokenReply("token-2")
      }
      yield* accessToken.get
      // 2-second token, 1-second window: the refresh starts at 1 s and fails once.
      yield* TestClock.adjust("1 second")
      yield* accessToken.get
      yield* server.received(2)
      // Its retry (after at most 0.5 s) is in flight, and still is when the token expires.
      yield* TestClock.adjust("500 millis")
      yield* server.received(3)
      assert.lengthOf(server.requests, 3, "the refresh's second attempt is in flight")
      yield* TestClock.adjust("1 second")
      // A caller arrives after expiry: it waits on the refresh in flight (the yield lets it get there), which then fails.
      const waiting = yield* Effect.forkChild(accessToken.get)
      yield* Effect.yieldNow
      assert.lengthOf(server.requests, 3, "the caller made no request of its own")
      slow.open()
      // The refresh's next retry, after at most 1 s, gets token-2 — for the waiting caller too.
      yield* TestClock.adjust("1 second")
      const exit = yield* Fiber.await(waiting)
      assert.isTrue(Exit.isSuccess(exit), "the waiting caller gets a token")
      if (Exit.isSuccess(exit)) assert.strictEqual(reveal(exit.value), "token-2")
    })
  )
})
