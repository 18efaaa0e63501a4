/**
 * `teo partner-link`'s bound, in process on the test clock: a server that
 * takes the request and never answers it — or never ends its answer — makes
 * `teo` give up after 10 s (of the test clock, no real waiting) with the
 * "FakeTeo unreachable" exit code, and close the connection.
 */
import { createServer as createHttpServer, type ServerResponse } from "node:http"
import { createServer, type Socket } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { eventually, ioTick } from "@teo-effect/test-support"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { listening, partnerLink } from "./utils/partnerLink.js"

/** Starts `teo partner-link`, waits for `requested`, and moves the clock: still waiting at 9.9 s, done at 10 s. */
const boundedAt10s = (origin: string, requested: Effect.Effect<boolean>, said: string) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.forkChild(partnerLink(origin))
    yield* eventually(requested, (arrived) => arrived)
    yield* TestClock.adjust("9900 millis")
    for (let i = 0; i < 20; i++) yield* ioTick
    assert.isUndefined(fiber.pollUnsafe(), "teo gave up before 10 s")
    yield* TestClock.adjust("100 millis")
    const run = yield* Fiber.join(fiber)
    assert.strictEqual(run.code, 5, run.stderr)
    assert.include(run.stderr, `teo: ${origin} ${said} within 10 s`)
    assert.include(run.stderr, "FakeTeo unreachable")
    assert.notInclude(run.stderr, "unexpected error")
    assert.strictEqual(run.stdout, "")
  })

describe("teo partner-link against a server that never answers", () => {
  it.effect("an answer begun but never ended (HTTP 500, then silence): exit 5 after 10 s, naming the status", () =>
    Effect.gen(function* () {
      const open = new Set<ServerResponse>()
      let sent = false
      let closed = 0
      const stalled = createHttpServer((request, response) => {
        request.resume()
        open.add(response)
        response.on("close", () => {
          open.delete(response)
          closed++
        })
        // The status and the first byte of a body, then nothing: the answer never ends.
        response.writeHead(500, { "content-type": "application/json" })
        response.write("{", () => {
          sent = true
        })
      })
      const origin = yield* listening(stalled, () => {
        stalled.closeAllConnections()
      })
      yield* boundedAt10s(
        origin,
        Effect.sync(() => sent),
        "answered HTTP 500 to /_fake/partner-links but did not finish its answer"
      )
      // teo closed the connection when it gave up.
      yield* eventually(
        Effect.sync(() => closed),
        (count) => count === 1
      )
    })
  )

  it.effect("no answer at all (the request taken, nothing sent back): exit 5 after 10 s, saying so", () =>
    Effect.gen(function* () {
      const sockets = new Set<Socket>()
      let received = 0
      const silent = createServer((socket) => {
        sockets.add(socket)
        socket.on("data", (chunk) => {
          received += chunk.byteLength
        })
        socket.on("close", () => sockets.delete(socket))
      })
      const origin = yield* listening(silent, () => {
        for (const socket of sockets) socket.destroy()
      })
      yield* boundedAt10s(
        origin,
        Effect.sync(() => received > 0),
        "took the request but did not answer"
      )
      yield* eventually(
        Effect.sync(() => sockets.size),
        (open) => open === 0
      )
    })
  )
})
