/**
 * What generated services call: `Resource.target` fills a path template
 * without ever leaving it, `Resource.query` drops unset keys; `@type` may be
 * an array on every resource, dossiers included.
 */
import { assert, describe, it } from "@effect/vitest"
import { Dossier, hasType, JsonLdResource, Resource } from "@teo-effect/api"
import { Schema } from "effect"

describe("Resource", () => {
  it("target fills the template's parameter, one path segment each", () => {
    assert.strictEqual(Resource.target("/books/{id}", "a b/c?d#e"), "/books/a%20b%2Fc%3Fd%23e")
    assert.strictEqual(Resource.target("/books/{id}", ".."), "/books/%2E%2E")
    assert.strictEqual(Resource.target("/books/{id}", "."), "/books/%2E")
    assert.strictEqual(
      Resource.target("/books/{bookId}/reviews/{id}", { bookId: "1", id: "x/y" }),
      "/books/1/reviews/x%2Fy"
    )
  })

  it("target takes an IRI from téo's answers as it is", () => {
    assert.strictEqual(Resource.target("/books/{id}", "/api/books/1"), "/api/books/1")
    assert.strictEqual(Resource.target("/books/{id}", "https://teoapp.fr/api/books/1"), "https://teoapp.fr/api/books/1")
  })

  it("query keeps set values and arrays, drops undefined", () => {
    assert.deepStrictEqual(Resource.query({ page: 2, title: undefined, "status[]": ["a", "b"], pagination: false }), {
      page: 2,
      "status[]": ["a", "b"],
      pagination: false
    })
    assert.isUndefined(Resource.query(undefined))
  })
})

describe("JsonLdType", () => {
  it("a resource's @type may be a string or an array of strings", () => {
    const decode = Schema.decodeUnknownSync(JsonLdResource)
    assert.deepStrictEqual(decode({ "@id": "/api/x/1", "@type": ["Book", "Offer"] })["@type"], ["Book", "Offer"])
    const dossier = Schema.decodeUnknownSync(Dossier)({
      "@id": "/api/production/dossiers/1",
      "@type": ["Dossier", "https://schema.org/Thing"],
      lastName: "Martin"
    })
    assert.isTrue(hasType(dossier, "Dossier"))
    assert.isFalse(hasType(dossier, "Prestation"))
    assert.isTrue(hasType({ "@type": "Dossier" }, "Dossier"))
    assert.throws(() => decode({ "@id": "/api/x/1", "@type": 3 }))
  })
})
