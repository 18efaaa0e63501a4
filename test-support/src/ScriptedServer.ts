/**
 * A scriptable HTTP server on 127.0.0.1 for this repository's tests: it
 * records every request (stamped with the Effect clock, so the `TestClock` in
 * tests) and answers with whatever the test's `reply` function says — a
 * status and body, a reset connection, or nothing until a promise resolves.
 * The same script runs in memory (`makeInMemoryServer`, `scriptedClient`):
 * the default for tests of logic, the socket kept for tests about the wire.
 *
 * It knows nothing of téo: FakeTeo, which behaves like téo, is in
 * `@teo-effect/testing`.
 */
import { createServer, type IncomingHttpHeaders } from "node:http"
import { Clock, Effect, Layer, type Scope } from "effect"
import { FetchHttpClient, type HttpClient } from "effect/http"

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
  /** `http://127.0.0.1:<port>` (`https://scripted.invalid` in memory: reached only through `fetch`). */
  readonly origin: string
  readonly requests: ReadonlyArray<RecordedRequest>
  /** How requests are answered; `index` counts every request from 0. Replace it at will. */
  reply: (request: RecordedRequest, index: number) => Reply | Promise<Reply>
  /** Completes once `count` requests have arrived. */
  readonly received: (count: number) => Effect.Effect<void>
  /**
   * The same script without a socket: a `fetch` (for `FetchHttpClient.Fetch`)
   * that records each request the moment it is made and answers from `reply`
   * in memory — for tests about what is requested when, not about the wire.
   * A reset is a failed `fetch`; `cutAfter` and `chunked` do not apply.
   */
  readonly fetch: typeof globalThis.fetch
}

/** A promise the test resolves later: an endpoint that hangs until told. */
export const gate = () => {
  let open: () => void = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

/** The script itself, without a listener: the requests, `reply`, `received` and the in-memory `fetch`. */
const makeScript = (now: () => number, origin: () => string) => {
  const requests: Array<RecordedRequest> = []
  const waiters: Array<{ count: number; resolve: () => void }> = []
  const record = (recorded: RecordedRequest) => {
    requests.push(recorded)
    for (const waiter of waiters.filter((waiter) => requests.length >= waiter.count)) {
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve()
    }
  }
  const inMemory = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    const recorded: RecordedRequest = {
      method: request.method,
      url: `${url.pathname}${url.search}`,
      headers: Object.fromEntries(request.headers.entries()),
      body: init?.body === undefined || init.body === null ? "" : await request.text(),
      at: now()
    }
    record(recorded)
    const reply = await script.reply(recorded, requests.length - 1)
    if ("reset" in reply) throw new TypeError("fetch failed: connection reset (in memory)")
    const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? "")
    return new Response(reply.status === 204 || reply.status === 304 ? null : body, {
      status: reply.status,
      headers: {
        ...(reply.json !== undefined ? { "content-type": "application/json" } : {}),
        ...reply.headers
      }
    })
  }
  const script: ScriptedServer = {
    get origin() {
      return origin()
    },
    requests,
    reply: () => ({ status: 404 }),
    fetch: inMemory as typeof globalThis.fetch,
    received: (count: number) =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            if (requests.length >= count) resolve()
            else waiters.push({ count, resolve })
          })
      )
  }
  return { script, record }
}

const effectClock = Clock.clockWith((clock) => Effect.succeed(() => clock.currentTimeMillisUnsafe()))

/** Starts a server for the current scope; it answers 404 until `reply` is set. */
export const makeScriptedServer: Effect.Effect<ScriptedServer, never, Scope.Scope> = Effect.flatMap(
  effectClock,
  (now) =>
    Effect.acquireRelease(
      Effect.promise(
        () =>
          new Promise<{ readonly handle: ScriptedServer; readonly close: () => Promise<void> }>((resolve) => {
            // Known once the server listens.
            const listening = { origin: "" }
            const { script, record } = makeScript(now, () => listening.origin)
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
                record(recorded)
                Promise.resolve(script.reply(recorded, script.requests.length - 1)).then((reply) => {
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
            server.listen(0, "127.0.0.1", () => {
              const address = server.address()
              listening.origin =
                typeof address === "object" && address !== null ? `http://127.0.0.1:${address.port}` : ""
              resolve({
                handle: script,
                close: () =>
                  new Promise<void>((closed) => {
                    server.closeAllConnections()
                    server.close(() => closed())
                  })
              })
            })
          })
      ),
      (server) => Effect.promise(() => server.close())
    ).pipe(Effect.map(({ handle }) => handle))
)

/**
 * The same script with no server at all, for logic tests: requests reach it
 * only through its `fetch` (`scriptedClient`), recorded the moment they are
 * made and answered in memory — no socket, so no I/O for the test clock to
 * wait on. Its `origin`, `https://scripted.invalid`, resolves nowhere: a
 * client on a real socket fails at once rather than reach something else.
 */
export const makeInMemoryServer: Effect.Effect<ScriptedServer> = Effect.map(
  effectClock,
  (now) => makeScript(now, () => "https://scripted.invalid").script
)

/**
 * An `HttpClient` (`FetchHttpClient` over `server.fetch`) whose requests go to
 * `server`'s script in memory: the same requests, headers and bodies as on a
 * socket, the answer read from memory.
 */
export const scriptedClient = (server: Pick<ScriptedServer, "fetch">): Layer.Layer<HttpClient.HttpClient> =>
  FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, server.fetch)))
