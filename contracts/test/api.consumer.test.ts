/**
 * What teo-effect needs from téo's API: the real `TeoApi` and `Dossiers`
 * against Pact's mock server, written to `teo-effect-teo-api.json`. The token
 * is the edge this contract is not about: a fixed example token stands in for
 * `AccessToken` (the token endpoint has its own contract).
 */
import { assert, describe, it } from "@effect/vitest"
import { DossierId, Dossiers, NotFound, RateLimited, TeoApi, TeoApiError, ValidationFailed } from "@teo-effect/api"
import { ExpiredToken } from "@teo-effect/auth"
import { TeoTest } from "@teo-effect/testing"
import { TeoMatchers, TeoPact, TeoStates } from "@teo-effect/testing/pact"
import { Effect, Schema } from "effect"
import { example, freshPact } from "./pacts.js"

const pact = freshPact("teo-api")

/** The real `TeoApi` and `Dossiers` against the mock server (no retries), with the example token. */
const teoApiAt = (url: string) => TeoTest.layerAt(url, { token: example.token })

/** Runs `use` with the real `Dossiers` against the mock server. */
const withDossiers = <A, E>(url: string, use: (dossiers: Dossiers["Service"]) => Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.flatMap(Effect.service(Dossiers), use).pipe(Effect.provide(teoApiAt(url))))

/** Runs `use` with the real `TeoApi` against the mock server. */
const withTeoApi = <A, E>(url: string, use: (api: TeoApi["Service"]) => Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.flatMap(Effect.service(TeoApi), use).pipe(Effect.provide(teoApiAt(url))))

const interaction = (state: string, description: string, parameters?: Record<string, string | number>) =>
  pact.addInteraction().given(state, parameters).uponReceiving(description)

const newDossier = {
  firstName: "Léa",
  lastName: "Dupont",
  email: "lea.dupont@example.fr",
  serviceId: example.serviceId
}

/*
 * Each interaction asserts what the library relies on and téo documents
 * (the § are those of docs/teo-api.md); nothing about a dossier's fields, which téo
 * does not document. Pending interactions (`pending()`) encode what is only
 * inferred, or needs a provider's cooperation to set up: a provider's
 * verification reports them without failing.
 */
