/**
 * Streams over Hydra collections: following `next` in both key styles, the
 * loop guard, the origin guard, and fetching ahead with back-pressure.
 */
import { assert, describe, it } from "@effect/vitest"
import { UnexpectedResponse } from "@teo-effect/api"
import { Effect, Stream } from "effect"
import { type ApiHarness, dossier, ldJson, makeApiHarness, reasonOf } from "./utils/harness.js"

const perPage = 3
const pages = 4

/** Serves `pages` pages of `perPage` dossiers in the given key style, linked by `next`. */
const serveCollection = (harness: ApiHarness, style: "prefixed" | "unprefixed") => {
  harness.api = (request) => {
    const url = new URL(request.url, harness.origin)
    const page = Number(url.searchParams.get("page") ?? "1")
    const members = Array.from({ length: perPage }, (_, i) => dossier((page - 1) * perPage + i + 1))
    const next = page < pages ? `/api/production/dossiers?page=${page + 1}` : undefined
    const view = { "@id": `/api/production/dossiers?page=${page}` }
    return ldJson(
      200,
      style === "prefixed"
        ? {
            "@context": "/api/contexts/Dossier",
            "@id": "/api/production/dossiers",
            "@type": "hydra:Collection",
            "hydra:member": members,
            "hydra:totalItems": perPage * pages,
            "hydra:view": { ...view, "@type": "hydra:PartialCollectionView", ...(next ? { "hydra:next": next } : {}) }
          }
        : {
            "@id": "/api/production/dossiers",
            "@type": "Collection",
            member: members,
            totalItems: perPage * pages,
            view: { ...view, "@type": "PartialCollectionView", ...(next ? { next } : {}) }
          }
    )
  }
}

describe("stream", () => {
  it.effect.each(["prefixed", "unprefixed"] as const)("follows next links over %s pages to the end", (style) =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      serveCollection(harness, style)
      const all = yield* Stream.runCollect(harness.dossiers.list())
      assert.lengthOf(all, perPage * pages)
      assert.deepStrictEqual(
        all.map((item) => item.lastName),
        Array.from({ length: perPage * pages }, (_, i) => `Martin-${i + 1}`)
      )
      assert.deepStrictEqual(
        harness.apiRequests().map((request) => request.url),
        [
          "/api/production/dossiers",
          "/api/production/dossiers?page=2",
          "/api/production/dossiers?page=3",
          "/api/production/dossiers?page=4"
        ]
      )
    })
  )

  it.effect("passes the first query through; later pages come from the next links", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      serveCollection(harness, "prefixed")
      yield* Stream.runCollect(harness.dossiers.list({ itemsPerPage: perPage, status: "En cours" }))
      const [first, second] = harness.apiRequests()
      assert.strictEqual(first?.url, "/api/production/dossiers?itemsPerPage=3&status=En+cours")
      assert.strictEqual(second?.url, "/api/production/dossiers?page=2")
    })
  )

  it.effect("a next link seen twice fails with UnexpectedResponse instead of looping", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = (request) => {
        const page = request.url.endsWith("page=2") ? 2 : 1
        return ldJson(200, {
          "hydra:member": [dossier(page)],
          "hydra:view": { "hydra:next": `/api/production/dossiers?page=${page === 1 ? 2 : 1}` }
        })
      }
      // page 1 → 2 → 1 → 2: the second "page=2" is refused.
      const error = yield* Effect.flip(Stream.runCollect(harness.dossiers.list()))
      reasonOf(error, UnexpectedResponse)
      assert.include(error.message, "loops")
      assert.lengthOf(harness.apiRequests(), 3)
    })
  )

  it.effect("a next link to another origin fails instead of taking the token there", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      harness.api = () =>
        ldJson(200, {
          "hydra:member": [dossier(1)],
          "hydra:view": { "hydra:next": "https://evil.example/api/x?page=2" }
        })
      const error = yield* Effect.flip(Stream.runCollect(harness.dossiers.list()))
      reasonOf(error, UnexpectedResponse)
      assert.include(error.message, "outside")
      assert.lengthOf(harness.apiRequests(), 1)
    })
  )

  // Which pages are requested when: in memory (the harness's default), each request recorded the moment it
  // is made, so that what has not been requested yet is known without waiting on sockets.
  it.effect("fetches one page ahead by default, and no further (back-pressure)", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      serveCollection(harness, "prefixed")
      const first = yield* harness.dossiers.list().pipe(Stream.take(1), Stream.runCollect)
      assert.lengthOf(first, 1)
      const pages = harness.apiRequests().map((request) => request.url)
      assert.isAtLeast(pages.length, 1)
      // Page 1, the page buffered ahead, and the one the producer holds until the buffer has room.
      assert.isAtMost(pages.length, 3, `not the whole collection: ${pages}`)
    })
  )

  it.effect("with prefetch 1, page 2 is requested while page 1 is still being consumed", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ prefetch: 1 })
      serveCollection(harness, "prefixed")
      // The consumer holds the first dossier until page 2 has been asked for: with no prefetch it never would.
      const [requestsWhenFirstItemArrived] = yield* harness.dossiers.list().pipe(
        Stream.mapEffect(() =>
          Effect.andThen(
            harness.received(3), // the token, page 1, page 2
            Effect.sync(() => harness.apiRequests().length)
          )
        ),
        Stream.take(1),
        Stream.runCollect,
        Effect.timeoutOrElse({ duration: "10 seconds", orElse: () => Effect.succeed([0]) })
      )
      assert.isAtLeast(requestsWhenFirstItemArrived ?? 0, 2, "page 2 fetched ahead")
    })
  )

  it.effect("with prefetch 0, a page is fetched only when needed", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ prefetch: 0 })
      serveCollection(harness, "prefixed")
      const seen = yield* harness.dossiers.list().pipe(
        Stream.mapEffect(() => Effect.sync(() => harness.apiRequests().length)),
        Stream.take(perPage + 1),
        Stream.runCollect
      )
      assert.deepStrictEqual(seen, [1, 1, 1, 2], "the whole first page is read with one request, then page 2")
    })
  )
})
