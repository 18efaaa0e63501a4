/**
 * `teo partner-link` against servers that answer what a FakeTeo never would,
 * in process, on real sockets (127.0.0.1) and the test clock: a huge body is
 * refused at 64 KiB, its connection closed; a body that is not a partner
 * link — terminal escapes, a forged line, HTML, a token that is no compact
 * JWS — and a status other than FakeTeo's are an unexpected answer (exit 4)
 * told in teo's words, never the server's; a connection that breaks during
 * the answer is a network failure (exit 5).
 */
import { assert, describe, it } from "@effect/vitest"
import { makeEndlessServer, makeScriptedServer } from "@teo-effect/test-support"
import { Effect } from "effect"
import { dossier, partnerLink } from "./utils/partnerLink.js"

/** A token FakeTeo could have signed: three base64url segments. */
const token = "eyJhbGciOiJFUzI1NiJ9.eyJkb3NzaWVySWQiOiIwYjZjIn0.c2lnbmF0dXJl"

const issued = { token, dossierId: dossier, userId: "fake-user", expiresAt: "2030-01-01T00:00:00.000Z" }

/** Anything that moves a terminal: control characters but the line feeds teo writes itself. */
const hasTerminalControl = (text: string): boolean => /\p{Cc}/u.test(text.replaceAll("\n", ""))

/** Exit 4, saying what came back in teo's words: nothing on stdout, nothing of the server's text on stderr. */
const assertUnexpected = (run: { code: number; stdout: string; stderr: string }, origin: string, what: string) => {
  assert.strictEqual(run.code, 4, run.stderr)
  assert.include(run.stderr, `teo: ${origin} answered ${what}: it is not a FakeTeo`)
  assert.include(run.stderr, "Unexpected answer")
  assert.isFalse(hasTerminalControl(run.stderr), run.stderr)
  assert.notInclude(run.stderr, "unexpected error")
  assert.strictEqual(run.stdout, "")
}