describe("teo-effect → teo-api", () => {
  // §3 the collection, §5 Hydra pages (`hydra:member`): any instance with a dossier can answer it.
  it("reads a page of dossiers", () =>
    TeoPact.listDossiers(interaction(TeoStates.dossiers, "a page of dossiers", { atLeast: 1 }), {
      token: example.token
    }).executeTest(async (mockServer) => {
      const page = await withDossiers(mockServer.url, (dossiers) => dossiers.page())
      assert.isAbove(page.member.length, 0)
      assert.isTrue(page.member.every((dossier) => dossier["@id"].startsWith("/api/production/dossiers/")))
    }))

  // §5: `hydra:view` › `hydra:next`, the link the library follows (an instance with two pages).
  it("reads a page of dossiers and its next link", () =>
    TeoPact.listDossiers(interaction(TeoStates.dossiers, "the first page of dossiers", { atLeast: 31 }), {
      token: example.token,
      next: "/api/production/dossiers?page=2"
    }).executeTest(async (mockServer) => {
      const page = await withDossiers(mockServer.url, (dossiers) => dossiers.page())
      assert.isAbove(page.member.length, 0)
      assert.strictEqual(page.view?.next, "/api/production/dossiers?page=2")
    }))

  // §5: pages are asked with `?page=N`.
  it("asks for a page by its number", () =>
    TeoPact.listDossiers(interaction(TeoStates.dossiers, "the second page of dossiers", { atLeast: 31 }), {
      token: example.token,
      query: { page: "2" }
    }).executeTest(async (mockServer) => {
      const page = await withDossiers(mockServer.url, (dossiers) => dossiers.page({ page: 2 }))
      assert.isAbove(page.member.length, 0)
    }))

  // §3 one dossier by UUID; the UUID comes from the provider state.
  it("reads one dossier by id", () =>
    TeoPact.getDossier(interaction(TeoStates.dossier, "a request for one dossier"), {
      token: example.token,
      id: example.dossierId,
      idFromState: "id"
    }).executeTest(async (mockServer) => {
      const dossier = await withDossiers(mockServer.url, (dossiers) =>
        dossiers.get(Schema.decodeUnknownSync(DossierId)(example.dossierId))
      )
      assert.strictEqual(dossier["@id"], `/api/production/dossiers/${example.dossierId}`)
    }))

  // §4: 404 is a documented status; the library reads nothing else of the answer.
  it("gets a 404 for an unknown dossier", () =>
    TeoPact.apiError(interaction(TeoStates.noDossier, "a request for an unknown dossier"), {
      token: example.token,
      method: "GET",
      path: TeoMatchers.dossierPath("/api/production/dossiers/00000000-0000-4000-8000-000000000000"),
      status: 404
    }).executeTest(async (mockServer) => {
      const error = await withDossiers(mockServer.url, (dossiers) =>
        Effect.flip(dossiers.get(Schema.decodeUnknownSync(DossierId)("00000000-0000-4000-8000-000000000000")))
      )
      assert.instanceOf(error, TeoApiError)
      assert.instanceOf(error.reason, NotFound)
    }))

  // §4: a 401 whose description is one of the two documented for an expired token.
  it("is refused an expired token with a 401", () =>
    TeoPact.apiError(interaction(TeoStates.expiredToken, "a request with an expired token"), {
      token: example.token,
      method: "GET",
      path: "/api/production/dossiers",
      status: 401,
      description: TeoMatchers.expiredToken()
    }).executeTest(async (mockServer) => {
      const error = await withDossiers(mockServer.url, (dossiers) => Effect.flip(dossiers.page()))
      assert.instanceOf(error, ExpiredToken)
    }))

  // §3: creating a dossier is documented as a web form only; the endpoint is inferred. Pending.
  it("creates a dossier", () =>
    TeoPact.createDossier(interaction(TeoStates.prestation, "the creation of a dossier").pending(), {
      token: example.token,
      input: newDossier,
      serviceIdFromState: "serviceId"
    }).executeTest(async (mockServer) => {
      const created = await withDossiers(mockServer.url, (dossiers) => dossiers.create(newDossier))
      assert.match(created["@id"], /^\/api\/production\/dossiers\//)
    }))

  // §4: 422 with `violations` (the documented example is an invalid email); on the inferred endpoint. Pending.
  it("is told which fields are invalid, with a 422", () =>
    TeoPact.apiError(interaction(TeoStates.prestation, "the creation of a dossier with an invalid email").pending(), {
      token: example.token,
      method: "POST",
      path: "/api/production/dossiers",
      body: { ...newDossier, email: "not-an-email" },
      status: 422,
      violations: [{ propertyPath: "email", message: "Cette valeur n'est pas une adresse email valide." }]
    }).executeTest(async (mockServer) => {
      // `Dossiers.create` refuses the email before sending: the raw `TeoApi.create` sends it.
      const error = await withTeoApi(mockServer.url, (api) =>
        Effect.flip(api.create("/production/dossiers", { ...newDossier, email: "not-an-email" }, Schema.Unknown))
      )
      assert.instanceOf(error, TeoApiError)
      assert.instanceOf(error.reason, ValidationFailed)
      assert.strictEqual(error.reason.violations[0]?.propertyPath, "email")
    }))

  // §4: 429 exists; its headers are not documented, and a provider cannot be asked to rate limit. Pending.
  it("is rate limited with a 429", () =>
    TeoPact.apiError(interaction(TeoStates.rateLimited, "a request over the rate limit").pending(), {
      token: example.token,
      method: "GET",
      path: "/api/production/dossiers",
      status: 429
    }).executeTest(async (mockServer) => {
      const error = await withDossiers(mockServer.url, (dossiers) => Effect.flip(dossiers.page()))
      assert.instanceOf(error, TeoApiError)
      assert.instanceOf(error.reason, RateLimited)
    }))
})
