/**
 * `teo generate` as a library: the modules of three documents (API Platform's
 * 3.2 demo, a document in API Platform 4's shape, téo's two known resources)
 * are the ones kept in `generated/` — which `tsc -b` type-checks under
 * `strict` and `exactOptionalPropertyTypes` — and the same document gives the
 * same files; the generated Schemas read answers such applications really
 * sent; the generated services call téo over a real socket (FakeTeo); a
 * broken document fails naming the place.
 */
import { readdirSync, readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { HydraCollection } from "@teo-effect/api"
import { TeoTest } from "@teo-effect/testing"
import { Effect, Layer, Schema, Stream } from "effect"
import { Generate } from "../../src/index.js"
import * as Jobs4 from "./generated/api-platform-4/index.js"
import * as Demo from "./generated/demo-3.2/index.js"
import * as Teo from "./generated/teo/index.js"

const here = new URL(".", import.meta.url).pathname
const fixtures = readdirSync(`${here}fixtures`)
  .filter((file) => file.endsWith(".openapi.json"))
  .map((file) => file.slice(0, -".openapi.json".length))
  .sort()

const documentOf = (name: string): unknown => JSON.parse(readFileSync(`${here}fixtures/${name}.openapi.json`, "utf8"))
const answer = (file: string): unknown => JSON.parse(readFileSync(`${here}fixtures/answers/${file}`, "utf8"))

const failureOf = (document: unknown) =>
  Effect.flip(Generate.generate(document, { source: "doc.json" })).pipe(Effect.map((error) => error.message))

describe("Generate", () => {
  it("is tested on the three committed documents", () => {
    assert.deepStrictEqual(fixtures, ["api-platform-4", "demo-3.2", "teo"])
  })

  for (const name of fixtures) {
    it.effect(`${name}: gives the modules kept in generated/${name} (regenerate.ts writes them), the same twice`, () =>
      Effect.gen(function* () {
        const document = documentOf(name)
        const first = yield* Generate.generate(document, { source: name, name })
        const second = yield* Generate.generate(structuredClone(document), { source: "elsewhere", name })
        assert.deepStrictEqual(second, first)
        const kept = readdirSync(`${here}generated/${name}`).sort()
        assert.deepStrictEqual(
          first.map((file) => file.path),
          kept
        )
        for (const file of first) {
          assert.strictEqual(file.contents, readFileSync(`${here}generated/${name}/${file.path}`, "utf8"), file.path)
        }
      })
    )
  }

  it.effect("one service per collection path, named after it, with only the operations the document has", () =>
    Effect.gen(function* () {
      const files = yield* Generate.generate(documentOf("demo-3.2"), { source: "demo" })
      assert.deepStrictEqual(
        files.map((file) => file.path),
        [
          "AdminBooks.ts",
          "AdminReviews.ts",
          "AdminUsers.ts",
          "Bookmarks.ts",
          "Books.ts",
          "BooksReviews.ts",
          "Parchments.ts",
          "Users.ts",
          "index.ts",
          "schemas.ts"
        ]
      )
      const books = files.find((file) => file.path === "Books.ts")?.contents ?? ""
      assert.include(books, "readonly list:")
      assert.include(books, "readonly get:")
      assert.notInclude(books, "readonly create:")
      assert.include(books, '"@teo-effect/generated/api-platform-s-demo/Books"')
      const parchments = files.find((file) => file.path === "Parchments.ts")?.contents ?? ""
      for (const method of ["list", "pages", "page", "get", "create", "replace", "update", "remove"]) {
        assert.include(parchments, `readonly ${method}:`)
      }
    })
  )

  it("reads the demo's answers as it sent them: @type as an array, embedded relations, unknown fields kept", () => {
    const book = Schema.decodeUnknownSync(Demo.AdminBooksItem)(answer("demo-3.2-admin-book.json"))
    assert.deepStrictEqual(book["@type"], ["https://schema.org/Book", "https://schema.org/Offer"])
    assert.strictEqual(book.title, "Hyperion")
    const reviews = Schema.decodeUnknownSync(HydraCollection(Demo.AdminReviewsItem))(
      answer("demo-3.2-admin-reviews.json")
    )
    assert.strictEqual(reviews.totalItems, 536)
    assert.isAbove(reviews.member.length, 0)
    const user = reviews.member[0]?.user
    assert.strictEqual(typeof user === "object" && user !== null ? user.name : undefined, "John Doe")
    const books = Schema.decodeUnknownSync(HydraCollection(Demo.AdminBooksItem))(answer("demo-3.2-admin-books.json"))
    assert.isAbove(books.member.length, 0)
  })

  it("reads API Platform 4's unprefixed collections, and keeps a field the document does not list", () => {
    const page = Schema.decodeUnknownSync(HydraCollection(Jobs4.JobsItem))(answer("api-platform-4-jobs.json"))
    assert.strictEqual(page.totalItems, 3)
    assert.strictEqual(page.view?.next, "/api/jobs?page=2")
    assert.deepStrictEqual(
      page.member.map((job) => job["@type"]),
      ["Job", ["Job", "https://schema.org/Action"]]
    )
    assert.strictEqual(page.member[0]?.createdAt, "2026-12-01T10:00:00+00:00")
    assert.isNull(page.member[1]?.assignedTo)
  })

  it("requires on reads only @id and @type, and says which is missing", () => {
    const decode = Schema.decodeUnknownResult(Jobs4.JobsItem)
    assert.isTrue(decode({ "@id": "/api/jobs/1", "@type": "Job" })._tag === "Success")
    const failed = decode({ "@type": "Job", title: "x" })
    assert.strictEqual(failed._tag, "Failure")
    assert.include(String(failed._tag === "Failure" ? failed.failure : ""), "@id")
    // A field the document declares, of another type, is refused and named.
    const wrong = decode({ "@id": "/api/jobs/1", "@type": "Job", title: 42 })
    assert.include(String(wrong._tag === "Failure" ? wrong.failure : ""), "title")
  })

  it("a recursive schema decodes nested values", () => {
    const location = Schema.decodeUnknownSync(Jobs4.LocationsItem)({
      "@id": "/api/locations/2",
      "@type": "Location",
      parent: { "@id": "/api/locations/1", "@type": "Location", parent: null }
    })
    assert.deepStrictEqual(location.parent, { "@id": "/api/locations/1", "@type": "Location", parent: null })
  })

  it("writes require what the document requires, and leave out read-only fields", () => {
    const write = Schema.decodeUnknownResult(Jobs4.JobsCreate)
    assert.strictEqual(write({ title: "t", location: "/api/locations/1" })._tag, "Success")
    const missing = write({ title: "t" })
    assert.include(String(missing._tag === "Failure" ? missing.failure : ""), "location")
    // A merge patch needs nothing.
    assert.strictEqual(Schema.decodeUnknownResult(Jobs4.JobsUpdate)({})._tag, "Success")
  })

  it.effect("the generated téo services call FakeTeo over a real socket: list, page, get, create", () =>
    Effect.gen(function* () {
      const dossiers = yield* Teo.Dossiers
      const all = yield* Stream.runCollect(dossiers.list())
      assert.strictEqual(all.length, 95)
      const page = yield* dossiers.page({ page: 2 })
      assert.strictEqual(page.member.length, 30)
      assert.strictEqual(page.totalItems, 95)
      const first = all[0]
      assert.isDefined(first)
      const byIri = yield* dossiers.get(first?.["@id"] ?? "")
      const byId = yield* dossiers.get((first?.["@id"] ?? "").split("/").at(-1) ?? "")
      assert.deepStrictEqual(byIri, byId)
      const prestations = yield* Stream.runCollect((yield* Teo.Prestations).list())
      const serviceId = (prestations[0]?.["@id"] ?? "").split("/").at(-1) ?? ""
      const created = yield* dossiers.create({
        firstName: "Camille",
        lastName: "Martin",
        email: "camille.martin@example.fr",
        serviceId
      })
      assert.strictEqual(created.lastName, "Martin")
      const missing = yield* Effect.flip(dossiers.get("00000000-0000-4000-8000-000000000000"))
      assert.strictEqual(missing._tag === "TeoApiError" ? missing.reason._tag : missing._tag, "NotFound")
    }).pipe(Effect.provide(Teo.layer.pipe(Layer.provideMerge(TeoTest.layer()))))
  )

  it.effect("imports: ts writes the modules' imports of one another with .ts, and nothing else changes", () =>
    Effect.gen(function* () {
      const js = yield* Generate.generate(documentOf("teo"), { source: "teo.json", name: "teo" })
      const ts = yield* Generate.generate(documentOf("teo"), { source: "teo.json", name: "teo", imports: "ts" })
      for (const [index, file] of js.entries()) {
        assert.strictEqual(ts[index]?.contents, file.contents.replace(/from "(\.\/[\w]+)\.js"/g, 'from "$1.ts"'))
      }
      assert.include(ts.find((file) => file.path === "index.ts")?.contents, 'export * from "./Dossiers.ts"')
    })
  )

  it.effect("a broken or foreign document fails naming the place", () =>
    Effect.gen(function* () {
      assert.strictEqual(
        yield* failureOf([]),
        "doc.json at #: an OpenAPI document is a JSON or YAML object, this is an array"
      )
      assert.include(yield* failureOf({ swagger: "2.0", paths: {} }), "doc.json at #/swagger: this is a Swagger 2.0")
      assert.strictEqual(
        yield* failureOf({ openapi: "2.1", paths: {} }),
        'doc.json at #/openapi: expected an OpenAPI version 3.x, got "2.1"'
      )
      assert.strictEqual(
        yield* failureOf({ openapi: "3.1.0" }),
        "doc.json at #/paths: expected the paths as an object, got undefined"
      )
      assert.include(
        yield* failureOf({
          openapi: "3.1.0",
          paths: { "/pets": { get: { responses: { "200": { content: { "application/json": { schema: {} } } } } } } }
        }),
        "doc.json at #/paths: no operation answers application/ld+json: not an API Platform document"
      )
      const broken = structuredClone(documentOf("api-platform-4"))
      assert.isTrue(typeof broken === "object" && broken !== null)
      const ref = { $ref: "#/components/schemas/Nowhere" }
      Object.assign(
        Object(Object(Object(Object(Object(broken).paths)["/api/jobs/{id}"]).get).responses)["200"].content[
          "application/ld+json"
        ],
        { schema: ref }
      )
      assert.strictEqual(
        yield* failureOf(broken),
        "doc.json at #/paths/~1api~1jobs~1{id}/get/responses/200/content/application~1ld+json/schema/$ref: #/components/schemas/Nowhere is not in the document"
      )
      const badType = structuredClone(documentOf("api-platform-4"))
      Object(Object(Object(badType).components).schemas)["Location.jsonld"].allOf[1].properties.name.type = 7
      assert.strictEqual(
        yield* failureOf(badType),
        "doc.json at #/components/schemas/Location.jsonld/allOf/1/properties/name/type: a type is a name (string, number, integer, boolean, array, object, null); got 7"
      )
    })
  )

  it.effect("a hostile title stays in the comment, and a property every object has is refused, named", () =>
    Effect.gen(function* () {
      const hostile = structuredClone(documentOf("teo"))
      Object.assign(Object(Object(hostile).info), {
        title: "x */ export const pwn = 1 /*\n",
        version: '1 */ import "evil" /*'
      })
      const files = yield* Generate.generate(hostile, { source: "hostile.json", name: "teo" })
      for (const file of files) {
        const header = file.contents.slice(0, file.contents.indexOf(" */\n") + 4)
        assert.notInclude(header.slice(3, -4), "*/", file.path)
        assert.notInclude(file.contents, "\nexport const pwn")
      }
      // A path is text from the document too: in every comment it is written into.
      const paths = Object(Object(structuredClone(documentOf("teo"))).paths)
      const evil = "/api/x*/ export const pwn = 1 /*"
      const renamed = {
        ...(structuredClone(documentOf("teo")) as object),
        paths: Object.fromEntries(
          Object.entries(paths).map(([path, item]) => [path.replace("/api/production/prestations", evil), item])
        )
      }
      const generated = yield* Generate.generate(renamed, { source: "hostile.json", name: "teo" })
      for (const file of generated) {
        // Only in string literals; in comments as `*\/`.
        for (const line of file.contents.split("\n").filter((text) => text.includes("*/ export const pwn"))) {
          assert.include(line, `"${evil}`, `${file.path}: ${line}`)
        }
      }
      assert.include(generated.find((file) => file.path === "Unnamed.ts")?.contents, "`GET /api/x*\\/ export const pwn")
      for (const key of ["constructor", "__proto__", "toString"]) {
        const document = structuredClone(documentOf("teo"))
        const schemas = Object(Object(Object(document).components).schemas)
        schemas["Prestation.jsonld-prestation.read"].properties = JSON.parse(
          `{${JSON.stringify(key)}: {"type": "string"}}`
        )
        assert.strictEqual(
          yield* failureOf(document),
          `doc.json at #/components/schemas/Prestation.jsonld-prestation.read/properties/${key}: a property named ${JSON.stringify(key)} (a name every JavaScript object has) cannot be read safely`
        )
      }
    })
  )

  it.effect("parses JSON and YAML, and names the line of a broken one", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* Generate.parse("openapi: 3.1.0\npaths: {}\n", "a.yaml"), {
        openapi: "3.1.0",
        paths: {}
      })
      const json = yield* Effect.flip(Generate.parse('{"openapi": ', "a.json"))
      assert.match(json.message, /^a\.json at #: not JSON or YAML: /)
      const yaml = yield* Effect.flip(Generate.parse("openapi: 3.1.0\npaths: [\n", "a.yaml"))
      assert.match(yaml.message, /line \d+/)
    })
  )
})
