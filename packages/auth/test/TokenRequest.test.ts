/**
 * The token request as téo documents it, the decoding of its answer, and the
 * mapping of every failure to a typed error. What is about the wire — the
 * request as sent, a reset connection, a body cut short, a redirect, the size
 * limits, each HTTP client — goes over real HTTP on loopback; the decoding and
 * the mapping of answers, on the in-memory token endpoint.
 */
import { gzipSync } from "node:zlib"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import {
  AccessToken,
  type AuthError,
  ExpiredToken,
  InvalidClient,
  InvalidScope,
  TokenRequestFailed,
  UndiciHttpClient
} from "@teo-effect/auth"
import { makeEndlessServer, oauthError, type Reply, tokenReply, withoutJitter } from "@teo-effect/test-support"
import { Context, DateTime, Duration, Effect, Exit, Fiber, Layer, Redacted, Schema } from "effect"
import { FetchHttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import { clientId, clientSecret, credentialsLayer, makeHarness, teoId } from "./utils/harness.js"

const noRetry = { retry: { times: 0 } }

/** A reply that only exists on a socket: a reset connection, a body cut short. */
const onTheWire = (reply: Reply) => "reset" in reply || reply.cutAfter !== undefined

/**
 * The error of a single `get` against a server that always answers `reply`:
 * in memory, or over loopback (FetchHttpClient) when `reply` is about the wire
 * or `socket` says so.
 */
const failureFor = (reply: Reply, socket = onTheWire(reply)) =>
  Effect.gen(function* () {
    const { server, accessToken } = yield* makeHarness(noRetry, socket ? FetchHttpClient.layer : undefined)
    server.reply = () => reply
    const error = yield* Effect.flip(accessToken.get)
    assert.lengthOf(server.requests, 1, "exactly one request, no retry")
    return error
  })

describe("the token request", () => {
  it.effect("is sent exactly as téo documents it", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness({}, FetchHttpClient.layer)
      yield* accessToken.get
      const [request] = server.requests
      assert.isDefined(request)
      assert.strictEqual(request.method, "POST")
      assert.strictEqual(request.url, "/oauth2/token")
      assert.strictEqual(request.headers["content-type"], "application/x-www-form-urlencoded")
      assert.strictEqual(request.headers.accept, "application/json")
      assert.strictEqual(
        request.headers.authorization,
        `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`
      )
      assert.strictEqual(request.body, `grant_type=client_credentials&scope=target-entity:${teoId}`)
    })
  )

  it.effect("encodes CLIENT_ID:CLIENT_SECRET as-is in the Basic header, like téo's examples", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness({}, FetchHttpClient.layer)
      yield* accessToken.get
      const header = server.requests[0]?.headers.authorization ?? ""
      const decoded = Buffer.from(header.replace(/^Basic /, ""), "base64").toString("utf8")
      assert.strictEqual(decoded, `${clientId}:${clientSecret}`)
    })
  )
})

describe("a successful answer", () => {
  it.effect.each([599, 3599])("trusts expires_in=%d as received", (expiresIn) =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = () => tokenReply("token-abc", expiresIn)
      const token = yield* accessToken.get
      assert.strictEqual(Redacted.value(token.value), "token-abc")
      assert.strictEqual(token.tokenType, "Bearer")
      assert.strictEqual(token.scope, "target-entity:acme-formation")
      // The test clock starts at 0: the token expires expires_in seconds later.
      assert.strictEqual(DateTime.toEpochMillis(token.expiresAt), expiresIn * 1000)
    })
  )

  it.effect("accepts token_type in any case and a missing scope", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = () => ({ status: 200, json: { access_token: "t", expires_in: 30, token_type: "bearer" } })
      const token = yield* accessToken.get
      assert.strictEqual(token.tokenType, "Bearer")
      assert.strictEqual(token.scope, `target-entity:${teoId}`, "an absent scope is the one requested (RFC 6749 §5.1)")
    })
  )

  const canaryToken = "eyJ-token-CANARY-77c1"
  it.effect.each<[string, Reply]>([
    ["a missing access_token", { status: 200, json: { expires_in: 599, token_type: "Bearer" } }],
    ["an empty access_token", tokenReply("", 599)],
    ["token_type mac", tokenReply(canaryToken, 599, { token_type: "mac" })],
    ["expires_in 0", tokenReply(canaryToken, 0)],
    ["a negative expires_in", tokenReply(canaryToken, -5)],
    ["expires_in as a string", tokenReply(canaryToken, 599, { expires_in: "599" })],
    ["a body that is not JSON", { status: 200, text: `access_token=${canaryToken}` }],
    ["a JSON string", { status: 200, json: canaryToken }],
    ["a JSON array", { status: 200, json: [{ access_token: canaryToken, expires_in: 599, token_type: "Bearer" }] }],
    ["JSON null", { status: 200, json: null }]
  ])("with %s fails with TokenRequestFailed (InvalidResponse), without echoing the body", ([, reply]) =>
    Effect.gen(function* () {
      const error = yield* failureFor(reply)
      assert.instanceOf(error, TokenRequestFailed)
      assert.strictEqual(error.reason, "InvalidResponse")
      assert.strictEqual(error.status, 200)
      assert.notInclude(error.message, canaryToken)
      assert.notInclude(JSON.stringify(error), canaryToken)
    })
  )
})

