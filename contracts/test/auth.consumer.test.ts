/**
 * What teo-effect needs from téo's token endpoint: the real `AccessToken`
 * against Pact's mock server, written to `teo-effect-teo-auth.json`.
 */
import { assert, describe, it } from "@effect/vitest"
import { AccessToken, InvalidClient, InvalidScope, TeoCredentials } from "@teo-effect/auth"
import { TeoPact } from "@teo-effect/testing/pact"
import { Effect, Layer, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import { example, freshPact } from "./pacts.js"

const pact = freshPact("teo-auth")

/** A fresh `AccessToken` with `credentials`, against the mock server; no retries. */
const getToken = (url: string, credentials: { clientSecret: string; teoId: string }) =>
  Effect.runPromise(
    Effect.gen(function* () {
      return yield* Effect.result((yield* AccessToken).get)
    }).pipe(
      Effect.provide(
        AccessToken.layer({ retry: { times: 0 } }).pipe(
          Layer.provide(
            TeoCredentials.layer({
              clientId: example.clientId,
              clientSecret: Redacted.make(credentials.clientSecret),
              teoId: credentials.teoId,
              tokenUrl: `${url}/oauth2/token`
            })
          ),
          Layer.provide(FetchHttpClient.layer)
        )
      )
    )
  )

describe("teo-effect → teo-auth", () => {
  it("gets a token with the client credentials", () =>
    TeoPact.token(
      pact.addInteraction().given("the client fake-client may open fake-instance").uponReceiving("a token request"),
      { ...example, exampleToken: example.token }
    ).executeTest(async (mockServer) => {
      const result = await getToken(mockServer.url, example)
      assert.strictEqual(result._tag, "Success")
      if (result._tag === "Success") {
        assert.strictEqual(Redacted.value(result.success.value), example.token)
        assert.strictEqual(result.success.scope, `target-entity:${example.teoId}`)
      }
    }))

  it("is refused a wrong secret with invalid_client", () =>
    TeoPact.tokenError(
      pact
        .addInteraction()
        .given("the client fake-client may open fake-instance")
        .uponReceiving("a token request with a wrong secret"),
      { ...example, clientSecret: "wrong-secret", status: 401, error: "invalid_client" }
    ).executeTest(async (mockServer) => {
      const result = await getToken(mockServer.url, { clientSecret: "wrong-secret", teoId: example.teoId })
      assert.isTrue(result._tag === "Failure" && result.failure instanceof InvalidClient)
    }))

  it("is refused an unknown instance with invalid_scope", () =>
    TeoPact.tokenError(
      pact
        .addInteraction()
        .given("the client fake-client may open fake-instance")
        .uponReceiving("a token request for another instance"),
      { ...example, teoId: "unknown-instance", status: 400, error: "invalid_scope" }
    ).executeTest(async (mockServer) => {
      const result = await getToken(mockServer.url, { clientSecret: example.clientSecret, teoId: "unknown-instance" })
      assert.isTrue(result._tag === "Failure" && result.failure instanceof InvalidScope)
    }))
})
