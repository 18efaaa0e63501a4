/**
 * Test wiring for `@teo-effect/api`: one scripted server plays both téo's
 * token endpoint (`/oauth2/token`, a fresh token per request) and its API
 * (`/api/…`, answered by the test), and the real layers are built against it:
 * credentials, `AccessToken`, `TeoApi`, `Dossiers`, `FetchHttpClient`. In
 * memory by default (`FetchHttpClient` over the script's `fetch`: no socket,
 * so the test clock alone decides what happens when); on loopback when a test
 * is about the wire and gives the client that reaches it.
 */

import { assert } from "@effect/vitest"
import { Dossiers, TeoApi, TeoApiError, type TeoApiErrorReason, type TeoApiOptions } from "@teo-effect/api"
import { AccessToken, TeoCredentials } from "@teo-effect/auth"
import {
  makeInMemoryServer,
  makeScriptedServer,
  type RecordedRequest,
  type Reply,
  scriptedClient,
  tokenReply
} from "@teo-effect/test-support"
import { Context, Effect, Layer, Redacted } from "effect"
import type { HttpClient } from "effect/http"

export interface ApiHarness {
  readonly origin: string
  /** How the API answers; `index` counts API requests only, from 0. */
  api: (request: RecordedRequest, index: number) => Reply | Promise<Reply>
  readonly apiRequests: () => ReadonlyArray<RecordedRequest>
  readonly tokenRequests: () => ReadonlyArray<RecordedRequest>
  /** Completes once `count` requests (token requests included) have been made. */
  readonly received: (count: number) => Effect.Effect<void>
  readonly teoApi: TeoApi["Service"]
  readonly dossiers: Dossiers["Service"]
}

const isTokenRequest = (request: RecordedRequest) => request.url.startsWith("/oauth2/token")

/**
 * The layers over the script, for one test: in memory unless given a `client`
 * — each request recorded the moment it is made and answered without I/O, so
 * that once a request has arrived (`received`), `TestClock.adjust` by the
 * exact backoff or timeout decides what happens next. With a `client`
 * (`FetchHttpClient.layer`, `NodeHttpClient.layerUndici`…), the script listens
 * on 127.0.0.1 and `client` reaches it over a real socket: for tests whose
 * subject is the wire.
 */
export const makeApiHarness = (options: TeoApiOptions = {}, client?: Layer.Layer<HttpClient.HttpClient>) =>
  Effect.gen(function* () {
    const server = client === undefined ? yield* makeInMemoryServer : yield* makeScriptedServer
    let tokens = 0
    let apiCalls = 0
    const harness = {
      origin: server.origin,
      api: (_request: RecordedRequest, _index: number): Reply | Promise<Reply> => ({ status: 404 }),
      apiRequests: () => server.requests.filter((request) => !isTokenRequest(request)),
      tokenRequests: () => server.requests.filter(isTokenRequest),
      received: server.received
    }
    server.reply = (request) =>
      isTokenRequest(request) ? tokenReply(`token-${++tokens}`) : harness.api(request, apiCalls++)
    const context = yield* Layer.build(
      Dossiers.layer.pipe(
        Layer.provideMerge(TeoApi.layer({ baseUrl: `${server.origin}/api`, ...options })),
        Layer.provide(AccessToken.layer()),
        Layer.provide(
          TeoCredentials.layer({
            clientId: "acme-integration",
            clientSecret: Redacted.make("s3cret-CANARY-api-1c9d"),
            teoId: "acme-formation",
            tokenUrl: `${server.origin}/oauth2/token`
          })
        ),
        Layer.provide(client ?? scriptedClient(server))
      )
    )
    return Object.assign(harness, {
      teoApi: Context.get(context, TeoApi),
      dossiers: Context.get(context, Dossiers)
    }) satisfies ApiHarness
  })

/** A JSON-LD answer. */
export const ldJson = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  text: JSON.stringify(body),
  headers: { "content-type": "application/ld+json; charset=utf-8", ...headers }
})

export const uuid = (n: number) => `0b6c6f0e-8f1a-4c5e-9d2b-${String(n).padStart(12, "0")}`

/** A dossier as téo (API Platform) would send it. */
export const dossier = (n: number, extra: Record<string, unknown> = {}) => ({
  "@id": `/api/production/dossiers/${uuid(n)}`,
  "@type": "Dossier",
  firstName: "Camille",
  lastName: `Martin-${n}`,
  email: `camille.martin${n}@example.fr`,
  status: "En cours",
  ...extra
})

/** The reason of `error`, asserted a `TeoApiError` whose reason is a `Reason`. */
export const reasonOf = <R extends TeoApiErrorReason>(error: unknown, Reason: new (...args: never) => R): R => {
  assert.instanceOf(error, TeoApiError)
  const reason = error.reason
  if (!(reason instanceof Reason)) return assert.fail(`the reason is ${reason._tag}, not ${Reason.name}`)
  return reason
}
