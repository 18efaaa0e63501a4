/**
 * Streams over Hydra collections: following `next` in both key styles, the
 * loop guard, the origin guard, and fetching ahead with back-pressure.
 */
import { assert, describe, it } from "@effect/vitest"
import { NotFound, RateLimited, UnexpectedResponse } from "@teo-effect/api"
import { withoutJitter } from "@teo-effect/test-support"
import { Effect, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
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
  it.effect("one page at a time (concurrency 1), fetches one page ahead by default, and no further", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 1 })
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
      const harness = yield* makeApiHarness({ prefetch: 1, concurrency: 1 })
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

  it.effect("one page at a time with prefetch 0, a page is fetched only when needed", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ prefetch: 0, concurrency: 1 })
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

// Whole-collection reads: once the first page says where the collection ends, the other pages concurrently.

const collectionPath = "/api/production/dossiers"

interface Book {
  /** Pages in the collection, 3 dossiers each. */
  readonly pages: number
  /** Whether the view has a `last` link (default true) and the page `totalItems` (default true). */
  readonly last?: boolean
  readonly total?: boolean
  /** The dossiers of page `n` (default: 3 numbered from (n - 1) × 3 + 1). */
  readonly members?: (page: number) => ReadonlyArray<unknown>
  /** The `last` link as served (default: page `pages` of the collection). */
  readonly lastLink?: string
  /** The `next` link of page `n` (default: page n + 1, up to `pages`). */
  readonly next?: (page: number) => string | undefined
}

const itemsOf = (page: number) => [1, 2, 3].map((i) => dossier((page - 1) * 3 + i))

/** Page `n` of `book`, as API Platform 3 serves it. */
const bookPage = (book: Book, url: string) => {
  const page = Number(new URL(url, "http://x").searchParams.get("page") ?? "1")
  const next = book.next ? book.next(page) : page < book.pages ? `${collectionPath}?page=${page + 1}` : undefined
  return ldJson(200, {
    "@id": collectionPath,
    "@type": "hydra:Collection",
    "hydra:member": (book.members ?? itemsOf)(page),
    ...(book.total === false ? {} : { "hydra:totalItems": book.pages * 3 }),
    "hydra:view": {
      "@id": `${collectionPath}?page=${page}`,
      "hydra:first": `${collectionPath}?page=1`,
      ...(book.last === false ? {} : { "hydra:last": book.lastLink ?? `${collectionPath}?page=${book.pages}` }),
      ...(next === undefined ? {} : { "hydra:next": next })
    }
  })
}

const pageOf = (url: string) => Number(new URL(url, "http://x").searchParams.get("page") ?? "1")

/**
 * Serves `book`, holding the answers after the first: once `window` of them
 * are waiting (or the last page is), they are answered last-asked first, so
 * that pages arrive out of order. Records the most requests in flight.
 */
const serveHeld = (harness: ApiHarness, book: Book, window: number) => {
  const held: Array<() => void> = []
  const state = { inFlight: 0, most: 0, requested: new Set<number>() }
  harness.api = (request) => {
    const page = pageOf(request.url)
    if (page === 1 && !request.url.includes("page=")) return bookPage(book, request.url)
    state.requested.add(page)
    state.inFlight += 1
    state.most = Math.max(state.most, state.inFlight)
    return new Promise((answer) => {
      held.push(() => {
        state.inFlight -= 1
        answer(bookPage(book, request.url))
      })
      if (held.length >= window || page === book.pages) {
        for (const release of held.splice(0).reverse()) release()
      }
    })
  }
  return state
}

const lastNames = (items: ReadonlyArray<{ readonly lastName?: string | null | undefined }>) =>
  items.map((item) => item.lastName)
const expectedNames = (pages: number) => Array.from({ length: pages * 3 }, (_, i) => `Martin-${i + 1}`)

