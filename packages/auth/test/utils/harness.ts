/**
 * Test wiring for `@teo-effect/auth`: a real `AccessToken` layer against a
 * scripted token endpoint — in memory by default (`FetchHttpClient` over the
 * script's `fetch`: no socket, so the test clock alone decides what happens
 * when), on loopback when a test is about the wire — built in a scope the
 * test controls.
 */
import { AccessToken, type AccessTokenOptions, TeoCredentials } from "@teo-effect/auth"
import {
  freshTokens,
  makeInMemoryServer,
  makeScriptedServer,
  type ScriptedServer,
  scriptedClient
} from "@teo-effect/test-support"
import { Context, Effect, Layer, Redacted, Scope } from "effect"
import type { HttpClient } from "effect/http"

/** Canary values: any test may assert they never show up anywhere. */
export const clientSecret = "s3cret-CANARY-client-9f4e"
export const clientId = "acme-integration"
export const teoId = "acme-formation"

export const credentialsLayer = (tokenUrl: string) =>
  TeoCredentials.layer({ clientId, clientSecret: Redacted.make(clientSecret), teoId, tokenUrl })

export interface Harness {
  /** The token endpoint; it answers `token-1`, `token-2`, … until told otherwise. */
  readonly server: ScriptedServer
  readonly tokenUrl: string
  readonly accessToken: AccessToken["Service"]
  /** The scope the layer was built in: closing it stops the layer. */
  readonly scope: Scope.Closeable
}

/**
 * A token endpoint and a fresh `AccessToken`, for one test: in memory unless
 * given a `client` — then the endpoint listens on loopback and `client`
 * (`FetchHttpClient.layer`, undici…) reaches it over a real socket.
 */
export const makeHarness = (options: AccessTokenOptions = {}, client?: Layer.Layer<HttpClient.HttpClient>) =>
  Effect.gen(function* () {
    const server = client === undefined ? yield* makeInMemoryServer : yield* makeScriptedServer
    server.reply = freshTokens()
    const tokenUrl = `${server.origin}/oauth2/token`
    const scope = yield* Scope.make()
    yield* Effect.addFinalizer((exit) => Scope.close(scope, exit))
    const context = yield* Layer.buildWithScope(
      AccessToken.layer(options).pipe(
        Layer.provide(credentialsLayer(tokenUrl)),
        Layer.provide(client ?? scriptedClient(server))
      ),
      scope
    )
    return { server, tokenUrl, accessToken: Context.get(context, AccessToken), scope } satisfies Harness
  })

/**
 * Lets a background exchange whose request has arrived (`server.received`)
 * finish, on the in-memory endpoint: the rest of it — the answer, its body,
 * decoding, the new token state — runs without I/O, in microtasks, before the
 * test fiber runs again after one yield. Not for a socket, whose answer takes
 * event-loop turns no yield can count.
 */
export const settled: Effect.Effect<void> = Effect.yieldNow
