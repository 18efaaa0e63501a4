/**
 * A scriptable HTTP server on 127.0.0.1 for this repository's tests: it
 * records every request (stamped with the Effect clock, so the `TestClock` in
 * tests) and answers with whatever the test's `reply` function says — a
 * status and body, a reset connection, or nothing until a promise resolves.
 *
 * It knows nothing of téo: FakeTeo, which behaves like téo, is in
 * `@teo-effect/testing`.
 */
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { Clock, Effect, type Scope } from "effect"

export interface RecordedRequest {
  readonly method: string
  /** Path and query, as received. */
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
  /** The Effect clock's time (the test clock's, in tests) when the request arrived. */
  readonly at: number
}

export type Reply =
  | {
      readonly status: number
      readonly json?: unknown
      readonly text?: string
      readonly headers?: Record<string, string>
      /**
       * Sends only this many bytes of the body (announced whole in
       * `Content-Length`), then closes the connection: a premature close.
       */
      readonly cutAfter?: number
      /** Sends the body in two chunks, without `Content-Length` (chunked transfer encoding). */
      readonly chunked?: boolean
    }
  | { readonly reset: true }

export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  readonly requests: ReadonlyArray<RecordedRequest>
  /** How requests are answered; `index` counts every request from 0. Replace it at will. */
  reply: (request: RecordedRequest, index: number) => Reply | Promise<Reply>
  /** Completes once `count` requests have arrived. */
  readonly received: (count: number) => Effect.Effect<void>
}

/** A promise the test resolves later: an endpoint that hangs until told. */
export const gate = () => {
  let open: () => void = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

/** Starts a server for the current scope; it answers 404 until `reply` is set. */
export const makeScriptedServer: Effect.Effect<ScriptedServer, never, Scope.Scope> = Effect.flatMap(
  Clock.clockWith((clock) => Effect.succeed(() => clock.currentTimeMillisUnsafe())),
  (now) =>
    Effect.acquireRelease(
      Effect.promise(
        () =>
          new Promise<ScriptedServer & { close: () => Promise<void> }>((resolve) => {
            const requests: Array<RecordedRequest> = []
            const waiters: Array<{ count: number; resolve: () => void }> = []
            const server = createServer((req, res) => {
              const chunks: Array<Buffer> = []
              req.on("data", (chunk: Buffer) => chunks.push(chunk))
              req.on("end", () => {
                const recorded: RecordedRequest = {
                  method: req.method ?? "",
                  url: req.url ?? "",
                  headers: req.headers,
                  body: Buffer.concat(chunks).toString("utf8"),
                  at: now()
                }
                requests.push(recorded)
                for (const waiter of waiters.filter((waiter) => requests.length >= waiter.count)) {
                  waiters.splice(waiters.indexOf(waiter), 1)
                  waiter.resolve()
                }
                Promise.resolve(handle.reply(recorded, requests.length - 1)).then((reply) => {
                  if ("reset" in reply) {
                    req.socket.destroy()
                    return
                  }
                  const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? "")
                  res.writeHead(reply.status, {
                    ...(reply.json !== undefined ? { "content-type": "application/json" } : {}),
                    ...(reply.cutAfter !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}),
                    ...reply.headers
                  })
                  if (reply.chunked === true) {
                    const half = Math.floor(body.length / 2)
                    res.write(body.slice(0, half))
                    res.end(body.slice(half))
                    return
                  }
                  if (reply.cutAfter !== undefined) {
                    res.write(body.slice(0, reply.cutAfter), () => req.socket.destroy())
                    return
                  }
                  res.end(body)
                })
              })
            })
            const handle = {
              origin: "",
              requests,
              reply: ((): Reply => ({ status: 404 })) as ScriptedServer["reply"],
              received: (count: number) =>
                Effect.promise(
                  () =>
                    new Promise<void>((resolve) => {
                      if (requests.length >= count) resolve()
                      else waiters.push({ count, resolve })
                    })
                ),
              close: () =>
                new Promise<void>((resolve) => {
                  server.closeAllConnections()
                  server.close(() => resolve())
                })
            }
            server.listen(0, "127.0.0.1", () => {
              const { port } = server.address() as AddressInfo
              handle.origin = `http://127.0.0.1:${port}`
              resolve(handle)
            })
          })
      ),
      (server) => Effect.promise(() => server.close())
    )
)
