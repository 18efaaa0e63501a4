/**
 * What teo-effect needs from téo's token endpoint: the real `AccessToken`
 * against Pact's mock server, written to `teo-effect-teo-auth.json`. The
 * request is pinned to the credentials of the provider state (téo's
 * authentication page, §2 of teo-api.md): a client that encodes them
 * otherwise fails here.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { PactV4 } from "@pact-foundation/pact"
import { AccessToken, InvalidClient, InvalidScope, TeoCredentials } from "@teo-effect/auth"
import { TeoPact, TeoStates } from "@teo-effect/testing/pact"
import { Effect, Layer, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import { afterAll } from "vitest"
import { example, freshPact, logLevel } from "./pacts.js"

const pact = freshPact("teo-auth")

/** The provider state of every token interaction: the example client may open the example instance. */
const exampleClient = { clientId: example.clientId, clientSecret: example.clientSecret, teoId: example.teoId }

/** A fresh `AccessToken` with `credentials`, against the mock server; no retries. */
const getToken = (url: string, credentials: { clientId?: string; clientSecret: string; teoId: string }) =>
  Effect.runPromise(
    Effect.gen(function* () {
      return yield* Effect.result((yield* AccessToken).get)
    }).pipe(
      Effect.provide(
        AccessToken.layer({ retry: { times: 0 } }).pipe(
          Layer.provide(
            TeoCredentials.layer({
              clientId: credentials.clientId ?? example.clientId,
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
    TeoPact.token(pact.addInteraction().given(TeoStates.client, exampleClient).uponReceiving("a token request"), {
      ...exampleClient,
      exampleToken: example.token
    }).executeTest(async (mockServer) => {
      const result = await getToken(mockServer.url, example)
      assert.strictEqual(result._tag, "Success")
      if (result._tag === "Success") {
        assert.strictEqual(Redacted.value(result.success.value), example.token)
        assert.strictEqual(result.success.scope, `target-entity:${example.teoId}`)
      }
    }))

  it("is refused a wrong secret with invalid_client", () =>
    TeoPact.tokenError(
      pact.addInteraction().given(TeoStates.client, exampleClient).uponReceiving("a token request with a wrong secret"),
      { ...exampleClient, clientSecret: "wrong-secret", error: "invalid_client" }
    ).executeTest(async (mockServer) => {
      const result = await getToken(mockServer.url, { clientSecret: "wrong-secret", teoId: example.teoId })
      assert.isTrue(result._tag === "Failure" && result.failure instanceof InvalidClient)
    }))

  it("is refused an instance the client may not open with invalid_scope", () =>
    TeoPact.tokenError(
      pact
        .addInteraction()
        .given(TeoStates.client, exampleClient)
        .uponReceiving("a token request for another instance"),
      { ...exampleClient, teoId: "unknown-instance", error: "invalid_scope" }
    ).executeTest(async (mockServer) => {
      const result = await getToken(mockServer.url, { clientSecret: example.clientSecret, teoId: "unknown-instance" })
      assert.isTrue(result._tag === "Failure" && result.failure instanceof InvalidScope)
    }))
})

describe("the token contract binds the credentials", () => {
  // A pact of its own, in a folder of its own: these interactions are meant to fail.
  const dir = mkdtempSync(join(tmpdir(), "teo-pact-binding-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** Runs the token interaction with a client using `credentials`: `"passed"`, or why the pact failed. */
  const verdictFor = (credentials: { clientId: string; clientSecret: string; teoId: string }) => {
    const probe = new PactV4({ consumer: "binding-probe", provider: "teo-auth", dir, logLevel })
    return TeoPact.token(
      probe.addInteraction().given(TeoStates.client, exampleClient).uponReceiving("a token request"),
      { ...exampleClient, exampleToken: example.token }
    )
      .executeTest(async (mockServer) => {
        await getToken(mockServer.url, credentials)
      })
      .then(
        () => "passed",
        (error: unknown) => String(error)
      )
  }

  it("passes the client that sends the state's credentials", async () => {
    assert.strictEqual(await verdictFor(exampleClient), "passed")
  })

  it("fails a client that sends other credentials", async () => {
    const verdict = await verdictFor({
      clientId: `${example.clientSecret}x`,
      clientSecret: "nobody",
      teoId: example.teoId
    })
    assert.notStrictEqual(verdict, "passed")
  })

  it("fails a client that asks for another instance", async () => {
    assert.notStrictEqual(await verdictFor({ ...exampleClient, teoId: "another-instance" }), "passed")
  })
})
