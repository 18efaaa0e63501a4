/**
 * FakeTeo serving a resource from its definition, on the wire: what API
 * Platform answers to a write of the wrong type or shape, to a method the
 * document does not declare, to a definition it cannot serve; and the
 * OpenAPI document it publishes, without a token.
 */
import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import type { Resource } from "@teo-effect/api"
import { FakeTeo, FakeTeoResourceError, type RunningFakeTeo } from "@teo-effect/testing"
import { Schema } from "effect"

const Note = Schema.StructWithRest(
  Schema.Struct({
    "@id": Schema.String,
    "@type": Schema.String,
    text: Schema.optionalKey(Schema.String),
    pinned: Schema.optionalKey(Schema.Boolean),
    rank: Schema.optionalKey(Schema.NullOr(Schema.Number)),
    kind: Schema.optionalKey(Schema.Literals(["memo", "call"]))
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)

const notes: Resource.Definition = {
  collection: "/api/notes",
  item: "/api/notes/{id}",
  type: "Note",
  operations: ["list", "get", "create", "update"],
  query: ["kind"],
  read: Note,
  create: Schema.Struct({ text: Schema.String, kind: Schema.optionalKey(Schema.Literals(["memo", "call"])) }),
  update: Schema.Struct({ text: Schema.optionalKey(Schema.String) })
}

const withFake = async (
  options: Parameters<typeof FakeTeo.start>[0],
  body: (fake: RunningFakeTeo, headers: Record<string, string>) => Promise<void>
) => {
  const fake = await FakeTeo.start(options)
  try {
    const answer = await fetch(fake.tokenUrl, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `Basic ${Buffer.from("fake-client:fake-secret").toString("base64")}`
      },
      body: "grant_type=client_credentials&scope=target-entity:fake-instance"
    })
    const { access_token } = (await answer.json()) as { access_token: string }
    await body(fake, { Authorization: `Bearer ${access_token}` })
  } finally {
    await fake.close()
  }
}

describe("FakeTeo resources", () => {
  it("seeds every declared field, the same for the same seed, and serves the declared operations only", async () => {
    const itemsOf = async (seed: number) => {
      let items: ReadonlyArray<Record<string, unknown>> = []
      await withFake({ seed, resources: [{ definition: notes, items: 3 }] }, async (fake, headers) => {
        const page = (await (await fetch(`${fake.apiUrl}/notes`, { headers })).json()) as {
          "hydra:member": ReadonlyArray<Record<string, unknown>>
        }
        items = page["hydra:member"]
        const deleted = await fetch(`${fake.url}${String(items[0]?.["@id"])}`, { method: "DELETE", headers })
        assert.strictEqual(deleted.status, 405)
        assert.strictEqual((await fetch(`${fake.apiUrl}/notes`)).status, 401)
      })
      return items
    }
    const items = await itemsOf(7)
    assert.strictEqual(items.length, 3)
    assert.deepStrictEqual(Object.keys(items[0] ?? {}).sort(), ["@id", "@type", "kind", "pinned", "rank", "text"])
    assert.strictEqual(items[0]?.text, "Text 1")
    assert.deepStrictEqual(await itemsOf(7), items)
    assert.notDeepEqual(await itemsOf(8), items)
  })

  it("refuses a write as API Platform does: 415, 400, 422 with the violations", () =>
    withFake({ resources: [notes] }, async (fake, headers) => {
      const post = (body: string, type = "application/ld+json") =>
        fetch(`${fake.apiUrl}/notes`, { method: "POST", headers: { ...headers, "Content-Type": type }, body })
      assert.strictEqual((await post("{}", "text/plain")).status, 415)
      assert.strictEqual((await post("{")).status, 400)
      const refused = await post(JSON.stringify({ text: 3, kind: "fax" }))
      assert.strictEqual(refused.status, 422)
      const { violations } = (await refused.json()) as {
        violations: ReadonlyArray<{ propertyPath: string; message: string }>
      }
      assert.deepStrictEqual(violations.map((violation) => violation.propertyPath).sort(), ["kind", "text"])
      // A field named like a JavaScript object's own (`__proto__`) is data, not a prototype.
      const created = await post('{"text":"hello","__proto__":{"status":500},"status":201}')
      assert.strictEqual(created.status, 201)
      const note = (await created.json()) as Record<string, unknown>
      assert.strictEqual(note.text, "hello")
      assert.strictEqual(note.status, undefined)
      const patch = (type: string) =>
        fetch(`${fake.url}${String(note["@id"])}`, {
          method: "PATCH",
          headers: { ...headers, "Content-Type": type },
          body: JSON.stringify({ text: "bye" })
        })
      assert.strictEqual((await patch("application/ld+json")).status, 415)
      const patched = await patch("application/merge-patch+json")
      assert.strictEqual(((await patched.json()) as { text: string }).text, "bye")
    }))

  it("publishes its OpenAPI document without a token, where API Platform does", () =>
    withFake({}, async (fake) => {
      const expected: unknown = JSON.parse(
        readFileSync(new URL("../openapi/teo.openapi.json", import.meta.url), "utf8")
      )
      for (const path of ["/api/docs.jsonopenapi", "/api/docs"]) {
        const answer = await fetch(`${fake.url}${path}`)
        assert.strictEqual(answer.status, 200)
        assert.match(answer.headers.get("content-type") ?? "", /^application\/vnd\.openapi\+json/)
        assert.deepStrictEqual(await answer.json(), expected)
      }
    }))

  it("cannot serve a definition outside /api, with items elsewhere, or given twice: a typed error", async () => {
    const refusal = async (resources: ReadonlyArray<Resource.Definition>) => {
      try {
        await (await FakeTeo.start({ resources })).close()
        return undefined
      } catch (error) {
        assert.instanceOf(error, FakeTeoResourceError)
        return error instanceof FakeTeoResourceError ? error.message : undefined
      }
    }
    assert.strictEqual(
      await refusal([{ ...notes, collection: "/notes", item: "/notes/{id}" }]),
      "FakeTeo cannot serve /notes: a collection is a path under /api without parameters"
    )
    assert.strictEqual(
      await refusal([{ ...notes, item: "/api/notes/{id}/text" }]),
      'FakeTeo cannot serve /api/notes: its items are not at /api/notes/{id} ("/api/notes/{id}/text")'
    )
    assert.strictEqual(await refusal([notes, notes]), "FakeTeo cannot serve /api/notes: it is given twice")
    // téo's own resources are FakeTeo's: a definition of them changes nothing.
    assert.isUndefined(await refusal([{ ...notes, collection: "/api/production/dossiers", item: "/x" }]))
  })
})
