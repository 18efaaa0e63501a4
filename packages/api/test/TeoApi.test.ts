/**
 * What every request to téo carries, where it goes, and the entrypoint —
 * over real HTTP on loopback, with the real AccessToken.
 */
import { assert, describe, it } from "@effect/vitest"
import { JsonLdResource, Resource, TeoApi, type TeoApiOptions, UnexpectedResponse } from "@teo-effect/api"
import { AccessToken, TeoCredentials } from "@teo-effect/auth"
import { Config, ConfigProvider, Effect, Layer, Redacted, Schema } from "effect"
import { FetchHttpClient, type HttpClient } from "effect/http"
import { dossier, ldJson, makeApiHarness, reasonOf, uuid } from "./utils/harness.js"

describe("requests", () => {
  it.effect("GET carries the bearer token and Accept: application/ld+json", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () => ldJson(200, dossier(1))
      yield* harness.teoApi.get(`/production/dossiers/${uuid(1)}`, JsonLdResource)
      const [request] = harness.apiRequests()
      assert.strictEqual(request?.method, "GET")
      assert.strictEqual(request?.url, `/api/production/dossiers/${uuid(1)}`)
      assert.strictEqual(request?.headers.authorization, "Bearer token-1")
      assert.strictEqual(request?.headers.accept, "application/ld+json")
    })
  )

  it.effect("POST sends JSON-LD, PATCH a merge patch, DELETE nothing", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = (request) => (request.method === "DELETE" ? { status: 204 } : ldJson(201, dossier(1)))
      yield* harness.teoApi.create("/production/dossiers", { lastName: "Martin" }, JsonLdResource)
      yield* harness.teoApi.update(`/production/dossiers/${uuid(1)}`, { phone: null }, JsonLdResource)
      yield* harness.teoApi.remove(`/production/dossiers/${uuid(1)}`)
      const [post, patch, del] = harness.apiRequests()
      assert.strictEqual(post?.method, "POST")
      assert.strictEqual(post?.headers["content-type"], "application/ld+json")
      assert.deepStrictEqual(JSON.parse(post?.body ?? ""), { lastName: "Martin" })
      assert.strictEqual(patch?.method, "PATCH")
      assert.strictEqual(patch?.headers["content-type"], "application/merge-patch+json")
      assert.deepStrictEqual(JSON.parse(patch?.body ?? ""), { phone: null })
      assert.strictEqual(del?.method, "DELETE")
      assert.strictEqual(del?.body, "")
      for (const request of [post, patch, del]) assert.strictEqual(request?.headers.authorization, "Bearer token-1")
      assert.lengthOf(harness.tokenRequests(), 1, "one token for all calls")
    })
  )

  it.effect("takes paths from the base URL and IRIs from the origin", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () => ldJson(200, dossier(1))
      yield* harness.teoApi.get("/production/dossiers", Schema.Unknown)
      yield* harness.teoApi.get(`/api/production/dossiers/${uuid(2)}`, Schema.Unknown)
      yield* harness.teoApi.get(`${harness.origin}/api/production/dossiers/${uuid(3)}`, Schema.Unknown)
      assert.deepStrictEqual(
        harness.apiRequests().map((request) => request.url),
        ["/api/production/dossiers", `/api/production/dossiers/${uuid(2)}`, `/api/production/dossiers/${uuid(3)}`]
      )
    })
  )

  it.effect("passes query parameters through, arrays as repeated keys", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () => ldJson(200, { "hydra:member": [] })
      yield* harness.teoApi.page("/production/dossiers", JsonLdResource, {
        page: 2,
        itemsPerPage: 50,
        "status[]": ["En cours", "Terminé"],
        archived: false
      })
      const url = new URL(harness.apiRequests()[0]?.url ?? "", harness.origin)
      assert.strictEqual(url.searchParams.get("page"), "2")
      assert.strictEqual(url.searchParams.get("itemsPerPage"), "50")
      assert.deepStrictEqual(url.searchParams.getAll("status[]"), ["En cours", "Terminé"])
      assert.strictEqual(url.searchParams.get("archived"), "false")
    })
  )

  it.effect("keeps the query already in a path and adds the given one", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () => ldJson(200, { "hydra:member": [] })
      yield* harness.teoApi.page("/production/dossiers?status=Termin%C3%A9", JsonLdResource, { page: 3 })
      const url = new URL(harness.apiRequests()[0]?.url ?? "", harness.origin)
      assert.strictEqual(url.searchParams.get("status"), "Terminé")
      assert.strictEqual(url.searchParams.get("page"), "3")
    })
  )

  it.effect("refuses to send the token to another origin", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      const error = yield* Effect.flip(harness.teoApi.get("https://elsewhere.example/api/x", Schema.Unknown))
      const reason = reasonOf(error, UnexpectedResponse)
      assert.strictEqual(reason.status, 0)
      assert.isFalse(reason.mayHaveActed, "nothing was sent")
      assert.include(error.message, "refusing to send the téo token")
      assert.lengthOf(harness.apiRequests(), 0)
      assert.lengthOf(harness.tokenRequests(), 0)
    })
  )

  it.effect("refuses a path segment of encoded dots, as Resource.target writes an id `.` or `..`", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      for (const id of ["..", "."]) {
        const target = Resource.target("/jobs/{id}", id)
        const error = yield* Effect.flip(harness.teoApi.get(target, Schema.Unknown))
        assert.strictEqual(reasonOf(error, UnexpectedResponse).status, 0)
        assert.include(error.message, "encoded dots")
      }
      const refused = yield* Effect.flip(harness.teoApi.get("/production/.%2e/x", Schema.Unknown))
      assert.include(refused.message, "encoded dots")
      assert.lengthOf(harness.apiRequests(), 0)
      // `%252E` is an id holding "%2E": a segment like any other.
      harness.api = () => ldJson(200, { ok: true })
      yield* harness.teoApi.get(Resource.target("/jobs/{id}", "%2E"), Schema.Unknown)
      assert.lengthOf(harness.apiRequests(), 1)
    })
  )
})

