/**
 * What a hostile or broken server cannot do to a caller: answers cut short,
 * redirects elsewhere, bodies that are absent, empty, not JSON, too large,
 * endless or inflating past the limit, pagination
 * links that loop or climb out of the API, texts that echo the token, calls
 * that never end — on both `FetchHttpClient` and undici, over loopback (the
 * socket is the subject: a retry there follows its failure at once, with
 * `withoutJitter`, so no clock is stepped against socket I/O). What is about
 * the rules, not the wire (Retry-After, masking, pagination links, the
 * deadline), runs in memory, the clock moved by exact durations once the
 * request that starts a wait has arrived.
 */
import { gzipSync } from "node:zlib"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import {
  JsonLdResource,
  RequestFailed,
  ServerError,
  TeoApi,
  UndiciHttpClient,
  UnexpectedResponse
} from "@teo-effect/api"
import { AccessToken, TeoCredentials } from "@teo-effect/auth"
import { makeEndlessServer, withoutJitter } from "@teo-effect/test-support"
import { Config, ConfigProvider, Duration, Effect, Exit, Fiber, Layer, Redacted, Schema, Stream } from "effect"
import { FetchHttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import { dossier, ldJson, makeApiHarness, reasonOf, uuid } from "./utils/harness.js"

const path = `/production/dossiers/${uuid(1)}`

const clients = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["undici", NodeHttpClient.layerUndici],
  ["UndiciHttpClient", UndiciHttpClient.layer]
] as const

