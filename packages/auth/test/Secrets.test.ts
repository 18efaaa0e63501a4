/**
 * The canary test: with a recognisable client secret and token, go through
 * success, refresh, retries and every error, with debug logs and a tracer
 * capturing everything; neither value shows up anywhere, in clear or in the
 * base64 of the Basic header.
 */
import { inspect } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import { capture, capturedText, oauthError, type Reply, tokenReply } from "@teo-effect/test-support"
import { Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { clientId, clientSecret, makeHarness, settled } from "./utils/harness.js"

const tokenCanary = "eyJ-token-CANARY-2d8b"

const canaries = [
  clientSecret,
  tokenCanary,
  Buffer.from(`${clientId}:${clientSecret}`).toString("base64"),
  Buffer.from(clientSecret).toString("base64")
]

const failures: ReadonlyArray<Reply> = [
  oauthError(401, "invalid_client", "Invalid client"),
  oauthError(400, "invalid_scope"),
  oauthError(400, "expired_token"),
  oauthError(400, "invalid_request", "bad request"),
  { status: 401 },
  { status: 403 },
  { status: 503 },
  { status: 429, headers: { "retry-after": "1" } },
  { reset: true },
  { status: 200, json: { access_token: tokenCanary, token_type: "mac", expires_in: 599 } },
  { status: 200, text: `{"access_token":"${tokenCanary}"` },
  { status: 200, json: tokenCanary }
]

describe("secrets", () => {
  it.effect("the client secret and the token never appear in errors, logs or spans", () =>
    Effect.gen(function* () {
      const [seen, captured] = yield* capture(
        Effect.gen(function* () {
          const seen: Array<unknown> = []
          const { server, accessToken } = yield* makeHarness({ retry: { times: 1 } })

          // Success, then a background refresh, then an invalidation.
          server.reply = () => tokenReply(tokenCanary)
          const token = yield* accessToken.get
          seen.push(token)
          yield* TestClock.adjust("540 seconds")
          yield* accessToken.get
          yield* server.received(2)
          yield* settled
          assert.isAbove((yield* accessToken.get).expiresAt.epochMilliseconds, 599_000, "the refreshed token is served")
          // Same value as the refreshed one: the cache is now empty.
          yield* accessToken.invalidate(token)

          // Every failure, retried where it is transient.
          for (const reply of failures) {
            server.reply = () => reply
            const before = server.requests.length
            const fiber = yield* Effect.forkChild(Effect.flip(accessToken.get))
            yield* server.received(before + 1)
            // Its one retry, if any, after at most 0.5 s of backoff or the 1 s Retry-After.
            yield* TestClock.adjust("1 second")
            const exit = yield* Fiber.await(fiber)
            assert.isTrue(Exit.isSuccess(exit), "every failure is a typed error")
            seen.push(exit)
          }
          return seen
        })
      )

      assert.isAbove(captured.spans.length, failures.length, "spans were captured")
      assert.isAbove(captured.logs.length, 2, "debug logs were captured")
      const texts = [
        capturedText(captured),
        ...seen.map((value) => inspect(value, { depth: 10 })),
        ...seen.map((value) => JSON.stringify(value)),
        ...seen.map((value) => String(Exit.isExit(value) && Exit.isSuccess(value) ? value.value : value)),
        ...seen.map((value) =>
          Exit.isExit(value) && Exit.isSuccess(value) && value.value instanceof Error ? value.value.message : ""
        )
      ]
      for (const text of texts) {
        for (const canary of canaries) {
          assert.notInclude(text, canary)
        }
      }
      // The test looks where the values would be: the token's own rendering says <redacted>.
      assert.include(inspect(seen[0]), "<redacted>")
    })
  )
})
