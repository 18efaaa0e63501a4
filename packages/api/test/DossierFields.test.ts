/**
 * The fast check of a dossier's known fields accepts only what their Schema
 * accepts, and accepts the dossiers téo sends — so the fast path can never
 * let through what the Schema would refuse.
 */
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { KnownFields, surelyValid } from "../src/internal/DossierFields.js"
import { dossier } from "./utils/harness.js"

const isKnown = Schema.is(KnownFields)

/** A value a known field may hold, or not: biased towards what téo sends. */
const FieldValue = Schema.Union([Schema.String, Schema.Null, Schema.Number, Schema.Json])

/** Objects shaped like dossiers, every known field of any of those values or absent. */
const DossierLike = Schema.Struct({
  "@id": Schema.Union([
    Schema.Literals(["/api/production/dossiers/1", "https://teoapp.fr/x", "x", "http:/x"]),
    Schema.Json
  ]),
  "@type": Schema.Union([Schema.Literal("Dossier"), Schema.Json]),
  firstName: Schema.optionalKey(FieldValue),
  email: Schema.optionalKey(FieldValue),
  number: Schema.optionalKey(FieldValue),
  service: Schema.optionalKey(
    Schema.Union([
      Schema.Literals(["/api/prestations/1", "nope"]),
      Schema.Record(Schema.String, Schema.Json),
      FieldValue
    ])
  ),
  endDate: Schema.optionalKey(FieldValue),
  seances: Schema.optionalKey(Schema.Json)
})

describe("surelyValid", () => {
  it.prop(
    "accepts only what the known fields' Schema accepts",
    [DossierLike],
    ([input]) => {
      if (surelyValid(input)) assert.isTrue(isKnown(input), JSON.stringify(input))
    },
    { arbitrary: { runs: 2000 } }
  )

  it.prop("on any JSON value at all", [Schema.Json], ([input]) => {
    if (surelyValid(input)) assert.isTrue(isKnown(input), JSON.stringify(input))
  })

  it("accepts the dossiers téo sends, nulls, numbers and embedded relations included", () => {
    const samples = [
      dossier(1),
      dossier(2, { number: 42, phone: null, service: "/api/production/prestations/7" }),
      dossier(3, { service: { "@id": "/api/production/prestations/7", name: "Bilan" }, seances: [1, 2] })
    ]
    for (const sample of samples) {
      assert.isTrue(surelyValid(sample), JSON.stringify(sample))
      assert.isTrue(isKnown(sample))
    }
  })

  it("says no to what the Schema refuses, so that the Schema can say why", () => {
    for (const input of [
      { ...dossier(1), email: 3 },
      { ...dossier(1), "@id": "not an IRI" },
      { ...dossier(1), service: ["/api/x"] },
      { ...dossier(1), lastName: undefined },
      [dossier(1)]
    ]) {
      assert.isFalse(surelyValid(input), JSON.stringify(input))
      assert.isFalse(isKnown(input))
    }
  })
})