describe("error mapping", () => {
  const cases: ReadonlyArray<[string, Reply, (error: AuthError) => void]> = [
    [
      "400 invalid_client → InvalidClient",
      oauthError(400, "invalid_client", "Invalid client authentication"),
      (error) => {
        assert.instanceOf(error, InvalidClient)
        assert.strictEqual(error.clientId, clientId)
        assert.strictEqual(error.status, 400)
        assert.include(error.message, "check TEO_CLIENT_ID and TEO_CLIENT_SECRET")
        assert.include(error.message, "Invalid client authentication")
      }
    ],
    [
      "401 invalid_client → InvalidClient",
      oauthError(401, "invalid_client"),
      (error) => assert.instanceOf(error, InvalidClient)
    ],
    [
      "400 invalid_scope → InvalidScope",
      oauthError(400, "invalid_scope"),
      (error) => {
        assert.instanceOf(error, InvalidScope)
        assert.strictEqual(error.scope, `target-entity:${teoId}`)
        assert.include(error.message, "check TEO_ID")
      }
    ],
    [
      "400 expired_token → ExpiredToken",
      oauthError(400, "expired_token", "Token has expired"),
      (error) => {
        assert.instanceOf(error, ExpiredToken)
        assert.include(error.message, "request a new one")
      }
    ],
    [
      "400 invalid_scope with error_description null → InvalidScope: the description is dropped, not the code",
      { status: 400, json: { error: "invalid_scope", error_description: null } },
      (error) => {
        assert.instanceOf(error, InvalidScope)
        assert.strictEqual(error.status, 400)
      }
    ],
    [
      "400 expired_token with a numeric error_description → ExpiredToken",
      { status: 400, json: { error: "expired_token", error_description: 42, error_uri: null } },
      (error) => assert.instanceOf(error, ExpiredToken)
    ],
    ...[
      ["a JSON array", ["invalid_scope"]],
      ["a JSON string", "invalid_scope"],
      ["JSON null", null]
    ].map(([what, json]): [string, Reply, (error: AuthError) => void] => [
      `400 with ${what} at the top, not an error object → TokenRequestFailed (UnexpectedStatus)`,
      { status: 400, json },
      (error) => {
        assert.instanceOf(error, TokenRequestFailed)
        assert.strictEqual(error.reason, "UnexpectedStatus")
        assert.strictEqual(error.status, 400)
      }
    ]),
    [
      "401 without a body → InvalidClient",
      { status: 401 },
      (error) => {
        assert.instanceOf(error, InvalidClient)
        assert.strictEqual(error.status, 401)
      }
    ],
    [
      "401 with an HTML body → InvalidClient",
      { status: 401, text: "<html>Unauthorized</html>", headers: { "content-type": "text/html" } },
      (error) => assert.instanceOf(error, InvalidClient)
    ],
    [
      "400 unsupported_grant_type → TokenRequestFailed (OAuthError)",
      oauthError(400, "unsupported_grant_type"),
      (error) => {
        assert.instanceOf(error, TokenRequestFailed)
        assert.strictEqual(error.reason, "OAuthError")
        assert.strictEqual(error.status, 400)
        assert.include(error.message, "unsupported_grant_type")
      }
    ],
    [
      "403 without a body → TokenRequestFailed (UnexpectedStatus)",
      { status: 403 },
      (error) => {
        assert.instanceOf(error, TokenRequestFailed)
        assert.strictEqual(error.reason, "UnexpectedStatus")
        assert.strictEqual(error.status, 403)
      }
    ],
    [
      "503 → TokenRequestFailed (ServerError)",
      { status: 503, text: "Service Unavailable" },
      (error) => {
        assert.instanceOf(error, TokenRequestFailed)
        assert.strictEqual(error.reason, "ServerError")
        assert.strictEqual(error.status, 503)
        assert.isTrue(error.isRetryable)
      }
    ],
    [
      "429 with Retry-After → TokenRequestFailed (RateLimited) with the delay",
      { status: 429, headers: { "retry-after": "7" } },
      (error) => {
        assert.instanceOf(error, TokenRequestFailed)
        assert.strictEqual(error.reason, "RateLimited")
        assert.strictEqual(error.status, 429)
        assert.deepStrictEqual(error.retryAfter, Duration.seconds(7))
      }
    ],
    [
      "a reset connection → TokenRequestFailed (Transport)",
      { reset: true },
      (error) => {
        assert.instanceOf(error, TokenRequestFailed)
        assert.strictEqual(error.reason, "Transport")
        assert.isUndefined(error.status)
      }
    ]
  ]

  it.effect.each(cases)("%s", ([, reply, check]) => Effect.map(failureFor(reply), check))

  const tagOf = {
    invalid_client: "InvalidClient",
    invalid_scope: "InvalidScope",
    expired_token: "ExpiredToken"
  } as const

  it.effect.prop(
    "field by field: whatever the other fields hold, téo's error code decides the class; a description is kept only when it is text",
    [Schema.Literals(["invalid_client", "invalid_scope", "expired_token"]), Schema.Json, Schema.Json],
    ([code, description, extra]) =>
      Effect.gen(function* () {
        const error = yield* failureFor({
          status: 400,
          json: { error: code, error_description: description, error_uri: extra }
        })
        assert.strictEqual(error._tag, tagOf[code])
        const kept = (error as { readonly description?: string }).description
        if (typeof description === "string" && description.trim() !== "") {
          assert.include(kept, description.trim().slice(0, 20))
        } else if (typeof description !== "string") {
          assert.isUndefined(kept)
        }
      }),
    { arbitrary: { runs: 40 } }
  )

  it.effect("no answer within the request timeout → TokenRequestFailed (Timeout)", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness({ ...noRetry, requestTimeout: "3 seconds" })
      server.reply = () => new Promise<never>(() => {})
      const fiber = yield* Effect.forkChild(Effect.flip(accessToken.get))
      yield* server.received(1)
      yield* TestClock.adjust("3 seconds")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      const error = exit._tag === "Success" ? exit.value : undefined
      assert.instanceOf(error, TokenRequestFailed)
      assert.strictEqual(error?.reason, "Timeout")
      assert.include(error?.message, "3s")
    })
  )
})

