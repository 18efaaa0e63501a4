/**
 * What teo-effect needs from téo's token endpoint: the real `AccessToken`
 * against Pact's mock server, written to `teo-effect-teo-auth.json`. The
 * request is pinned to the credentials of the provider state (téo's
 * authentication page, docs/teo-api.md §2): a client that encodes them
 * otherwise fails here.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { MatchersV3, PactV4 } from "@pact-foundation/pact"
import { AccessToken, InvalidClient, InvalidScope, PartnerLink, TeoCredentials } from "@teo-effect/auth"
import { TeoPact, TeoStates } from "@teo-effect/testing/pact"
import { Effect, Layer, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import { importJWK, SignJWT } from "jose"
import { afterAll } from "vitest"
import { example, examplePartnerKey, freshPact, logLevel } from "./pacts.js"

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

describe("teo-effect → teo-auth: the partner-link keys", () => {
  // docs/teo-api.md §6: partner links are ES256 JWTs verified with téo's JWKS. The path is assumed
  // (téo names no JWKS URL): pending until téo confirms it.
  it("reads téo's partner-link keys (a JWKS of P-256 keys) and verifies a link with them", () => {
    const { d: _, ...publicJwk } = examplePartnerKey.private
    return pact
      .addInteraction()
      .given(TeoStates.partnerKeys)
      .uponReceiving("a request for the partner-link keys")
      .pending()
      .withRequest("GET", "/.well-known/jwks.json")
      .willRespondWith(200, (response) => {
        response.headers({
          "Content-Type": MatchersV3.regex("^application/(jwk-set\\+)?json(;.*)?$", "application/json")
        })
        response.jsonBody({
          keys: MatchersV3.eachLike({
            kty: "EC",
            crv: "P-256",
            x: MatchersV3.string(publicJwk.x),
            y: MatchersV3.string(publicJwk.y),
            kid: MatchersV3.string(examplePartnerKey.kid)
          })
        })
      })
      .executeTest(async (mockServer) => {
        const key = await importJWK(examplePartnerKey.private, "ES256")
        const token = await new SignJWT({ dossierId: example.dossierId })
          .setProtectedHeader({ alg: "ES256", kid: examplePartnerKey.kid })
          .setIssuedAt()
          .setExpirationTime("5m")
          .sign(key)
        const context = await Effect.runPromise(
          Effect.flatMap(Effect.service(PartnerLink), (links) => links.verify(token)).pipe(
            Effect.provide(
              PartnerLink.layer({ jwksUrl: `${mockServer.url}/.well-known/jwks.json` }).pipe(
                Layer.provide(FetchHttpClient.layer)
              )
            )
          )
        )
        assert.strictEqual(context.dossierId, example.dossierId)
      })
  })
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