describe("teo partner-link against a server that is not a FakeTeo", () => {
  it.effect("a 201 body that never ends (spaces, or a token without end): refused past 64 KiB, exit 4", () =>
    Effect.gen(function* () {
      const server = yield* makeEndlessServer
      for (const prefix of ["", '{"token":"']) {
        server.answer = {
          status: 201,
          headers: { "content-type": "application/json" },
          prefix,
          filler: prefix === "" ? " " : "a"
        }
        const before = server.written()
        const run = yield* partnerLink(server.origin)
        assertUnexpected(run, server.origin, "HTTP 201 to /_fake/partner-links with a body over 64 KiB")
        // teo closed the connection at its limit: the server wrote little more than socket buffers hold.
        assert.isBelow(server.written() - before, 64 * 1024 * 1024)
      }
      yield* server.closed(2)
    })
  )

  it.effect("a 201 announcing 1.5 GB: refused before reading it, exit 4", () =>
    Effect.gen(function* () {
      const server = yield* makeEndlessServer
      server.answer = { status: 201, headers: { "content-length": String(1_500_000_000) } }
      const run = yield* partnerLink(server.origin)
      assertUnexpected(run, server.origin, "HTTP 201 to /_fake/partner-links with a body over 64 KiB")
      yield* server.closed(1)
      assert.isBelow(server.written(), 64 * 1024 * 1024)
    })
  )

  it.effect("a 201 whose fields carry terminal escapes or a forged line: exit 4, none of it printed", () =>
    Effect.gen(function* () {
      const server = yield* makeScriptedServer
      const forged = [
        [{ token: `${token}\u001b[2J\nsecond-line` }, "token is not a compact JWS"],
        [{ token: { value: token } }, "token is not a compact JWS"],
        [{ dossierId: "d\u001b[31mRED" }, "dossierId is not a UUID"],
        [{ userId: "u\r\nteo: all good" }, "userId is not a text without control characters"],
        [{ expiresAt: "2030\u202e" }, "expiresAt is not a text without control characters"]
      ] as const
      for (const [fields, problem] of forged) {
        server.reply = () => ({ status: 201, json: { ...issued, ...fields } })
        const run = yield* partnerLink(server.origin)
        assertUnexpected(run, server.origin, `HTTP 201 to /_fake/partner-links with a partner link whose ${problem}`)
        assert.notMatch(run.stderr, /^teo: all good/m)
        assert.notInclude(run.stderr, "RED")
      }
      // The same server, answering what FakeTeo answers: the link, printed.
      server.reply = () => ({ status: 201, json: issued })
      const run = yield* partnerLink(server.origin)
      assert.strictEqual(run.code, 0, run.stderr)
      assert.strictEqual(run.stdout, token)
    })
  )

  it.effect("HTML, JSON that is no object, a 307, a 500: exit 4, naming the status", () =>
    Effect.gen(function* () {
      const server = yield* makeScriptedServer
      server.reply = () => ({ status: 201, text: "<html>\u001b[2J</html>", headers: { "content-type": "text/html" } })
      assertUnexpected(
        yield* partnerLink(server.origin),
        server.origin,
        "HTTP 201 to /_fake/partner-links with a body that is not JSON"
      )
      server.reply = () => ({ status: 201, json: [issued] })
      assertUnexpected(
        yield* partnerLink(server.origin),
        server.origin,
        "HTTP 201 to /_fake/partner-links with JSON that is not an object"
      )
      for (const json of [null, token, 201]) {
        server.reply = () => ({ status: 201, json })
        assertUnexpected(
          yield* partnerLink(server.origin),
          server.origin,
          "HTTP 201 to /_fake/partner-links with JSON that is not an object"
        )
      }
      // Not FakeTeo's refusal of a dossier: that is an object whose error is unknown_dossier.
      server.reply = () => ({ status: 404, json: ["unknown_dossier"] })
      assertUnexpected(yield* partnerLink(server.origin), server.origin, "HTTP 404 to /_fake/partner-links")
      server.reply = () => ({ status: 307, headers: { location: "http://evil.example/partner-links" } })
      const redirected = yield* partnerLink(server.origin)
      assertUnexpected(redirected, server.origin, "HTTP 307 to /_fake/partner-links")
      // Not followed, nor named: where it points is the server's text.
      assert.notInclude(redirected.stderr, "evil.example")
      assert.strictEqual(server.requests.length, 7)
      server.reply = () => ({ status: 500, json: { error: "boom", message: "\u001b[2Jteo: all good" } })
      const failed = yield* partnerLink(server.origin)
      assertUnexpected(failed, server.origin, "HTTP 500 to /_fake/partner-links")
      assert.notInclude(failed.stderr, "all good")
    })
  )

  it.effect("FakeTeo's refusal of an unknown dossier: exit 2, in teo's words (the server's text not shown)", () =>
    Effect.gen(function* () {
      const server = yield* makeScriptedServer
      server.reply = () => ({ status: 404, json: { error: "unknown_dossier", message: "\u001b[2Jteo: all good" } })
      for (const [reference, said] of [
        [dossier, `FakeTeo has no dossier ${dossier}`],
        [`/api/production/dossiers/${dossier}`, `FakeTeo has no dossier ${dossier}`],
        ["D-1999-9999", "FakeTeo has no dossier numbered D-1999-9999"]
      ] as const) {
        const run = yield* partnerLink(server.origin, reference)
        assert.strictEqual(run.code, 2, run.stderr)
        assert.include(run.stderr, `teo: ${said}: pick one from \`teo dossiers list --columns id\``)
        assert.isFalse(hasTerminalControl(run.stderr), run.stderr)
        assert.notInclude(run.stderr, "all good")
        assert.strictEqual(run.stdout, "")
      }
    })
  )

  it.effect("the connection broken during the answer (or before it): exit 5, a network failure", () =>
    Effect.gen(function* () {
      const server = yield* makeScriptedServer
      server.reply = () => ({ status: 201, json: issued, cutAfter: 12 })
      const cut = yield* partnerLink(server.origin)
      assert.strictEqual(cut.code, 5, cut.stderr)
      assert.include(
        cut.stderr,
        `teo: ${server.origin} answered HTTP 201 to /_fake/partner-links, then the connection broke before the end of its answer`
      )
      assert.include(cut.stderr, "FakeTeo unreachable")
      assert.notInclude(cut.stderr, "unexpected body")
      assert.strictEqual(cut.stdout, "")
      server.reply = () => ({ reset: true })
      const reset = yield* partnerLink(server.origin)
      assert.strictEqual(reset.code, 5, reset.stderr)
      assert.include(reset.stderr, `teo: no FakeTeo answers at ${server.origin}`)
    })
  )
})
