/**
 * `UndiciHttpClient` keeps effect/http's client contract: the same cases run
 * against it and effect/http's own clients (`FetchHttpClient`,
 * `NodeHttpClient.layerUndici`), over real sockets on 127.0.0.1 — the socket
 * is the subject. What TeoApi asks of a client under hostile answers (bodies
 * cut short, endless, too large, redirects) runs on all three in
 * packages/api's HostileServers.test.ts, and the token endpoint's in TokenRequest.test.ts.
 */

import { createServer, type RequestListener, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { UndiciHttpClient } from "@teo-effect/auth"
import { gate, makeEndlessServer, makeScriptedServer } from "@teo-effect/test-support"
import { Context, Deferred, Effect, Exit, Fiber, Layer, Stream, Tracer } from "effect"
import { Cookies, FetchHttpClient, HttpBody, HttpClient, HttpClientRequest } from "effect/http"

const clients = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["UndiciHttpClient", UndiciHttpClient.layer]
] as const

/** Runs `use` with the client of `layer`. */
const withClient = <A, E>(
  layer: Layer.Layer<HttpClient.HttpClient>,
  use: (client: HttpClient.HttpClient) => Effect.Effect<A, E>
) => Effect.flatMap(Layer.build(layer), (context) => use(Context.get(context, HttpClient.HttpClient)))

/** A node:http server on 127.0.0.1 for the test's scope; its origin. */
const listen = (listener: RequestListener) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly origin: string; readonly server: Server }>((resume) => {
      const server = createServer(listener)
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ origin: `http://127.0.0.1:${port}`, server }))
      })
    }),
    ({ server }) =>
      Effect.sync(() => {
        server.closeAllConnections()
        server.close()
      })
  ).pipe(Effect.map(({ origin }) => origin))

describe.each(clients)("%s", (_name, layer) => {
  it.effect("sends the method, the path with its query, the headers and a text body", () =>
    Effect.gen(function* () {
      const server = yield* makeScriptedServer
      server.reply = () => ({ status: 201, json: { ok: true }, headers: { "x-request-id": "r-1" } })
      const response = yield* withClient(layer, (client) =>
        client.execute(
          HttpClientRequest.post(`${server.origin}/api/production/dossiers`).pipe(
            HttpClientRequest.setUrlParams({ itemsPerPage: "30", "status[]": ["En cours", "Terminé"] }),
            HttpClientRequest.setHeader("authorization", "Bearer t-1"),
            HttpClientRequest.setBody(HttpBody.text('{"lastName":"Dupont"}', "application/ld+json"))
          )
        )
      )
      assert.strictEqual(response.status, 201)
      assert.strictEqual(response.headers["x-request-id"], "r-1")
      assert.deepStrictEqual(yield* response.json, { ok: true })
      const [request] = server.requests
      assert.strictEqual(request?.method, "POST")
      assert.strictEqual(
        request?.url,
        "/api/production/dossiers?itemsPerPage=30&status%5B%5D=En+cours&status%5B%5D=Termin%C3%A9"
      )
      assert.strictEqual(request?.headers.authorization, "Bearer t-1")
      assert.strictEqual(request?.headers["content-type"], "application/ld+json")
      assert.strictEqual(request?.body, '{"lastName":"Dupont"}')
    })
  )

  it.effect("reads a chunked body as text and as a stream", () =>
    Effect.gen(function* () {
      const server = yield* makeScriptedServer
      const text = JSON.stringify({ "hydra:member": Array.from({ length: 500 }, (_, i) => ({ n: i, name: "é" })) })
      server.reply = () => ({ status: 200, text, chunked: true, headers: { "content-type": "application/ld+json" } })
      const [whole, streamed] = yield* withClient(layer, (client) =>
        Effect.all([
          Effect.flatMap(client.get(`${server.origin}/a`), (response) => response.text),
          Effect.flatMap(client.get(`${server.origin}/b`), (response) =>
            Stream.runFold(
              response.stream,
              () => 0,
              (size, chunk) => size + chunk.byteLength
            )
          )
        ])
      )
      assert.strictEqual(whole, text)
      assert.strictEqual(streamed, Buffer.byteLength(text))
    })
  )

  it.effect("an empty 204 reads as empty text", () =>
    Effect.gen(function* () {
      const server = yield* makeScriptedServer
      server.reply = () => ({ status: 204 })
      const text = yield* withClient(layer, (client) =>
        Effect.flatMap(client.del(`${server.origin}/api/x`), (response) => response.text)
      )
      assert.strictEqual(text, "")
    })
  )

  it.effect("reads cookies from Set-Cookie", () =>
    Effect.gen(function* () {
      const server = yield* makeScriptedServer
      server.reply = () => ({ status: 200, text: "", headers: { "set-cookie": "session=abc; Path=/; HttpOnly" } })
      const response = yield* withClient(layer, (client) => client.get(`${server.origin}/`))
      assert.deepStrictEqual(Cookies.toRecord(response.cookies), { session: "abc" })
    })
  )

  it.effect("a 103 Early Hints before the 200 is not the answer", () =>
    Effect.gen(function* () {
      const server = yield* listen((_request, response) => {
        response.writeEarlyHints({ link: "</api/docs.jsonld>; rel=preload" })
        response.setHeader("content-type", "application/ld+json")
        setImmediate(() => response.end('{"ok":true}'))
      })
      const response = yield* withClient(layer, (client) => client.get(`${server}/api/x`))
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.headers["content-type"], "application/ld+json")
      assert.deepStrictEqual(yield* response.json, { ok: true })
    })
  )

  it.effect("two reads of one body at once both get all of it", () =>
    Effect.gen(function* () {
      const rest = gate()
      const server = yield* listen((_request, response) => {
        response.write("a".repeat(1000))
        void rest.opened.then(() => response.end("b".repeat(1000)))
      })
      const lengths = yield* withClient(layer, (client) =>
        Effect.flatMap(client.get(`${server}/x`), (response) =>
          Effect.all(
            [
              Effect.map(response.text, (text) => text.length),
              Effect.map(response.arrayBuffer, (bytes) => bytes.byteLength),
              Effect.sync(rest.open)
            ],
            { concurrency: "unbounded" }
          )
        )
      )
      assert.deepStrictEqual(lengths.slice(0, 2), [2000, 2000])
    })
  )

  it.effect("a body read as a stream is not then read as text as if it were empty", () =>
    Effect.gen(function* () {
      const server = yield* listen((_request, response) => response.end("hello"))
      const exit = yield* withClient(layer, (client) =>
        Effect.flatMap(client.get(`${server}/x`), (response) =>
          Effect.flatMap(Stream.runDrain(response.stream), () => Effect.exit(response.text))
        )
      )
      assert.isFalse(Exit.isSuccess(exit) && exit.value === "", "the text of a body already streamed")
    })
  )

  it.effect("a connection refused is a TransportError", () =>
    Effect.gen(function* () {
      const error = yield* withClient(layer, (client) => Effect.flip(client.get("http://127.0.0.1:9/api")))
      assert.strictEqual(error.reason._tag, "TransportError")
    })
  )

  it.effect("a body broken off is a failed read, not a truncated text", () =>
    Effect.gen(function* () {
      const server = yield* makeScriptedServer
      server.reply = () => ({ status: 200, text: "x".repeat(10_000), cutAfter: 100 })
      const exit = yield* withClient(layer, (client) =>
        Effect.exit(Effect.flatMap(client.get(`${server.origin}/a`), (response) => response.text))
      )
      assert.isTrue(Exit.isFailure(exit))
    })
  )

  it.effect("a stream taken from and left closes the connection (the server sees it end)", () =>
    Effect.gen(function* () {
      const server = yield* makeEndlessServer
      server.answer = { status: 200, headers: { "content-type": "application/json" }, prefix: "[" }
      const first = yield* withClient(layer, (client) =>
        Effect.flatMap(client.get(`${server.origin}/endless`), (response) =>
          Stream.runCollect(Stream.take(response.stream, 1))
        )
      )
      assert.lengthOf(first, 1)
      yield* server.closed(1)
      assert.isBelow(server.written(), 64 * 1024 * 1024, "the server stopped writing")
    })
  )

  it.effect("a request interrupted before its answer closes its connection", () =>
    Effect.gen(function* () {
      // A server that never answers, and says when the client's connection closes.
      const arrived = yield* Deferred.make<void>()
      const closed = yield* Deferred.make<void>()
      const server = createServer((request) => {
        Deferred.doneUnsafe(arrived, Exit.void)
        request.socket.once("close", () => Deferred.doneUnsafe(closed, Exit.void))
      })
      yield* Effect.acquireRelease(
        Effect.callback<void>((resume) => {
          server.listen(0, "127.0.0.1", () => resume(Effect.void))
        }),
        () => Effect.sync(() => server.close())
      )
      const { port } = server.address() as AddressInfo
      const fiber = yield* withClient(layer, (client) => client.get(`http://127.0.0.1:${port}/slow`)).pipe(
        Effect.forkChild
      )
      yield* Deferred.await(arrived)
      yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.hasInterrupts(yield* Fiber.await(fiber)), "interrupted")
      yield* Deferred.await(closed)
    })
  )
})