describe.each(clients)("on %s", (name, client) => {
  it.effect("a 200 whose body is cut short is a transport failure: retried for a GET", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({}, client)
      harness.api = (_request, index) =>
        index === 0 ? { ...ldJson(200, dossier(1)), cutAfter: 30 } : ldJson(200, dossier(1))
      // No jitter drawn: the retry's backoff is 0, made as soon as the cut is known.
      const exit = yield* Effect.exit(withoutJitter(harness.teoApi.get(path, JsonLdResource)))
      assert.isTrue(Exit.isSuccess(exit))
      assert.lengthOf(harness.apiRequests(), 2)
    })
  )

  it.effect("a body cut short every time is RequestFailed (Transport), never 'not JSON'", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ retry: false }, client)
      harness.api = () => ({ ...ldJson(200, dossier(1)), cutAfter: 30 })
      const error = yield* Effect.flip(harness.teoApi.get(path, JsonLdResource))
      const reason = reasonOf(error, RequestFailed)
      assert.strictEqual(reason.kind, "Transport")
      assert.isTrue(reason.isRetryable)
    })
  )

  it.effect("a redirect to another origin is not followed: UnexpectedResponse naming the origin only", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({}, client)
      const elsewhere = harness.origin.replace("127.0.0.1", "localhost")
      harness.api = (request) =>
        request.url.startsWith("/stolen")
          ? ldJson(200, dossier(1))
          : { status: 302, headers: { location: `${elsewhere}/stolen?copy=1` } }
      const error = yield* Effect.flip(harness.teoApi.get(path, JsonLdResource))
      const reason = reasonOf(error, UnexpectedResponse)
      assert.strictEqual(reason.status, 302)
      assert.include(error.message, elsewhere)
      assert.notInclude(error.message, "copy=1")
      assert.lengthOf(harness.apiRequests(), 1, "the redirect was not followed")
    })
  )

  it.effect("a 200 that is not JSON by its Content-Type is UnexpectedResponse", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({}, client)
      harness.api = () => ({ status: 200, text: "<html>maintenance</html>", headers: { "content-type": "text/html" } })
      const error = yield* Effect.flip(harness.teoApi.get(path, JsonLdResource))
      reasonOf(error, UnexpectedResponse)
      assert.include(error.message, "text/html")
    })
  )

  it.effect.each([
    ["with a Content-Length", false],
    ["chunked", true]
  ] as const)("a body larger than maxResponseBytes (%s) is refused", ([, chunked]) =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ maxResponseBytes: 4096 }, client)
      harness.api = () => ({ ...ldJson(200, dossier(1, { notes: "x".repeat(10_000) })), chunked })
      const error = yield* Effect.flip(harness.teoApi.get(path, JsonLdResource))
      reasonOf(error, UnexpectedResponse)
      assert.include(error.message, "larger than 4 KiB")
    })
  )

  it.effect(
    "a 204 to a GET is UnexpectedResponse saying the answer has no body: not a transport failure, not retried",
    () =>
      Effect.gen(function* () {
        const harness = yield* makeApiHarness({}, client)
        harness.api = () => ({ status: 204 })
        // Were it retried, with no jitter drawn the retry would follow at once (and be counted).
        const error = yield* Effect.flip(withoutJitter(harness.teoApi.get(path, JsonLdResource)))
        const reason = reasonOf(error, UnexpectedResponse)
        assert.strictEqual(reason.status, 204)
        assert.include(error.message, "the answer has no body, where one was expected")
        assert.isFalse(reason.isRetryable)
        assert.lengthOf(harness.apiRequests(), 1, "not retried")
      })
  )

  it.effect("a 204 where the Schema accepts null decodes null", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({}, client)
      harness.api = () => ({ status: 204 })
      assert.isNull(yield* harness.teoApi.get(path, Schema.Null))
    })
  )

  it.effect.each([
    ["a JSON Content-Type", { "content-type": "application/ld+json" }],
    ["no Content-Type", {}]
  ] as const)("a 200 with an empty body and %s is UnexpectedResponse saying the body is empty", ([, headers]) =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({}, client)
      harness.api = () => ({ status: 200, text: "", headers })
      // Were it retried, with no jitter drawn the retry would follow at once (and be counted).
      const error = yield* Effect.flip(withoutJitter(harness.teoApi.get(path, JsonLdResource)))
      reasonOf(error, UnexpectedResponse)
      assert.include(error.message, "the answer's body is empty, where one was expected")
      assert.lengthOf(harness.apiRequests(), 1, "not retried")
    })
  )

  it.effect(
    "a gzip answer with a small Content-Length that inflates past maxResponseBytes is refused at the limit",
    () =>
      Effect.gen(function* () {
        const server = yield* makeEndlessServer
        const body = gzipSync(
          Buffer.concat([
            Buffer.from(JSON.stringify(dossier(1)).slice(0, -1)),
            Buffer.alloc(32 * 1024 * 1024, " "),
            Buffer.from("}")
          ])
        )
        server.answer = {
          status: 200,
          headers: {
            "content-type": "application/ld+json",
            "content-encoding": "gzip",
            "content-length": String(body.byteLength)
          },
          body
        }
        const harness = yield* makeApiHarness(
          { baseUrl: `${server.origin}/api`, maxResponseBytes: 1024 * 1024 },
          client
        )
        const error = yield* Effect.flip(harness.teoApi.get(path, JsonLdResource))
        reasonOf(error, UnexpectedResponse)
        // fetch inflates gzip (and is refused once 1 MiB is inflated); undici hands over the bytes as sent.
        assert.include(
          error.message,
          name === "FetchHttpClient" ? "larger than 1 MiB (maxResponseBytes)" : 'Content-Encoding "gzip"'
        )
      })
  )

  it.effect.each([
    ["chunked", {}],
    ["announcing 50 MB in its Content-Length", { "content-length": String(50_000_000) }]
  ] as const)(
    "an endless answer (%s) is refused at 16 MiB: reading stops there and the connection is closed",
    ([, headers]) =>
      Effect.gen(function* () {
        const server = yield* makeEndlessServer
        server.answer = {
          status: 200,
          headers: { "content-type": "application/ld+json", ...headers },
          prefix: '{"hydra:member":['
        }
        const harness = yield* makeApiHarness({ baseUrl: `${server.origin}/api` }, client)
        const error = yield* Effect.flip(harness.teoApi.page("/production/dossiers", JsonLdResource))
        reasonOf(error, UnexpectedResponse)
        assert.include(error.message, "larger than 16 MiB")
        // Completes only once the client has closed the connection: an endless answer never ends otherwise.
        yield* server.closed(1)
        // The limit, plus what the loopback socket buffers hold: nowhere near what an endless body would send.
        assert.isBelow(server.written(), 32 * 1024 * 1024)
        assert.strictEqual(server.requests(), 1)
      })
  )
})

describe("Retry-After", () => {
  it.effect("a 503 with Retry-After is waited for (a floor on the backoff), then retried", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = (_request, index) =>
        index === 0 ? ldJson(503, {}, { "retry-after": "3" }) : ldJson(200, dossier(1))
      const fiber = yield* Effect.forkChild(harness.teoApi.get(path, JsonLdResource))
      // The token and the 503.
      yield* harness.received(2)
      yield* TestClock.adjust("2999 millis")
      assert.lengthOf(harness.apiRequests(), 1, "not before the 3 s")
      yield* TestClock.adjust("1 millis")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      const [first, second] = harness.apiRequests().map((request) => request.at)
      // A floor over the backoff (at most 0.5 s here): exactly 3 s.
      assert.strictEqual((second ?? 0) - (first ?? 0), 3000)
    })
  )

  it.effect("a 503 still failing carries retryAfter", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ retry: false })
      harness.api = () => ldJson(503, {}, { "retry-after": "7" })
      const error = yield* Effect.flip(harness.teoApi.get(path, JsonLdResource))
      const reason = reasonOf(error, ServerError)
      assert.deepStrictEqual(reason.retryAfter, Duration.seconds(7))
    })
  )
})