describe("hostile answers", () => {
  it.effect("an expires_in of 1e13 is clamped to 24 hours: expiresAt stays a valid date", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = () => tokenReply("token-forever", 1e13)
      const token = yield* accessToken.get
      assert.strictEqual(DateTime.toEpochMillis(token.expiresAt), 24 * 3600 * 1000)
      assert.strictEqual(DateTime.formatIso(token.expiresAt), "1970-01-02T00:00:00.000Z")
    })
  )

  it.effect.each([
    ["CR/LF", "abc\r\nX-Injected: 1"],
    ["a space", "abc def"],
    ["a non-ASCII letter", "tökén"]
  ] as const)("an access_token with %s is refused when decoded, without repeating it", ([, value]) =>
    Effect.gen(function* () {
      const error = yield* failureFor({
        status: 200,
        json: { access_token: value, expires_in: 599, token_type: "Bearer" }
      })
      assert.instanceOf(error, TokenRequestFailed)
      assert.strictEqual(error.reason, "InvalidResponse")
      assert.include(error.message, "b64token")
      assert.notInclude(error.message, value)
    })
  )

  it.effect("a token for another scope than the one requested is refused", () =>
    Effect.gen(function* () {
      const error = yield* failureFor(tokenReply("token-other", 599, { scope: "target-entity:someone-else" }))
      assert.instanceOf(error, TokenRequestFailed)
      assert.strictEqual(error.reason, "InvalidResponse")
      assert.include(error.message, "target-entity:someone-else")
      assert.include(error.message, `target-entity:${teoId}`)
      assert.isFalse(error.isRetryable)
    })
  )

  it.effect("a scope list that holds the requested scope is accepted", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness()
      server.reply = () => tokenReply("token-more", 599, { scope: `openid target-entity:${teoId}` })
      const token = yield* accessToken.get
      assert.strictEqual(Redacted.value(token.value), "token-more")
    })
  )

  it.effect("a 200 whose Content-Type is not JSON is InvalidResponse", () =>
    Effect.gen(function* () {
      const error = yield* failureFor({
        status: 200,
        text: JSON.stringify({ access_token: "t", expires_in: 599, token_type: "Bearer" }),
        headers: { "content-type": "text/html; charset=utf-8" }
      })
      assert.instanceOf(error, TokenRequestFailed)
      assert.strictEqual(error.reason, "InvalidResponse")
      assert.include(error.message, "text/html")
    })
  )

  it.effect("a 200 whose body is cut short is a transport failure, retried", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness({ retry: { times: 1 } }, FetchHttpClient.layer)
      let calls = 0
      server.reply = () =>
        calls++ === 0
          ? {
              status: 200,
              text: JSON.stringify({ access_token: "cut", expires_in: 599, token_type: "Bearer" }),
              cutAfter: 20,
              headers: { "content-type": "application/json" }
            }
          : tokenReply("token-whole")
      // The retry at once (no backoff drawn): no clock step to time against the socket.
      const token = yield* withoutJitter(accessToken.get)
      assert.strictEqual(Redacted.value(token.value), "token-whole")
      assert.lengthOf(server.requests, 2)
    })
  )

  it.effect("a 200 whose body is cut short, every time, is TokenRequestFailed (Transport), not 'not JSON'", () =>
    Effect.gen(function* () {
      const error = yield* failureFor({
        status: 200,
        text: JSON.stringify({ access_token: "cut", expires_in: 599, token_type: "Bearer" }),
        cutAfter: 20,
        headers: { "content-type": "application/json" }
      })
      assert.instanceOf(error, TokenRequestFailed)
      assert.strictEqual(error.reason, "Transport")
      assert.isTrue(error.isRetryable)
    })
  )

  it.effect("a redirect is not followed: a typed error naming the target origin only", () =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness(noRetry, FetchHttpClient.layer)
      let hits = 0
      server.reply = (request) => {
        if (request.url.startsWith("/elsewhere")) hits++
        return {
          status: 307,
          headers: { location: `${server.origin.replace("127.0.0.1", "localhost")}/elsewhere?code=abc` }
        }
      }
      const error = yield* Effect.flip(accessToken.get)
      assert.instanceOf(error, TokenRequestFailed)
      assert.strictEqual(error.reason, "UnexpectedStatus")
      assert.strictEqual(error.status, 307)
      assert.include(error.message, server.origin.replace("127.0.0.1", "localhost"))
      assert.notInclude(error.message, "code=abc")
      assert.strictEqual(hits, 0)
      assert.lengthOf(server.requests, 1)
    })
  )

  it.effect("an error description that echoes the client secret is masked", () =>
    Effect.gen(function* () {
      const error = yield* failureFor(oauthError(401, "invalid_client", `bad secret ${clientSecret}`))
      assert.instanceOf(error, InvalidClient)
      assert.include(error.message, "bad secret <redacted>")
      assert.notInclude(error.message, clientSecret)
    })
  )

  it.effect("a token answer larger than 64 KiB is refused without being read whole", () =>
    Effect.gen(function* () {
      const error = yield* failureFor(tokenReply("token-big", 599, { padding: "x".repeat(70 * 1024) }), true)
      assert.instanceOf(error, TokenRequestFailed)
      assert.strictEqual(error.reason, "InvalidResponse")
      assert.include(error.message, "larger than 64 KiB")
    })
  )

  it.effect("503 with Retry-After carries the delay", () =>
    Effect.gen(function* () {
      const error = yield* failureFor({ status: 503, headers: { "retry-after": "4" } })
      assert.instanceOf(error, TokenRequestFailed)
      assert.strictEqual(error.reason, "ServerError")
      assert.deepStrictEqual(error.retryAfter, Duration.seconds(4))
    })
  )
})

