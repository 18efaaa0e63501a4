/**
 * Dossiers: list, page, get by UUID or IRI, create with checks before any
 * request — over real HTTP on loopback.
 */
import { assert, describe, it } from "@effect/vitest"
import { DossierId, Iri, type NewDossier, newDossierViolations, ValidationFailed } from "@teo-effect/api"
import { Effect, Schema, Stream } from "effect"
import { dossier, ldJson, makeApiHarness, reasonOf, uuid } from "./utils/harness.js"

const serviceId = "5f1d7a3e-2b4c-4d6e-8f90-a1b2c3d4e5f6"

describe("Dossiers", () => {
  it.effect("get takes a UUID or an IRI", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = (request) => ldJson(200, dossier(Number(request.url.slice(-1))))
      const byId = yield* harness.dossiers.get(Schema.decodeUnknownSync(DossierId)(uuid(1)))
      const byIri = yield* harness.dossiers.get(Schema.decodeUnknownSync(Iri)(`/api/production/dossiers/${uuid(2)}`))
      assert.strictEqual(byId["@id"], `/api/production/dossiers/${uuid(1)}`)
      assert.strictEqual(byIri.lastName, "Martin-2")
      assert.deepStrictEqual(
        harness.apiRequests().map((request) => request.url),
        [`/api/production/dossiers/${uuid(1)}`, `/api/production/dossiers/${uuid(2)}`]
      )
    })
  )

  it.effect("keeps the fields it does not know, and reads null as téo sends it", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () =>
        ldJson(200, dossier(1, { phone: null, financeurs: [{ nom: "OPCO" }], seances: ["/api/agenda/seances/1"] }))
      const found = yield* harness.dossiers.get(Schema.decodeUnknownSync(DossierId)(uuid(1)))
      assert.isNull(found.phone)
      assert.deepStrictEqual(found.financeurs, [{ nom: "OPCO" }])
      assert.deepStrictEqual(found.seances, ["/api/agenda/seances/1"])
    })
  )

  it.effect("page returns one page with its count and links", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () =>
        ldJson(200, {
          "hydra:member": [dossier(1), dossier(2)],
          "hydra:totalItems": 95,
          "hydra:view": { "@id": "/api/production/dossiers?page=1", "hydra:next": "/api/production/dossiers?page=2" }
        })
      const page = yield* harness.dossiers.page({ itemsPerPage: 2 })
      assert.lengthOf(page.member, 2)
      assert.strictEqual(page.totalItems, 95)
      assert.strictEqual(page.view?.next, "/api/production/dossiers?page=2")
      assert.strictEqual(harness.apiRequests()[0]?.url, "/api/production/dossiers?itemsPerPage=2")
    })
  )

  it.effect("list is a stream of decoded dossiers", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () => ldJson(200, { member: [dossier(1), dossier(2)], totalItems: 2 })
      const names = yield* harness.dossiers.list().pipe(
        Stream.map((item) => item.lastName),
        Stream.runCollect
      )
      assert.deepStrictEqual(names, ["Martin-1", "Martin-2"])
    })
  )

  it.effect("create POSTs the new dossier and decodes the created one", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () => ldJson(201, dossier(9, { firstName: "Léa", lastName: "Dupont" }))
      const created = yield* harness.dossiers.create({
        firstName: "Léa",
        lastName: "Dupont",
        email: "lea.dupont@example.fr",
        serviceId
      })
      assert.strictEqual(created.lastName, "Dupont")
      const [request] = harness.apiRequests()
      assert.strictEqual(request?.method, "POST")
      assert.strictEqual(request?.url, "/api/production/dossiers")
      assert.deepStrictEqual(JSON.parse(request?.body ?? ""), {
        firstName: "Léa",
        lastName: "Dupont",
        email: "lea.dupont@example.fr",
        serviceId
      })
    })
  )

  it.effect("create checks the input before any request, with téo's French messages", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      const error = yield* Effect.flip(
        harness.dossiers.create({
          firstName: " ",
          lastName: "",
          email: "lea-at-example",
          serviceId: "42"
        } as NewDossier)
      )
      const reason = reasonOf(error, ValidationFailed)
      assert.isUndefined(reason.status)
      const byField = Object.fromEntries(
        reason.violations.map((violation) => [violation.propertyPath, violation.message])
      )
      assert.deepStrictEqual(byField, {
        firstName: "Cette valeur ne doit pas être vide.",
        lastName: "Cette valeur ne doit pas être vide.",
        email: "Cette valeur n'est pas une adresse email valide.",
        serviceId: "Cette valeur n'est pas un UUID valide."
      })
      // One violation per field: a blank name breaks one rule, said once.
      assert.lengthOf(reason.violations, 4)
      assert.lengthOf(harness.apiRequests(), 0)
      assert.lengthOf(harness.tokenRequests(), 0)
    })
  )

  it.effect("create reports téo's 422 violations", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () =>
        ldJson(422, {
          "@type": "ConstraintViolationList",
          "hydra:title": "An error occurred",
          "hydra:description": "serviceId: Cette prestation n'existe pas.",
          violations: [{ propertyPath: "serviceId", message: "Cette prestation n'existe pas." }]
        })
      const error = yield* Effect.flip(
        harness.dossiers.create({ firstName: "Léa", lastName: "Dupont", email: "lea@example.fr", serviceId })
      )
      const reason = reasonOf(error, ValidationFailed)
      assert.strictEqual(reason.status, 422)
      assert.deepStrictEqual(
        reason.violations.map((violation) => [violation.propertyPath, violation.message]),
        [["serviceId", "Cette prestation n'existe pas."]]
      )
    })
  )
})

describe("newDossierViolations", () => {
  it("lists what is wrong with a form, in téo's French, missing fields included; nothing when valid", () => {
    assert.deepStrictEqual(
      newDossierViolations({ lastName: "Martin", email: "camille@" }).map((violation) => [
        violation.propertyPath,
        violation.message
      ]),
      [
        ["firstName", "Cette valeur ne doit pas être vide."],
        ["email", "Cette valeur n'est pas une adresse email valide."],
        ["serviceId", "Cette valeur ne doit pas être vide."]
      ]
    )
    assert.deepStrictEqual(
      newDossierViolations({
        firstName: "Camille",
        lastName: "Martin",
        email: "camille.martin@example.fr",
        serviceId: "0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b"
      }),
      []
    )
  })
})
