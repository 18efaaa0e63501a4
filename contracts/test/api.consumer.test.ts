/**
 * What teo-effect needs from téo's API: the real `TeoApi` and `Dossiers`
 * against Pact's mock server, written to `teo-effect-teo-api.json`. The token
 * is the edge this contract is not about: a fixed example token stands in for
 * `AccessToken` (the token endpoint has its own contract).
 */
import { assert, describe, it } from "@effect/vitest"
import { DossierId, Dossiers, NotFound, RateLimited, TeoApi, ValidationFailed } from "@teo-effect/api"
import { AccessToken, ExpiredToken, Token } from "@teo-effect/auth"
import { TeoMatchers, TeoPact } from "@teo-effect/testing/pact"
import { DateTime, Duration, Effect, Layer, Redacted, Schema } from "effect"
import { FetchHttpClient } from "effect/http"
import { example, freshPact } from "./pacts.js"

const pact = freshPact("teo-api")

const exampleToken = new Token({
  value: Redacted.make(example.token),
  expiresAt: DateTime.makeUnsafe("2100-01-01T00:00:00Z"),
  scope: `target-entity:${example.teoId}`,
  tokenType: "Bearer"
})

/** Runs `use` with the real `Dossiers` and `TeoApi` against the mock server (no retries). */
const withDossiers = <A, E>(url: string, use: (dossiers: Dossiers["Service"]) => Effect.Effect<A, E>) =>
  Effect.runPromise(
    Effect.flatMap(Effect.service(Dossiers), use).pipe(
      Effect.provide(
        Dossiers.layer.pipe(
          Layer.provide(TeoApi.layer({ baseUrl: `${url}/api`, retry: false })),
          Layer.provide(
            Layer.succeed(
              AccessToken,
              AccessToken.of({ get: Effect.succeed(exampleToken), invalidate: () => Effect.void })
            )
          ),
          Layer.provide(FetchHttpClient.layer)
        )
      )
    )
  )

const interaction = (state: string, description: string, parameters?: Record<string, string>) =>
  pact.addInteraction().given(state, parameters).uponReceiving(description)

const newDossier = {
  firstName: "Léa",
  lastName: "Dupont",
  email: "lea.dupont@example.fr",
  serviceId: example.serviceId
}

describe("teo-effect → teo-api", () => {
  it("reads a page of dossiers with a next link", () =>
    TeoPact.listDossiers(interaction("95 dossiers exist", "the first page of dossiers"), {
      token: example.token,
      next: "/api/production/dossiers?page=2"
    }).executeTest(async (mockServer) => {
      const page = await withDossiers(mockServer.url, (dossiers) => dossiers.page())
      assert.isAbove(page.member.length, 0)
      assert.strictEqual(page.view?.next, "/api/production/dossiers?page=2")
      assert.isNumber(page.totalItems)
    }))

  it("reads the last page, without a next link", () =>
    TeoPact.listDossiers(interaction("95 dossiers exist", "the last page of dossiers"), {
      token: example.token,
      query: { page: "4" }
    }).executeTest(async (mockServer) => {
      const page = await withDossiers(mockServer.url, (dossiers) => dossiers.page({ page: 4 }))
      assert.isUndefined(page.view?.next)
    }))

  it("reads one dossier by id", () =>
    TeoPact.getDossier(interaction("a dossier exists", "a request for one dossier"), {
      token: example.token,
      id: example.dossierId,
      idFromState: "id"
    }).executeTest(async (mockServer) => {
      const dossier = await withDossiers(mockServer.url, (dossiers) =>
        dossiers.get(Schema.decodeUnknownSync(DossierId)(example.dossierId))
      )
      assert.strictEqual(dossier["@type"], "Dossier")
      assert.strictEqual(dossier["@id"], `/api/production/dossiers/${example.dossierId}`)
    }))

  it("gets a Hydra 404 for an unknown dossier", () =>
    TeoPact.apiError(interaction("no dossier has this id", "a request for an unknown dossier"), {
      token: example.token,
      method: "GET",
      path: TeoMatchers.dossierPath("/api/production/dossiers/00000000-0000-4000-8000-000000000000"),
      status: 404,
      description: "Not Found"
    }).executeTest(async (mockServer) => {
      const error = await withDossiers(mockServer.url, (dossiers) =>
        Effect.flip(dossiers.get(Schema.decodeUnknownSync(DossierId)("00000000-0000-4000-8000-000000000000")))
      )
      assert.instanceOf(error, NotFound)
    }))

  it("creates a dossier", () =>
    TeoPact.createDossier(interaction("a prestation exists", "the creation of a dossier"), {
      token: example.token,
      input: newDossier,
      serviceIdFromState: "serviceId"
    }).executeTest(async (mockServer) => {
      const created = await withDossiers(mockServer.url, (dossiers) => dossiers.create(newDossier))
      assert.strictEqual(created.lastName, "Dupont")
    }))

  it("is told which fields are invalid, with a 422", () =>
    TeoPact.apiError(interaction("a prestation exists", "the creation of a dossier for an unknown prestation"), {
      token: example.token,
      method: "POST",
      path: "/api/production/dossiers",
      body: { ...newDossier, serviceId: "00000000-0000-4000-8000-000000000000" },
      status: 422,
      description: "serviceId: Cette prestation n'existe pas.",
      violations: [{ propertyPath: "serviceId", message: "Cette prestation n'existe pas." }]
    }).executeTest(async (mockServer) => {
      const error = await withDossiers(mockServer.url, (dossiers) =>
        Effect.flip(dossiers.create({ ...newDossier, serviceId: "00000000-0000-4000-8000-000000000000" }))
      )
      assert.instanceOf(error, ValidationFailed)
      assert.strictEqual(error.violations[0]?.propertyPath, "serviceId")
    }))

  it("is refused an expired token with a 401 'Expired token'", () =>
    TeoPact.apiError(interaction("the token has expired", "a request with an expired token"), {
      token: example.token,
      method: "GET",
      path: "/api/production/dossiers",
      status: 401,
      description: "Expired token"
    }).executeTest(async (mockServer) => {
      const error = await withDossiers(mockServer.url, (dossiers) => Effect.flip(dossiers.page()))
      assert.instanceOf(error, ExpiredToken)
    }))

  it("is rate limited with a 429 and Retry-After", () =>
    TeoPact.apiError(interaction("téo is rate limiting", "a request over the rate limit"), {
      token: example.token,
      method: "GET",
      path: "/api/production/dossiers",
      status: 429,
      description: "Too Many Requests",
      headers: { "Retry-After": TeoMatchers.integerHeader("1") }
    }).executeTest(async (mockServer) => {
      const error = await withDossiers(mockServer.url, (dossiers) => Effect.flip(dossiers.page()))
      assert.instanceOf(error, RateLimited)
      assert.deepStrictEqual(error.retryAfter, Duration.seconds(1))
    }))
})