describe("UndiciHttpClient alone", () => {
  it.effect("with a tracer installed: effect/http's client span, and the trace context sent (traceparent)", () =>
    Effect.gen(function* () {
      const seen: Array<string | undefined> = []
      const server = yield* listen((request, response) => {
        const header = request.headers.traceparent
        seen.push(typeof header === "string" ? header : undefined)
        response.end("{}")
      })
      const spans: Array<Tracer.NativeSpan> = []
      const tracer = Tracer.make({
        span(options) {
          const span = new Tracer.NativeSpan(options)
          spans.push(span)
          return span
        }
      })
      yield* withClient(UndiciHttpClient.layer, (client) =>
        Effect.flatMap(client.get(`${server}/api/x`), (response) => response.json).pipe(Effect.withTracer(tracer))
      )
      const span = spans.find((candidate) => candidate.kind === "client")
      assert.isDefined(span, "a client span")
      assert.match(seen[0] ?? "", new RegExp(`^00-${span?.traceId}-${span?.spanId}-0[01]$`))
    })
  )

  it.effect("without a tracer, no span and no traceparent", () =>
    Effect.gen(function* () {
      const seen: Array<unknown> = []
      const server = yield* listen((request, response) => {
        seen.push(request.headers.traceparent)
        response.end("{}")
      })
      yield* withClient(UndiciHttpClient.layer, (client) =>
        Effect.flatMap(client.get(`${server}/api/x`), (response) => response.json)
      )
      assert.deepStrictEqual(seen, [undefined])
    })
  )

  it.effect("refuses a Stream body with a TransportError that says so", () =>
    Effect.gen(function* () {
      const error = yield* withClient(UndiciHttpClient.layer, (client) =>
        Effect.flip(
          client.execute(
            HttpClientRequest.post("http://127.0.0.1:9/x").pipe(
              HttpClientRequest.setBody(HttpBody.stream(Stream.make(new Uint8Array([1]))))
            )
          )
        )
      )
      assert.strictEqual(error.reason._tag, "TransportError")
      assert.include(String(error.reason.cause), "Stream body")
    })
  )
})