describe("entrypoint", () => {
  it.effect("lists the collections of GET /api", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () =>
        ldJson(200, {
          "@context": "/api/contexts/Entrypoint",
          "@id": "/api",
          "@type": "Entrypoint",
          dossier: "/api/production/dossiers",
          prestation: "/api/production/prestations",
          version: 3
        })
      const collections = yield* harness.teoApi.entrypoint
      assert.deepStrictEqual<Record<string, string>>(collections, {
        dossier: "/api/production/dossiers",
        prestation: "/api/production/prestations"
      })
      assert.strictEqual(harness.apiRequests()[0]?.url, "/api")
    })
  )
})

describe("configuration", () => {
  /** Builds `layer` on real dependencies; the options are checked before any of them is used. */
  const buildError = (layer: Layer.Layer<TeoApi, Config.ConfigError, AccessToken | HttpClient.HttpClient>) =>
    Effect.flip(
      Layer.build(
        layer.pipe(
          Layer.provide(AccessToken.layer()),
          Layer.provide(
            TeoCredentials.layer({
              clientId: "acme-integration",
              clientSecret: Redacted.make("unused"),
              teoId: "acme-formation",
              tokenUrl: "http://127.0.0.1:9/oauth2/token"
            })
          ),
          Layer.provide(FetchHttpClient.layer)
        )
      ).pipe(Effect.scoped)
    )

  it.effect("reads TEO_API_URL, which must be an absolute http(s) URL", () =>
    Effect.gen(function* () {
      const error = yield* buildError(TeoApi.layerConfig()).pipe(
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: { TEO_API_URL: "teoapp.fr/api" } })))
      )
      assert.instanceOf(error, Config.ConfigError)
      assert.include(error.message, `["TEO_API_URL"]`)
    })
  )

  it.effect.each<[string, TeoApiOptions, string]>([
    ["a zero timeout", { timeout: 0 }, "timeout"],
    ["negative retries", { retry: { times: -1 } }, "times"],
    ["a base URL with a query", { baseUrl: "https://teoapp.fr/api?x=1" }, "baseUrl"],
    ["a negative prefetch", { prefetch: -1 }, "prefetch"],
    ["plain http to another host", { baseUrl: "http://teoapp.example/api" }, "baseUrl"]
  ])("%s fails with a ConfigError naming the option", ([, options, name]) =>
    Effect.gen(function* () {
      const error = yield* buildError(TeoApi.layer(options))
      assert.instanceOf(error, Config.ConfigError)
      assert.include(error.message, `"${name}"`)
    })
  )
})
