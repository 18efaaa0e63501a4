/**
 * Where `teo generate` reads a document from, when it misbehaves: a URL that
 * never answers, a server frozen (SIGSTOP) mid-run, garbage, a body over the
 * cap; a folder, a file with a byte-order mark. Each ends in a clear
 * UsageError or GenerateError, within its bound (30 s, on the test's clock).
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, type Scope } from "effect"
import { TestClock } from "effect/testing"
import { readSource } from "../../src/commands/Generate.js"
import { Generate } from "../../src/index.js"

/** The document behind `spec`, as `teo generate` reads it before asking for a token, and its modules. */
const documentOf = (spec: string) =>
  Effect.flatMap(readSource(spec), (read) =>
    "text" in read
      ? Effect.tap(Generate.parse(read.text, spec), (document) => Generate.generate(document, { source: spec }))
      : Effect.fail(new Error(`asks for a token: ${read.needsToken}`))
  )

const fixture = new URL("fixtures/teo.openapi.json", import.meta.url).pathname

/** A server on 127.0.0.1 for the scope, answering with `handle`. */
const serve = (handle: Parameters<typeof createServer>[1]) =>
  Effect.acquireRelease(
    Effect.callback<Server>((resume) => {
      const server = createServer(handle)
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/docs.jsonopenapi`))

/** The message `documentOf(spec)` fails with, once the test's clock has passed its bound. */
const failureAfterBound = (spec: string) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.forkChild(Effect.flip(documentOf(spec)))
    // The fiber starts its bound, then the test clock passes it.
    yield* Effect.yieldNow
    yield* TestClock.adjust("31 seconds")
    return (yield* Fiber.join(fiber)).message
  })

const run = <A, E>(effect: Effect.Effect<A, E, NodeServices.NodeServices | Scope.Scope>) =>
  effect.pipe(Effect.scoped, Effect.provide(NodeServices.layer))

describe("teo generate's document source", () => {
  it.effect("a URL that accepts and never answers: refused after 30 s", () =>
    run(
      Effect.gen(function* () {
        const url = yield* serve(() => {})
        assert.strictEqual(yield* failureAfterBound(url), `cannot read ${url}: no complete answer within 30s`)
      })
    )
  )

  it.effect("a server frozen by SIGSTOP: refused after 30 s", () =>
    run(
      Effect.gen(function* () {
        const child = yield* Effect.acquireRelease(
          Effect.sync(() =>
            spawn(process.execPath, [
              "-e",
              "const s=require('http').createServer((q,r)=>r.end('{}')).listen(0,'127.0.0.1',()=>console.log(s.address().port))"
            ])
          ),
          (child) => Effect.sync(() => child.kill("SIGKILL"))
        )
        const port = yield* Effect.callback<string>((resume) => {
          child.stdout.once("data", (chunk) => resume(Effect.succeed(String(chunk).trim())))
        })
        child.kill("SIGSTOP")
        const url = `http://127.0.0.1:${port}/api/docs.jsonopenapi`
        assert.strictEqual(yield* failureAfterBound(url), `cannot read ${url}: no complete answer within 30s`)
      })
    )
  )

  it.effect("garbage, an HTML page, a body over 32 MiB: each refused, naming why", () =>
    run(
      Effect.gen(function* () {
        const garbage = yield* serve((_, response) => response.end('{"openapi": "3.1.0", "paths": {'))
        const broken = (yield* Effect.flip(documentOf(garbage))).message
        assert.include(broken, `${garbage} at #: not JSON or YAML:`)
        const html = yield* serve((_, response) => response.end("<html><body>Maintenance</body></html>"))
        assert.include(
          (yield* Effect.flip(documentOf(html))).message,
          `${html} at #: an OpenAPI document is a JSON or YAML object, this is string`
        )
        const declared = yield* serve((_, response) => {
          response.writeHead(200, { "content-length": String(100 * 1024 * 1024) })
          response.write("{")
        })
        assert.strictEqual(
          (yield* Effect.flip(documentOf(declared))).message,
          `cannot read ${declared}: it is ${100 * 1024 * 1024} bytes, over ${32 * 1024 * 1024}`
        )
        const chunked = yield* serve((_, response) => {
          const chunk = "x".repeat(1024 * 1024)
          for (let index = 0; index < 33; index++) response.write(chunk)
          response.end()
        })
        assert.strictEqual(
          (yield* Effect.flip(documentOf(chunked))).message,
          `cannot read ${chunked}: it is over ${32 * 1024 * 1024} bytes`
        )
      })
    )
  )

  it.effect("a folder is not a file; a byte-order mark before JSON is not part of the document", () =>
    run(
      Effect.gen(function* () {
        const dir = mkdtempSync(join(tmpdir(), "teo-generate-source-"))
        assert.strictEqual(
          (yield* Effect.flip(documentOf(dir))).message,
          `cannot read ${dir}: it is a folder, not a file`
        )
        const bom = join(dir, "bom.json")
        writeFileSync(bom, `\uFEFF${readFileSync(fixture, "utf8")}`)
        const document = yield* documentOf(bom)
        assert.deepInclude(document, { openapi: "3.1.0" })
      })
    )
  )
})
