/**
 * `teo partner-link`'s bound, in process on the test clock: a server that
 * takes the request and never answers it — or never ends its answer — makes
 * `teo` give up after 10 s (of the test clock, no real waiting) with the
 * "FakeTeo unreachable" exit code, and close the connection. The sockets are
 * the subject, so they are real; each step waits on an event of theirs — the
 * request taken, the answer's head read by teo's client, the connection
 * closed — then the clock moves by exactly what the step needs.
 */
import { createServer as createHttpServer, type ServerResponse } from "node:http"
import { createServer, type Socket } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { makeEventCount } from "@teo-effect/test-support"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { answerBegun, listening, partnerLink } from "./utils/partnerLink.js"

/**
 * Starts `teo partner-link`, waits for `requested` (its 10 s bound started
 * with the request), and moves the clock: still waiting at 9.9 s, done at 10 s.
 */
const boundedAt10s = (origin: string, requested: Effect.Effect<void>, said: string) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.forkChild(partnerLink(origin))
    yield* requested
    yield* TestClock.adjust("9900 millis")
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
      const closed = makeEventCount()
      const stalled = createHttpServer((request, response) => {
        request.resume()
        open.add(response)
        response.on("close", () => {
          open.delete(response)
          closed.bump()
        })
        // The status and the first byte of a body, then nothing: the answer never ends.
        response.writeHead(500, { "content-type": "application/json" })
        response.write("{")
      })
      const origin = yield* listening(stalled, () => {
        stalled.closeAllConnections()
      })
      // teo's client has read the status: the bound, when it comes, names it.
      const begun = yield* answerBegun(origin)
      yield* boundedAt10s(origin, begun, "answered HTTP 500 to /_fake/partner-links but did not finish its answer")
      // teo closed the connection when it gave up.
      yield* closed.reached(1)
      assert.strictEqual(open.size, 0)
      assert.strictEqual(closed.count(), 1)
    })
  )

  it.effect("no answer at all (the request taken, nothing sent back): exit 5 after 10 s, saying so", () =>
    Effect.gen(function* () {
      const sockets = new Set<Socket>()
      const received = makeEventCount()
      const closed = makeEventCount()
      const silent = createServer((socket) => {
        sockets.add(socket)
        socket.once("data", received.bump)
        socket.on("close", () => {
          sockets.delete(socket)
          closed.bump()
        })
      })
      const origin = yield* listening(silent, () => {
        for (const socket of sockets) socket.destroy()
      })
      yield* boundedAt10s(origin, received.reached(1), "took the request but did not answer")
      // teo closed the connection when it gave up.
      yield* closed.reached(1)
      assert.strictEqual(sockets.size, 0)
    })
  )
})