const clients = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["undici", NodeHttpClient.layerUndici],
  ["UndiciHttpClient", UndiciHttpClient.layer]
] as const

describe.each(clients)("answers without the body a token response needs, on %s", (name, client) => {
  /**
   * The error of `accessToken.get` with retries on, and how many requests it
   * took — retries made at once (no backoff drawn), so one that should not
   * happen shows in the count rather than waiting on the clock.
   */
  const failureWithRetries = (reply: Reply) =>
    Effect.gen(function* () {
      const { server, accessToken } = yield* makeHarness({ retry: { times: 2 } }, client)
      server.reply = () => reply
      const error = yield* withoutJitter(Effect.flip(accessToken.get))
      return { error, requests: server.requests.length }
    })

  it.effect("a 204 is TokenRequestFailed (InvalidResponse) saying the answer has no body: not retried", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* failureWithRetries({ status: 204 })
      assert.instanceOf(error, TokenRequestFailed)
      assert.strictEqual(error.reason, "InvalidResponse")
      assert.strictEqual(error.status, 204)
      assert.include(error.message, "the answer has no body, where a token response was expected")
      assert.isFalse(error.isRetryable)
      assert.strictEqual(requests, 1, "not retried")
    })
  )

  it.effect.each([
    ["a JSON Content-Type", { "content-type": "application/json" }],
    ["no Content-Type", {}]
  ] as const)("a 200 with an empty body and %s is InvalidResponse saying the body is empty", ([, headers]) =>
    Effect.gen(function* () {
      const { error, requests } = yield* failureWithRetries({ status: 200, text: "", headers })
      assert.instanceOf(error, TokenRequestFailed)
      assert.strictEqual(error.reason, "InvalidResponse")
      assert.include(error.message, "the answer's body is empty, where a token response was expected")
      assert.strictEqual(requests, 1, "not retried")
    })
  )

  /** `AccessToken` (no retries) against a token endpoint at `tokenUrl`. */
  const accessTokenAt = (tokenUrl: string) =>
    Effect.map(
      Layer.build(
        AccessToken.layer({ retry: { times: 0 } }).pipe(
          Layer.provide(credentialsLayer(tokenUrl)),
          Layer.provide(client)
        )
      ),
      (context) => Context.get(context, AccessToken)
    )

  it.effect("a gzip answer with a small Content-Length that inflates past 64 KiB is refused at the limit", () =>
    Effect.gen(function* () {
      const server = yield* makeEndlessServer
      const body = gzipSync(
        JSON.stringify({
          access_token: "token-inflated",
          expires_in: 599,
          token_type: "Bearer",
          padding: " ".repeat(4 * 1024 * 1024)
        })
      )
      server.answer = {
        status: 200,
        headers: {
          "content-type": "application/json",
          "content-encoding": "gzip",
          "content-length": String(body.byteLength)
        },
        body
      }
      const accessToken = yield* accessTokenAt(`${server.origin}/oauth2/token`)
      const error = yield* Effect.flip(accessToken.get)
      assert.instanceOf(error, TokenRequestFailed)
      assert.strictEqual(error.reason, "InvalidResponse")
      // fetch inflates gzip (and is refused once 64 KiB is inflated); undici hands over the bytes as sent.
      assert.include(error.message, name === "FetchHttpClient" ? "larger than 64 KiB" : 'Content-Encoding "gzip"')
    })
  )

  it.effect.each([
    ["chunked", {}],
    ["announcing 50 MB in its Content-Length", { "content-length": String(50_000_000) }]
  ] as const)(
    "an endless answer (%s) is refused at 64 KiB: reading stops there and the connection is closed",
    ([, headers]) =>
      Effect.gen(function* () {
        const server = yield* makeEndlessServer
        server.answer = { status: 200, headers: { "content-type": "application/json", ...headers }, prefix: "{" }
        const accessToken = yield* accessTokenAt(`${server.origin}/oauth2/token`)
        const error = yield* Effect.flip(accessToken.get)
        assert.instanceOf(error, TokenRequestFailed)
        assert.strictEqual(error.reason, "InvalidResponse")
        assert.include(error.message, "larger than 64 KiB")
        // Completes only once the client has closed the connection: an endless answer never ends otherwise.
        yield* server.closed(1)
        // The limit, plus what the loopback socket buffers hold: nowhere near what an endless body would send.
        assert.isBelow(server.written(), 16 * 1024 * 1024)
        assert.strictEqual(server.requests(), 1)
      })
  )
})