describe("whole-collection reads", () => {
  it.effect("read the pages after the first concurrently, from téo's last link, and emit them in order", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 3 })
      const state = serveHeld(harness, { pages: 10 }, 3)
      const all = yield* Stream.runCollect(harness.dossiers.list())
      assert.deepStrictEqual(lastNames(all), expectedNames(10))
      assert.strictEqual(state.most, 3, "the window: 3 pages in flight, never more")
      assert.deepStrictEqual(
        [...state.requested].sort((a, b) => a - b),
        [2, 3, 4, 5, 6, 7, 8, 9, 10]
      )
      assert.lengthOf(harness.apiRequests(), 10, "each page once")
    })
  )

  it.effect("by default, sixteen pages in flight at once", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      const state = serveHeld(harness, { pages: 33 }, 16)
      const all = yield* Stream.runCollect(harness.dossiers.list())
      assert.deepStrictEqual(lastNames(all), expectedNames(33))
      assert.strictEqual(state.most, 16)
    })
  )

  it.effect("keep the rest of téo's links as written, and only change the page number", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 4 })
      const query = "itemsPerPage=3&order%5BlastName%5D=asc&status=En%20cours"
      serveHeld(
        harness,
        {
          pages: 4,
          lastLink: `${collectionPath}?${query}&page=4`,
          next: (page) => (page < 4 ? `${collectionPath}?${query}&page=${page + 1}` : undefined)
        },
        3
      )
      yield* Stream.runCollect(harness.dossiers.list({ itemsPerPage: 3 }))
      assert.deepStrictEqual(
        harness
          .apiRequests()
          .slice(1)
          .map((request) => request.url)
          .sort(),
        [2, 3, 4].map((page) => `${collectionPath}?${query}&page=${page}`)
      )
    })
  )

  it.effect("without a last link, totalItems and the first page's size give the pages, from the next link", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 4 })
      const state = serveHeld(harness, { pages: 8, last: false }, 4)
      const all = yield* Stream.runCollect(harness.dossiers.list())
      assert.deepStrictEqual(lastNames(all), expectedNames(8))
      assert.strictEqual(state.most, 4)
    })
  )

  it.effect("without a last link or totalItems, follow next links one page after the other", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 4 })
      const state = serveHeld(harness, { pages: 5, last: false, total: false }, 1)
      const all = yield* Stream.runCollect(harness.dossiers.list())
      assert.deepStrictEqual(lastNames(all), expectedNames(5))
      assert.strictEqual(state.most, 1)
    })
  )

  it.effect("a last link that differs from the next link but for its page number is not a plan: next links", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 4 })
      const state = serveHeld(
        harness,
        { pages: 4, total: false, lastLink: `${collectionPath}?page=4&status=Termin%C3%A9` },
        1
      )
      const all = yield* Stream.runCollect(harness.dossiers.list())
      assert.deepStrictEqual(lastNames(all), expectedNames(4))
      assert.strictEqual(state.most, 1)
    })
  )

  it.effect("a last link outside the API is never requested: the pages come from the next link and totalItems", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 4 })
      serveHeld(harness, { pages: 4, lastLink: "https://evil.example/api/production/dossiers?page=4" }, 3)
      const all = yield* Stream.runCollect(harness.dossiers.list())
      assert.deepStrictEqual(lastNames(all), expectedNames(4))
      assert.isTrue(harness.apiRequests().every((request) => request.url.startsWith(collectionPath)))
    })
  )

  it.effect("a rate budget paces the concurrent pages: the budget is the limit, not the concurrency", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ rateLimit: { limit: 3, window: "1 second" } })
      // The window each request arrived in, as the test clock is stepped one window at a time.
      const at = { window: 0 }
      const arrivals: Array<number> = []
      harness.api = (request) => {
        arrivals.push(at.window)
        return bookPage({ pages: 7 }, request.url)
      }
      const read = yield* Stream.runCollect(harness.dossiers.list()).pipe(Effect.forkChild)
      yield* harness.received(1 + 3) // the token, and the budget's first 3 requests
      at.window = 1
      yield* TestClock.adjust("1 second")
      yield* harness.received(1 + 6)
      at.window = 2
      yield* TestClock.adjust("1 second")
      const all = yield* Fiber.join(read)
      assert.deepStrictEqual(lastNames(all), expectedNames(7))
      assert.deepStrictEqual(
        [0, 1, 2].map((window) => arrivals.filter((arrival) => arrival === window).length),
        [3, 3, 1],
        "3 requests per window, though 16 could be in flight"
      )
    })
  )

  it.effect("ordered: false emits each page as it arrives", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 3 })
      serveHeld(harness, { pages: 4 }, 3)
      const all = yield* Stream.runCollect(harness.dossiers.list(undefined, { ordered: false }))
      const order = lastNames(all)
      assert.sameMembers(order, expectedNames(4))
      assert.deepStrictEqual(order.slice(0, 3), ["Martin-1", "Martin-2", "Martin-3"], "the first page first")
      assert.notDeepEqual(order, expectedNames(4), "pages 2–4 answered last-asked first, emitted so")
    })
  )

  it.effect("a page that fails fails the read once the pages before it are emitted", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 4 })
      harness.api = (request) =>
        pageOf(request.url) === 3
          ? ldJson(404, { "@type": "hydra:Error", "hydra:description": "Not Found" })
          : bookPage({ pages: 6 }, request.url)
      const emitted: Array<string> = []
      const error = yield* Effect.flip(
        Stream.runForEach(harness.dossiers.list(), (item) => Effect.sync(() => emitted.push(item.lastName ?? "")))
      )
      reasonOf(error, NotFound)
      assert.include(error.message, "page=3")
      assert.deepStrictEqual(emitted, expectedNames(2))
    })
  )

  it.effect("a page that fails once is retried on its own", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 4 })
      const answered = new Set<number>()
      harness.api = (request) => {
        const page = pageOf(request.url)
        if (page === 3 && !answered.has(3)) {
          answered.add(3)
          return ldJson(503, { "@type": "hydra:Error", "hydra:description": "Service Unavailable" })
        }
        return bookPage({ pages: 5 }, request.url)
      }
      const all = yield* withoutJitter(Stream.runCollect(harness.dossiers.list()))
      assert.deepStrictEqual(lastNames(all), expectedNames(5))
      const asked = harness.apiRequests().map((request) => pageOf(request.url))
      assert.deepStrictEqual(
        asked.sort((a, b) => a - b),
        [1, 2, 3, 3, 4, 5]
      )
    })
  )

  it.effect("a page still rate limited after its retries is asked again while téo answers the others", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 4 })
      let refusals = 0
      harness.api = (request) => {
        if (pageOf(request.url) === 3 && refusals < 3) {
          refusals += 1
          return ldJson(
            429,
            { "@type": "hydra:Error", "hydra:description": "Too Many Requests" },
            { "retry-after": "1" }
          )
        }
        return bookPage({ pages: 5 }, request.url)
      }
      const read = yield* withoutJitter(Stream.runCollect(harness.dossiers.list())).pipe(Effect.forkChild)
      // The token, pages 1–5; then page 3's two retries, a second apart; then, since pages 2, 4 and 5
      // were answered meanwhile, page 3 once more after its Retry-After.
      yield* harness.received(1 + 5)
      for (const count of [7, 8, 9]) {
        yield* TestClock.adjust("1 second")
        yield* harness.received(count)
      }
      const all = yield* Fiber.join(read)
      assert.deepStrictEqual(lastNames(all), expectedNames(5))
      assert.strictEqual(refusals, 3)
    })
  )

  it.effect("a page rate limited while téo answers nothing else fails the read with RateLimited", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 4 })
      harness.api = (request) =>
        pageOf(request.url) === 1
          ? bookPage({ pages: 2 }, request.url)
          : ldJson(429, { "@type": "hydra:Error", "hydra:description": "Too Many Requests" }, { "retry-after": "1" })
      const read = yield* withoutJitter(Effect.flip(Stream.runCollect(harness.dossiers.list()))).pipe(Effect.forkChild)
      yield* harness.received(1 + 2)
      for (const count of [4, 5]) {
        yield* TestClock.adjust("1 second")
        yield* harness.received(count)
      }
      const error = yield* Fiber.join(read)
      reasonOf(error, RateLimited)
      assert.lengthOf(
        harness.apiRequests().filter((request) => pageOf(request.url) === 2),
        3,
        "its own two retries, and no more: no other page was answered meanwhile"
      )
    })
  )

  it.effect("with retry: false, a rate-limited page fails the read at once", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 4, retry: false })
      harness.api = (request) =>
        pageOf(request.url) === 3
          ? ldJson(429, { "@type": "hydra:Error", "hydra:description": "Too Many Requests" }, { "retry-after": "1" })
          : bookPage({ pages: 4 }, request.url)
      const error = yield* Effect.flip(Stream.runCollect(harness.dossiers.list()))
      reasonOf(error, RateLimited)
      assert.lengthOf(
        harness.apiRequests().filter((request) => pageOf(request.url) === 3),
        1
      )
    })
  )

  it.effect("an item seen twice in one read (the collection shifted) is emitted once", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 4 })
      // A dossier created at the front while the read runs: page 2 starts with page 1's last dossier.
      const members = (page: number) => (page === 2 ? [dossier(3), dossier(4), dossier(5)] : itemsOf(page))
      harness.api = (request) => bookPage({ pages: 3, members }, request.url)
      const read = yield* Stream.runCollect(harness.dossiers.pages())
      assert.deepStrictEqual(lastNames(read.flatMap((page) => page.items)), [
        "Martin-1",
        "Martin-2",
        "Martin-3",
        "Martin-4",
        "Martin-5",
        "Martin-7",
        "Martin-8",
        "Martin-9"
      ])
      assert.strictEqual(read.at(-1)?.progress.items, 8)
    })
  )

  it.effect("a collection that grew: the last known page's next link is followed to the new end", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 4 })
      // The first page says 3 pages; by the time page 3 is read, there are 5.
      harness.api = (request) =>
        pageOf(request.url) === 1 ? bookPage({ pages: 3 }, request.url) : bookPage({ pages: 5 }, request.url)
      const all = yield* Stream.runCollect(harness.dossiers.list())
      assert.deepStrictEqual(lastNames(all), expectedNames(5))
    })
  )

  it.effect("a collection that shrank: an empty page ends the read, without error", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 2 })
      harness.api = (request) =>
        bookPage({ pages: 6, members: (page) => (page <= 3 ? itemsOf(page) : []) }, request.url)
      const all = yield* Stream.runCollect(harness.dossiers.list())
      assert.deepStrictEqual(lastNames(all), expectedNames(3))
      assert.isAtMost(harness.apiRequests().length, 6)
    })
  )

  it.effect("a last link far past the end (hostile or wrong) stops at the first empty page", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 3 })
      harness.api = (request) =>
        bookPage(
          { pages: 3, lastLink: `${collectionPath}?page=999999999`, members: (p) => (p <= 3 ? itemsOf(p) : []) },
          request.url
        )
      const all = yield* Stream.runCollect(harness.dossiers.list())
      assert.deepStrictEqual(lastNames(all), expectedNames(3))
      assert.isAtMost(harness.apiRequests().length, 1 + 3 + 3, "the pages, and no more than a window past them")
    })
  )

  it.effect("ordered: false, a last link far past the end stops at the first empty page too", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 3 })
      harness.api = (request) =>
        bookPage(
          { pages: 3, lastLink: `${collectionPath}?page=999999999`, members: (p) => (p <= 3 ? itemsOf(p) : []) },
          request.url
        )
      const all = yield* Stream.runCollect(harness.dossiers.list(undefined, { ordered: false }))
      assert.sameMembers(lastNames(all), expectedNames(3))
      assert.isAtMost(harness.apiRequests().length, 1 + 3 + 3, "the pages, and no more than a window past them")
    })
  )

  it.effect("an empty page ends the read: nothing after it is read or followed, and no cursor is left", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 16 })
      // Page 3 is empty; page 6, the last the first page announced, links on to a page 7.
      harness.api = (request) =>
        bookPage(
          {
            pages: 6,
            members: (page) => (page === 3 ? [] : itemsOf(page)),
            next: (page) => `${collectionPath}?page=${page + 1}`
          },
          request.url
        )
      const read = yield* Stream.runCollect(harness.dossiers.pages())
      assert.deepStrictEqual(lastNames(read.flatMap((page) => page.items)), expectedNames(2))
      assert.strictEqual(read.at(-1)?.cursor, undefined, "the read is over: a later one starts afresh")
      assert.isFalse(
        harness.apiRequests().some((request) => request.url.endsWith("page=7")),
        "the link past the announced end is not followed"
      )
    })
  )

  it.effect("pages: progress (pages / total, items) and the cursor of each page", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 3 })
      harness.api = (request) => bookPage({ pages: 4 }, request.url)
      const read = yield* Stream.runCollect(harness.dossiers.pages())
      assert.deepStrictEqual(
        read.map((page) => page.progress),
        [1, 2, 3, 4].map((n) => ({ pages: n, totalPages: 4, items: n * 3, totalItems: 12 }))
      )
      assert.deepStrictEqual(
        read.map((page) => page.cursor),
        [`${collectionPath}?page=2`, `${collectionPath}?page=3`, `${collectionPath}?page=4`, undefined]
      )
    })
  )

  it.effect("a read resumes from the cursor a stopped read left", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ concurrency: 3 })
      harness.api = (request) => bookPage({ pages: 5 }, request.url)
      const firstRun = yield* Stream.runCollect(harness.dossiers.pages().pipe(Stream.take(2)))
      const cursor = firstRun.at(-1)?.cursor
      assert.strictEqual(cursor, `${collectionPath}?page=3`)
      const before = harness.apiRequests().length
      const secondRun = yield* Stream.runCollect(harness.dossiers.pages(undefined, { from: cursor }))
      assert.deepStrictEqual(lastNames([...firstRun, ...secondRun].flatMap((page) => page.items)), expectedNames(5))
      assert.strictEqual(harness.apiRequests()[before]?.url, `${collectionPath}?page=3`, "starts at the cursor")
      assert.deepStrictEqual(
        secondRun.map((page) => page.progress.pages),
        [1, 2, 3]
      )
      assert.strictEqual(secondRun[0]?.progress.totalPages, 3)
    })
  )

  it.effect.each([-1, 2.5, Number.NaN, 1000])("a prefetch of %s is refused before any request", (prefetch) =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      const error = yield* Effect.flip(Stream.runCollect(harness.dossiers.list(undefined, { prefetch })))
      reasonOf(error, UnexpectedResponse)
      assert.include(error.message, "prefetch must be a whole number from 0 to 100")
      assert.lengthOf(harness.apiRequests(), 0)
    })
  )

  it.effect("a cursor of another collection is refused before any request", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      const error = yield* Effect.flip(
        Stream.runCollect(harness.dossiers.list(undefined, { from: "/api/production/prestations?page=2" }))
      )
      reasonOf(error, UnexpectedResponse)
      assert.include(error.message, "refused before any request")
      assert.include(error.message, "not a page of")
      assert.lengthOf(harness.apiRequests(), 0)
    })
  )
})
