/**
 * A server on 127.0.0.1 whose answers never end: a status and headers, then
 * body bytes for as long as the client reads them (honouring backpressure),
 * counted, until the client closes the connection. For tests that a client
 * stops reading at its size limit: they assert on the bytes the server
 * managed to write and on the connection being closed, not on timing. It can
 * also send a given finite body, bytes as they are (a gzip bomb…).
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, type Scope } from "effect"

export interface EndlessAnswer {
  readonly status: number
  readonly headers?: Record<string, string>
  /**
   * The first bytes of the body (`{"hydra:member":[` …); the rest repeats
   * `filler` (spaces by default: still valid JSON whitespace, never complete).
   */
  readonly prefix?: string
  readonly filler?: string
  /** The size of each write (each chunk, in chunked encoding): 64 KiB by default. */
  readonly chunkSize?: number
  /** A finite body instead, sent as it is (the headers say how it is framed and encoded). */
  readonly body?: Uint8Array
}

export interface EndlessServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  /** How every request is answered; replace it at will. */
  answer: EndlessAnswer
  /** Body bytes written to the socket so far, all requests together. */
  readonly written: () => number
  /** How many requests arrived. */
  readonly requests: () => number
  /**
   * Completes once `count` answers are over: an endless one only ends when the
   * client closes its connection.
   */
  readonly closed: (count: number) => Effect.Effect<void>
}

/** Starts an endless server for the current scope. */
export const makeEndlessServer: Effect.Effect<EndlessServer, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(
    () =>
      new Promise<EndlessServer & { close: () => Promise<void> }>((resolve) => {
        let written = 0
        let requests = 0
        let closed = 0
        const waiters: Array<{ count: number; resolve: () => void }> = []
        const onClosed = () => {
          closed++
          for (const waiter of waiters.filter((waiter) => closed >= waiter.count)) {
            waiters.splice(waiters.indexOf(waiter), 1)
            waiter.resolve()
          }
        }
        const server = createServer((req, res) => {
          requests++
          req.resume()
          const { status, headers = {}, prefix = "", filler = " ", chunkSize = 64 * 1024 } = handle.answer
          const chunk = Buffer.alloc(chunkSize, filler)
          let open = true
          res.on("close", () => {
            open = false
            onClosed()
          })
          res.writeHead(status, headers)
          if (handle.answer.body !== undefined) {
            written += handle.answer.body.byteLength
            res.end(handle.answer.body)
            return
          }
          const pump = () => {
            while (open) {
              written += chunk.byteLength
              if (!res.write(chunk)) {
                res.once("drain", pump)
                return
              }
            }
          }
          if (prefix === "") pump()
          else {
            written += Buffer.byteLength(prefix)
            if (res.write(prefix)) pump()
            else res.once("drain", pump)
          }
        })
        const handle = {
          origin: "",
          answer: { status: 200 } as EndlessAnswer,
          written: () => written,
          requests: () => requests,
          closed: (count: number) =>
            Effect.promise(
              () =>
                new Promise<void>((resolve) => {
                  if (closed >= count) resolve()
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
          handle.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
          resolve(handle)
        })
      })
  ),
  (server) => Effect.promise(() => server.close())
)
