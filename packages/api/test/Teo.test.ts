/**
 * `Teo.layerConfig()` and `Teo.layer()`: the whole library in one layer, the
 * HTTP client left to the application — over loopback, on undici as the docs
 * recommend.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Dossiers, Teo, TeoApi } from "@teo-effect/api"
import { AccessToken, TeoCredentials } from "@teo-effect/auth"
import { makeScriptedServer, tokenReply } from "@teo-effect/test-support"
import { Config, ConfigProvider, Effect, Layer, Redacted } from "effect"
import { dossier, ldJson } from "./utils/harness.js"

const everything = Effect.gen(function* () {
  const page = yield* (yield* Dossiers).page({ itemsPerPage: 2 })
  const token = yield* (yield* AccessToken).get
  const credentials = yield* TeoCredentials
  yield* TeoApi
  return { page, token, credentials }
})

/** A téo on loopback: tokens on /oauth2/token, a page of two dossiers on the API. */
const teo = Effect.map(makeScriptedServer, (server) => {
  server.reply = (request) =>
    request.url.startsWith("/oauth2/token")
      ? tokenReply("token-1")
      : ldJson(200, { "hydra:member": [dossier(1), dossier(2)], "hydra:totalItems": 2 })
  return server
})

describe("Teo.layerConfig", () => {
  it.effect("reads the TEO_* variables and gives credentials, token, API and dossiers", () =>
    Effect.gen(function* () {
      const server = yield* teo
      const env = {
        TEO_CLIENT_ID: "acme-integration",
        TEO_CLIENT_SECRET: "s3cret-CANARY-teo-layer",
        TEO_ID: "acme-formation",
        TEO_AUTH_URL: `${server.origin}/oauth2/token`,
        TEO_API_URL: `${server.origin}/api`
      }
      const layer = Teo.layerConfig().pipe(
        Layer.provide(NodeHttpClient.layerUndici),
        Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))
      )
      const { page, token, credentials } = yield* Effect.provide(everything, layer, { local: true })
      assert.lengthOf(page.member, 2)
      assert.strictEqual(Redacted.value(token.value), "token-1")
      assert.strictEqual(credentials.tokenUrl, `${server.origin}/oauth2/token`)
      assert.deepStrictEqual(
        server.requests.map((request) => request.url.replace(/\?.*$/, "")),
        ["/oauth2/token", "/api/production/dossiers"],
        "one token request, one API request"
      )
    })
  )

  it.effect("takes Config values of the application's for credentials and API, the TEO_* variables for the rest", () =>
    Effect.gen(function* () {
      const server = yield* teo
      const env = {
        TEO_CLIENT_ID: "acme-integration",
        VAULT_SECRET: "s3cret-CANARY-own-config",
        TEO_ID: "acme-formation",
        TEO_AUTH_URL: `${server.origin}/oauth2/token`,
        SANDBOX_API: `${server.origin}/api`
      }
      const layer = Teo.layerConfig({
        credentials: { clientSecret: Config.Redacted("VAULT_SECRET") },
        api: { baseUrl: Config.String("SANDBOX_API") }
      }).pipe(
        Layer.provide(NodeHttpClient.layerUndici),
        Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))
      )
      const { page, credentials } = yield* Effect.provide(everything, layer, { local: true })
      assert.lengthOf(page.member, 2)
      assert.strictEqual(Redacted.value(credentials.clientSecret), "s3cret-CANARY-own-config")
      assert.strictEqual(server.requests.at(-1)?.url.replace(/\?.*$/, ""), "/api/production/dossiers")
      // A base URL from the application's Config is checked as TeoApi.layer checks it.
      const refused = yield* Effect.flip(
        Layer.build(
          TeoApi.layerConfig({ baseUrl: Config.succeed("https://teoapp.fr/api?x=1") }).pipe(
            Layer.provide(AccessToken.layer()),
            Layer.provide(TeoCredentials.layer({ clientId: "c", clientSecret: Redacted.make("s"), teoId: "t" })),
            Layer.provide(NodeHttpClient.layerUndici)
          )
        )
      )
      assert.include(refused.message, `"baseUrl"`)
    }).pipe(Effect.scoped)
  )

  it.effect("fails with a ConfigError naming a missing variable", () =>
    Effect.gen(function* () {
      const layer = Teo.layerConfig().pipe(
        Layer.provide(NodeHttpClient.layerUndici),
        Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: { TEO_CLIENT_ID: "acme" } })))
      )
      const error = yield* Effect.flip(Effect.provide(everything, layer, { local: true }))
      assert.instanceOf(error, Config.ConfigError)
      assert.include(error.message, "TEO_CLIENT_SECRET")
    })
  )
})

describe("Teo.layer", () => {
  it.effect("takes the credentials and the API options as values", () =>
    Effect.gen(function* () {
      const server = yield* teo
      const layer = Teo.layer({
        credentials: {
          clientId: "acme-integration",
          clientSecret: Redacted.make("s3cret-CANARY-teo-layer"),
          teoId: "acme-formation",
          tokenUrl: `${server.origin}/oauth2/token`
        },
        token: { refreshWindow: "10 seconds" },
        api: { baseUrl: `${server.origin}/api`, retry: false }
      }).pipe(Layer.provide(NodeHttpClient.layerUndici))
      const { page } = yield* Effect.provide(everything, layer, { local: true })
      assert.lengthOf(page.member, 2)
    })
  )
})
