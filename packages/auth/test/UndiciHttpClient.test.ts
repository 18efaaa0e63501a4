/**
 * `UndiciHttpClient` keeps effect/http's client contract: the same cases run
 * against it and effect/http's own clients (`FetchHttpClient`,
 * `NodeHttpClient.layerUndici`), over real sockets on 127.0.0.1 — the socket
 * is the subject. What TeoApi asks of a client under hostile answers (bodies
 * cut short, endless, too large, redirects) runs on all three in
 * packages/api's HostileServers.test.ts, and the token endpoint's in TokenRequest.test.ts.
 */

import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { UndiciHttpClient } from "@teo-effect/auth"
import { makeEndlessServer, makeScriptedServer } from "@teo-effect/test-support"
import { Context, Deferred, Effect, Exit, Fiber, Layer, Stream } from "effect"
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