describe("texts that echo the token", () => {
  it.effect("are masked before they reach an error", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = (request) =>
        ldJson(403, {
          "@type": "hydra:Error",
          "hydra:title": "Forbidden",
          "hydra:description": `token ${String(request.headers.authorization).replace("Bearer ", "")} may not read this`
        })
      const error = yield* Effect.flip(harness.teoApi.get(path, JsonLdResource))
      assert.include(error.message, "token <redacted> may not read this")
      assert.notInclude(error.message, "token-1")
    })
  )
})

describe("pagination links", () => {
  const page = (next: string | undefined) =>
    ldJson(200, {
      "hydra:member": [dossier(1)],
      ...(next === undefined ? {} : { "hydra:view": { "@id": "/api/x", "hydra:next": next } })
    })

  it.effect("that differ only by their fragment are the same page: the loop is detected", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = (_request, index) =>
        page(index % 2 === 0 ? "/api/production/dossiers?page=2#a" : "/api/production/dossiers?page=2#b")
      const error = yield* Effect.flip(Stream.runCollect(harness.teoApi.stream("/production/dossiers", JsonLdResource)))
      reasonOf(error, UnexpectedResponse)
      assert.include(error.message, "loops")
      assert.isAtMost(harness.apiRequests().length, 3)
    })
  )

  it.effect.each(["/api/../admin/export", "/api/%2e%2e/admin", "/admin/export", "//evil.example/api/x"])(
    "that leave the API's base path once normalised (%s) are refused, not fetched",
    (next) =>
      Effect.gen(function* () {
        const harness = yield* makeApiHarness()
        harness.api = () => page(next)
        const error = yield* Effect.flip(
          Stream.runCollect(harness.teoApi.stream("/production/dossiers", JsonLdResource, undefined, { prefetch: 0 }))
        )
        reasonOf(error, UnexpectedResponse)
        assert.include(error.message, "outside")
        assert.lengthOf(harness.apiRequests(), 1)
      })
  )
})

describe("an overall deadline", () => {
  it.effect("bounds a call, retries and their waits included: RequestFailed (Deadline)", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({
        deadline: "5 seconds",
        retry: { times: 10, baseDelay: "2 seconds", maxDelay: "2 seconds" }
      })
      harness.api = () => ldJson(503, {}, { "retry-after": "2" })
      const fiber = yield* Effect.forkChild(Effect.flip(harness.teoApi.get(path, JsonLdResource)))
      // Every wait is 2 s (the backoff's cap, Retry-After's floor): attempts at 0, 2 and 4 s; the deadline at 5 s.
      yield* harness.received(2)
      yield* TestClock.adjust("2 seconds")
      yield* harness.received(3)
      yield* TestClock.adjust("2 seconds")
      yield* harness.received(4)
      yield* TestClock.adjust("1 second")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      const error = Exit.isSuccess(exit) ? exit.value : undefined
      const reason = reasonOf(error, RequestFailed)
      assert.strictEqual(reason.kind, "Deadline")
      assert.isAtMost(harness.apiRequests().length, 4)
      assert.deepStrictEqual(
        harness.apiRequests().map((request) => request.at),
        [0, 2000, 4000]
      )
    })
  )
})

describe("a base URL with a user name or password", () => {
  it.effect("is refused when the layer is built, without repeating the password", () =>
    Effect.gen(function* () {
      const layer = TeoApi.layerConfig().pipe(
        Layer.provide(AccessToken.layer()),
        Layer.provide(
          TeoCredentials.layer({
            clientId: "acme-integration",
            clientSecret: Redacted.make("s3cret-CANARY-api-1c9d"),
            teoId: "acme-formation"
          })
        ),
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(
          ConfigProvider.layer(
            ConfigProvider.fromEnv({ env: { TEO_API_URL: "https://integration:pa55-CANARY@teoapp.fr/api" } })
          )
        )
      )
      const error = yield* Effect.flip(Effect.provide(Effect.service(TeoApi), layer, { local: true }))
      assert.instanceOf(error, Config.ConfigError)
      assert.include(error.message, "TEO_API_URL")
      assert.include(error.message, "user name or password")
      assert.notInclude(String(error), "pa55-CANARY")
    })
  )

  it.effect("given as an option is refused too", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        makeApiHarness({ baseUrl: "https://u:pa55-CANARY@teoapp.fr/api" }).pipe(
          Effect.catchCause((cause) => Effect.fail(String(cause)))
        )
      )
      assert.isTrue(Exit.isFailure(exit))
      const text = Exit.isFailure(exit) ? String(exit.cause) : ""
      assert.include(text, "user name or password")
      assert.notInclude(text, "pa55-CANARY")
    })
  )
})
