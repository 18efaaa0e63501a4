/**
 * A scriptable OAuth2 token endpoint on 127.0.0.1 for the tests of
 * `@teo-effect/auth`: it records every request and answers with whatever the
 * test's `reply` function says (a status and body, a reset connection, or no
 * answer until the test releases it). FakeTeo, the full fake téo, lives in
 * `@teo-effect/testing`, which depends on this package.
 */
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, type Scope } from "effect"

export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
  /** The test clock's time when the request arrived. */
  readonly at: number
}

export type Reply =
  | {
      readonly status: number
      readonly json?: unknown
      readonly text?: string
      readonly headers?: Record<string, string>
    }
  | { readonly reset: true }

export interface TokenServer {
  /** The token endpoint: `http://127.0.0.1:<port>/oauth2/token`. */
  readonly url: string
  readonly requests: ReadonlyArray<RecordedRequest>
  /** How the next requests are answered; the index counts from 0. */
  reply: (request: RecordedRequest, index: number) => Reply | Promise<Reply>
  /** Resolves once `count` requests have arrived. */
  readonly received: (count: number) => Effect.Effect<void>
}

/** A 200 token response as téo sends it. */
export const tokenReply = (accessToken: string, expiresIn = 599, extra: Record<string, unknown> = {}): Reply => ({
  status: 200,
  json: {
    access_token: accessToken,
    expires_in: expiresIn,
    scope: "target-entity:acme-formation",
    token_type: "Bearer",
    ...extra
  }
})

/** An RFC 6749 error response. */
export const oauthError = (status: number, error: string, description?: string): Reply => ({
  status,
  json: description === undefined ? { error } : { error, error_description: description }
})

/** Answers 200 with `token-1`, `token-2`, … in turn. */
export const freshTokens =
  (expiresIn = 599) =>
  (_request: RecordedRequest, index: number): Reply =>
    tokenReply(`token-${index + 1}`, expiresIn)

/** A promise the test resolves later: a token endpoint that hangs until told. */
export const gate = () => {
  let open: () => void = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

/** Starts the server for the current scope. `now` stamps requests (pass the test clock). */
export const makeTokenServer = (now: () => number): Effect.Effect<TokenServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(
      () =>
        new Promise<TokenServer & { close: () => Promise<void> }>((resolve) => {
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
                  ...reply.headers
                })
                res.end(body)
              })
            })
          })
          const handle = {
            url: "",
            requests,
            reply: freshTokens() as TokenServer["reply"],
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
            handle.url = `http://127.0.0.1:${port}/oauth2/token`
            resolve(handle)
          })
        })
    ),
    (server) => Effect.promise(() => server.close())
  )
