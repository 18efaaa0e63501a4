/**
 * Test wiring for `@teo-effect/auth`: a real `AccessToken` layer over
 * `FetchHttpClient` against a scripted token endpoint on loopback, built in a
 * scope the test controls.
 */
import { AccessToken, type AccessTokenOptions, TeoCredentials } from "@teo-effect/auth"
import { freshTokens, makeScriptedServer, type ScriptedServer } from "@teo-effect/test-support"
import { Context, Effect, Layer, Redacted, Scope } from "effect"
import { FetchHttpClient, type HttpClient } from "effect/http"

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

/** A token endpoint and a fresh `AccessToken` over real HTTP (`FetchHttpClient` unless told), for one test. */
export const makeHarness = (
  options: AccessTokenOptions = {},
  client: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer
) =>
  Effect.gen(function* () {
    const server = yield* makeScriptedServer
    server.reply = freshTokens()
    const tokenUrl = `${server.origin}/oauth2/token`
    const scope = yield* Scope.make()
    yield* Effect.addFinalizer((exit) => Scope.close(scope, exit))
    const context = yield* Layer.buildWithScope(
      AccessToken.layer(options).pipe(Layer.provide(credentialsLayer(tokenUrl)), Layer.provide(client)),
      scope
    )
    return { server, tokenUrl, accessToken: Context.get(context, AccessToken), scope } satisfies Harness
  })
