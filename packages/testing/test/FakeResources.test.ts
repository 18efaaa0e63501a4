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

/** A resource whose write accepts any text where its read wants an IRI, as API Platform's relations. */
const tasks: Resource.Definition = {
  collection: "/api/tasks",
  item: "/api/tasks/{id}",
  type: "Task",
  operations: ["list", "get", "create"],
  query: ["order[rank]"],
  read: Schema.StructWithRest(
    Schema.Struct({
      "@id": Schema.String,
      "@type": Schema.String,
      owner: Schema.optionalKey(Schema.String.check(Schema.isStartingWith("/api/"))),
      rank: Schema.optionalKey(Schema.Number)
    }),
    [Schema.Record(Schema.String, Schema.Unknown)]
  ),
  create: Schema.Struct({ owner: Schema.String })
}

describe("FakeTeo resources", () => {
  it("refuses a write it could not read back (400), orders either case, ignores an undeclared itemsPerPage", () =>
    withFake({ resources: [{ definition: tasks, items: 40 }] }, async (fake, headers) => {
      const post = (owner: string) =>
        fetch(`${fake.apiUrl}/tasks`, {
          method: "POST",
          headers: { ...headers, "Content-Type": "application/ld+json" },
          body: JSON.stringify({ owner })
        })
      const refused = await post("Paris")
      assert.strictEqual(refused.status, 400)
      assert.include(((await refused.json()) as { "hydra:description": string })["hydra:description"], "owner")
      assert.strictEqual((await post("/api/users/1")).status, 201)
      const page = async (query: string) =>
        (await (await fetch(`${fake.apiUrl}/tasks?${query}`, { headers })).json()) as {
          "hydra:member": ReadonlyArray<{ rank: number }>
          "hydra:totalItems": number
        }
      // The document declares no itemsPerPage: API Platform's default, 30 a page, whatever is asked.
      assert.strictEqual((await page("itemsPerPage=5"))["hydra:member"].length, 30)
      assert.strictEqual((await page("page=2&page=1"))["hydra:member"].length, 30)
      const ranks = (await page("order[rank]=DESC"))["hydra:member"].map((task) => task.rank)
      assert.deepStrictEqual(
        ranks,
        [...ranks].sort((a, b) => b - a)
      )
      assert.strictEqual((await page(""))["hydra:totalItems"], 41)
      const logged = fake.requests().filter((request) => request.path.includes("itemsPerPage=5"))
      assert.deepStrictEqual(logged[0]?.ignored, ["itemsPerPage"])
    }))

  it("serves ids as long as 1000 characters, encoded", () =>
    withFake(
      { resources: [{ definition: notes, items: [{ "@id": `/api/notes/${"a".repeat(300)}`, text: "long" }] }] },
      async (fake, headers) => {
        const answer = await fetch(`${fake.apiUrl}/notes/${"a".repeat(300)}`, { headers })
        assert.strictEqual(answer.status, 200)
      }
    ))

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
      assert.strictEqual((await patch("text/plain; x=application/merge-patch+json")).status, 415)
      const patched = await patch("application/merge-patch+json")
      assert.strictEqual(((await patched.json()) as { text: string }).text, "bye")
      // Deeper than PHP's json_decode reads: its syntax error, and the collection stays readable.
      assert.strictEqual((await post(`{"text":"x","kind":${"[".repeat(600)}${"]".repeat(600)}}`)).status, 400)
      assert.strictEqual((await fetch(`${fake.apiUrl}/notes`, { headers })).status, 200)
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
      "FakeTeo cannot serve /notes: a collection is a path under /api without parameters (letters, digits, . _ ~ - between slashes)"
    )
    for (const collection of ["/api/:x", "/api/*", "/api/a b"]) {
      assert.include(await refusal([{ ...notes, collection, item: `${collection}/{id}` }]), "a collection is a path")
    }
    for (const collection of ["/api/docs", "/api/contexts", "/api/production/agenda"]) {
      assert.include(
        await refusal([{ ...notes, collection, item: `${collection}/{id}` }]),
        "FakeTeo serves that path itself"
      )
    }
    assert.include(
      await refusal([(({ create: _create, ...rest }) => rest)(notes)]),
      "it declares create without the Schema of its body"
    )
    const given = async (items: ReadonlyArray<Record<string, unknown>> | number) => {
      try {
        await (await FakeTeo.start({ resources: [{ definition: notes, items }] })).close()
        return undefined
      } catch (error) {
        return error instanceof FakeTeoResourceError ? error.message : String(error)
      }
    }
    assert.include(await given([{ "@id": "/api/notes/%E0" }]), "is not valid percent-encoding")
    assert.include(await given([{ "@id": "/api/notes/x" }, { "@id": "/api/notes/x" }]), 'item 1\'s id "x" is taken')
    assert.include(await given([{ "@id": `/api/notes/${"é".repeat(200)}` }]), "is over 1000 characters")
    assert.include(await given(1e9), "items is a count from 0 to 100000")
    const Odd: Resource.Definition = {
      ...notes,
      read: Schema.Struct({ "@id": Schema.String, code: Schema.String.check(Schema.isPattern(/^Z{9}$/)) })
    }
    try {
      await (await FakeTeo.start({ resources: [Odd] })).close()
      assert.fail("a Schema the seeder cannot satisfy is refused")
    } catch (error) {
      assert.include(String(error instanceof Error ? error.message : error), "its read Schema cannot be seeded (code:")
      assert.include(String(error instanceof Error ? error.message : error), "give its items")
    }
    assert.strictEqual(
      await refusal([{ ...notes, item: "/api/notes/{id}/text" }]),
      'FakeTeo cannot serve /api/notes: its items are not at /api/notes/{id} ("/api/notes/{id}/text")'
    )
    assert.strictEqual(await refusal([notes, notes]), "FakeTeo cannot serve /api/notes: it is given twice")
    // téo's own resources are FakeTeo's: a definition of them changes nothing.
    assert.isUndefined(await refusal([{ ...notes, collection: "/api/production/dossiers", item: "/x" }]))
  })
})
