/**
 * The schemas on their own: Hydra collections in both key styles, error
 * bodies in every style, and a property: arbitrary JSON never makes a decoder
 * throw — it gives a value or a typed error.
 */
import { assert, describe, it } from "@effect/vitest"
import { Dossier, decodeHydraError, HydraCollection, JsonLdResource } from "@teo-effect/api"
import { Cause, Effect, Exit, Schema } from "effect"

const Collection = HydraCollection(JsonLdResource)
const decodeCollection = Schema.decodeUnknownEffect(Collection)

const item = { "@id": "/api/things/1", "@type": "Thing" }

describe("HydraCollection", () => {
  it.effect("decodes the hydra: keys and the unprefixed ones to the same shape", () =>
    Effect.gen(function* () {
      const prefixed = yield* decodeCollection({
        "hydra:member": [item],
        "hydra:totalItems": 31,
        "hydra:view": {
          "@id": "/api/things?page=1",
          "hydra:first": "/api/things?page=1",
          "hydra:last": "/api/things?page=2",
          "hydra:next": "/api/things?page=2"
        }
      })
      const unprefixed = yield* decodeCollection({
        member: [item],
        totalItems: 31,
        view: {
          "@id": "/api/things?page=1",
          first: "/api/things?page=1",
          last: "/api/things?page=2",
          next: "/api/things?page=2"
        }
      })
      assert.deepStrictEqual(prefixed, unprefixed)
      assert.strictEqual(prefixed.view?.next, "/api/things?page=2")
      assert.strictEqual(prefixed.totalItems, 31)
    })
  )

  it.effect("accepts a last page without next, and a collection without view or count", () =>
    Effect.gen(function* () {
      const last = yield* decodeCollection({ "hydra:member": [], "hydra:view": { "@id": "/api/things?page=2" } })
      assert.isUndefined(last.view?.next)
      const bare = yield* decodeCollection({ member: [item] })
      assert.lengthOf(bare.member, 1)
    })
  )

  it.effect("names the failing key as it was sent", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decodeCollection({ "hydra:member": [item, { "@type": "Thing" }] }))
      assert.include(error.message, `["hydra:member"][1]["@id"]`)
      const unprefixed = yield* Effect.flip(decodeCollection({ member: [item, { "@type": "Thing" }] }))
      assert.include(unprefixed.message, `["member"][1]["@id"]`)
    })
  )
})

describe("HydraError", () => {
  it("reads each field on its own: a null title, or a bad violation, loses only itself", () => {
    assert.deepStrictEqual(
      decodeHydraError(JSON.stringify({ "hydra:title": null, "hydra:description": "Expired token" })),
      { description: "Expired token", violations: [] }
    )
    const mixed = decodeHydraError(
      JSON.stringify({
        detail: 42,
        "hydra:description": "Invalid",
        violations: [{ propertyPath: "email", message: "Cette valeur n'est pas valide." }, { propertyPath: 3 }]
      })
    )
    assert.strictEqual(mixed.description, "Invalid")
    assert.deepStrictEqual(
      mixed.violations.map((violation) => violation.propertyPath),
      ["email"]
    )
    assert.deepStrictEqual(decodeHydraError("<html>"), { violations: [] })
    // Any JSON that is not an object at the top is no error body, not a defect.
    for (const body of ["[1]", '"text"', "null", "42", '[{"hydra:title":"x"}]', ""]) {
      assert.deepStrictEqual(decodeHydraError(body), { violations: [] }, body)
    }
  })

  it("reads Hydra, RFC 7807 and JWT error bodies", () => {
    assert.deepStrictEqual(
      decodeHydraError(JSON.stringify({ "hydra:title": "An error occurred", "hydra:description": "Not Found" })),
      { title: "An error occurred", description: "Not Found", violations: [] }
    )
    assert.deepStrictEqual(decodeHydraError(JSON.stringify({ title: "Not Found", detail: "Dossier introuvable" })), {
      title: "Not Found",
      description: "Dossier introuvable",
      violations: []
    })
    assert.deepStrictEqual(decodeHydraError(JSON.stringify({ code: 401, message: "Expired JWT Token" })), {
      description: "Expired JWT Token",
      violations: []
    })
    const withViolations = decodeHydraError(
      JSON.stringify({ violations: [{ propertyPath: "email", message: "Cette valeur n'est pas valide.", code: "x" }] })
    )
    assert.strictEqual(withViolations.violations[0]?.propertyPath, "email")
    assert.strictEqual(withViolations.violations[0]?.code, "x")
  })

  it("gives an empty error for anything else", () => {
    for (const body of ["", "<html>", "null", "[]", `{"hydra:title": 12}`, `{"violations": "no"}`]) {
      assert.deepStrictEqual(decodeHydraError(body), { violations: [] })
    }
  })
})

/** Only a typed failure or a success: no defect, no interruption. */
const isValueOrTypedError = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isSuccess(exit) || (Cause.hasFails(exit.cause) && !Cause.hasDies(exit.cause))

describe("decoding arbitrary JSON", () => {
  it.effect.prop("a Hydra collection of dossiers: a value or a typed error, never a defect", [Schema.Json], ([json]) =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(Schema.decodeUnknownEffect(HydraCollection(Dossier))(json))
      assert.isTrue(isValueOrTypedError(exit))
    })
  )

  it.effect.prop(
    "a Hydra collection whose member is arbitrary: a value or a typed error",
    [Schema.Array(Schema.Json)],
    ([members]) =>
      Effect.gen(function* () {
        const exit = yield* Effect.exit(
          Schema.decodeUnknownEffect(HydraCollection(Dossier))({ "hydra:member": members, "hydra:view": members[0] })
        )
        assert.isTrue(isValueOrTypedError(exit))
      })
  )

  const isViolationLike = (value: unknown) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as Record<string, unknown>).propertyPath === "string" &&
    typeof (value as Record<string, unknown>).message === "string"

  it.prop(
    "an error body, field by field: each readable field is kept whatever the others hold, each unreadable one dropped",
    [
      Schema.Json,
      Schema.String,
      Schema.Array(Schema.Struct({ propertyPath: Schema.String, message: Schema.String })),
      Schema.Array(Schema.Json)
    ],
    ([title, description, violations, junk]) => {
      const mixed = [...junk.filter((value) => !isViolationLike(value)), ...violations]
      const decoded = decodeHydraError(
        JSON.stringify({ "hydra:title": title, "hydra:description": description, violations: mixed })
      )
      assert.strictEqual(decoded.title, typeof title === "string" ? title : undefined)
      assert.strictEqual(decoded.description, description)
      assert.deepStrictEqual(
        decoded.violations.map((violation) => [violation.propertyPath, violation.message]),
        violations.map((violation) => [violation.propertyPath, violation.message])
      )
    }
  )

  it.prop(
    "RFC 7807 bodies likewise: detail is the description when hydra's is unreadable",
    [Schema.Json, Schema.String],
    ([junk, detail]) => {
      const decoded = decodeHydraError(
        JSON.stringify({ "hydra:description": typeof junk === "string" ? null : junk, title: 1, detail })
      )
      assert.strictEqual(decoded.description, detail)
      assert.isUndefined(decoded.title)
    }
  )
})
