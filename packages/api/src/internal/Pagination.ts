/**
 * A collection as a `Stream` of pages. The first page says where the
 * collection ends — its `last` link, or `totalItems` with its size — and the
 * pages after it are then read `concurrency` at a time, each built from the
 * links téo gave (its `last` or `next` link with another `page` number; never
 * a guessed URL), and emitted in order from a window of `concurrency` pages
 * (or as they come, `ordered: false`). When the end is not known, or once
 * the last known page still has a `next` link (the collection grew), pages
 * follow their `next` links one after the other. A link is refused when it
 * leaves the API or was already fetched (compared without its fragment,
 * after resolution), so that a looping or hostile collection cannot run
 * forever or take the token elsewhere. Items seen twice within one read (by
 * `@id`) are emitted once.
 *
 * @since 0.1.0
 */
import type { AuthError } from "@teo-effect/auth"
import { Array as Arr, Duration, Effect, Option, Predicate, Result, Stream } from "effect"
import { pageParameter as pageParameterName } from "../Assumptions.js"
import type { HydraCollection } from "../HydraCollection.js"
import type { ReadPage } from "../ReadPage.js"
import { isTeoApiError, TeoApiError, UnexpectedResponse } from "../TeoApiError.js"
import type { Query } from "../TeoApiOptions.js"
import type { Resolved, Targets } from "./Target.js"

type Failure = TeoApiError | AuthError

/** The options of one read. */
export interface Options<A> {
  readonly targets: Targets
  readonly page: (target: string, query: Query | undefined) => Effect.Effect<HydraCollection<A>, Failure>
  readonly target: string
  readonly query: Query | undefined
  /** Pages held ahead of the consumer, past the window. */
  readonly prefetch: number
  /** Pages requested at once once the end is known. */
  readonly concurrency: number
  readonly ordered: boolean
  /** A page's cursor from an earlier read: the read starts there. */
  readonly from: string | undefined
  /** The longest `Retry-After` a rate-limited page waits for before it is asked again; `undefined`: never asked again. */
  readonly maxRetryAfter: Duration.Duration | undefined
}

/** The page parameter of a link (`Assumptions.pageParameter`): its only one, a positive integer as written. */
const pageParameter = new RegExp(`(^|[?&])${pageParameterName}=([1-9][0-9]{0,8})(?=&|$)`)

const pageNumber = (href: string): number | undefined => {
  const search = URL.parse(href)?.search ?? ""
  if (search.split(/[?&]/).filter((pair) => pair.startsWith(`${pageParameterName}=`)).length !== 1) return undefined
  const digits = pageParameter.exec(search)?.[2]
  return digits === undefined ? undefined : Number(digits)
}

/** `href` with its `page` parameter set to `page`, the rest of téo's link as it was written. */
const withPage = (href: string, page: number): string => {
  const url = new URL(href)
  url.search = url.search.replace(
    pageParameter,
    (_match, separator: string) => `${separator}${pageParameterName}=${page}`
  )
  return url.href
}

/** What a cursor holds: the page's IRI (path and query), which `Targets.resolve` takes back. */
const cursorOf = (href: string): string => {
  const url = new URL(href)
  return `${url.pathname}${url.search}`
}

/** The pages after the first, numbered `first`…`last`, and how to reach page `n`. */
interface Plan {
  readonly first: number
  readonly last: number
  readonly link: (n: number) => string
}

/**
 * The plan a page gives when it says where the collection ends: its `next`
 * and `last` links the same but for their page number, or its `next` link
 * and `totalItems` (the page's size as the page size).
 */
const planOf = (collection: HydraCollection<unknown>, next: Resolved, from: string, targets: Targets) => {
  const first = pageNumber(next.href)
  if (first === undefined) return undefined
  const last = collection.view?.last === undefined ? undefined : targets.link(collection.view.last, from)
  if (last !== undefined && !("refused" in last)) {
    const lastNumber = pageNumber(last.href)
    if (lastNumber !== undefined && lastNumber >= first && withPage(last.href, first) === next.href) {
      return { first, last: lastNumber, link: (n: number) => withPage(last.href, n) } satisfies Plan
    }
  }
  const size = collection.member.length
  if (collection.totalItems === undefined || size === 0) return undefined
  const pages = Math.ceil(collection.totalItems / size)
  return pages >= first
    ? ({ first, last: pages, link: (n: number) => withPage(next.href, n) } satisfies Plan)
    : undefined
}

const idOf = (item: unknown): string | undefined => {
  if (!Predicate.isObject(item)) return undefined
  const id = item["@id"]
  return typeof id === "string" ? id : undefined
}

/**
 * Every page of the collection at `target` (or from `from`), as `ReadPage`s.
 *
 * @since 0.3.0
 */
export const pages = <A>(options: Options<A>): Stream.Stream<ReadPage<A>, Failure> =>
  Stream.unwrap(
    Effect.sync(() => {
      const { targets } = options
      // The pages fetched so far, by resolved URL: one seen twice means the collection loops.
      const seen = new Set<string>()
      // The `@id`s emitted so far in this read.
      const emitted = new Set<string>()
      const progress = { pages: 0, items: 0 }
      let totalPages: number | undefined
      let totalItems: number | undefined

      /** The page's items not emitted before (the same array when none was). */
      const fresh = (member: ReadonlyArray<A>): ReadonlyArray<A> => {
        let kept: Array<A> | undefined
        for (const [i, item] of member.entries()) {
          const id = idOf(item)
          const repeated = id !== undefined && emitted.has(id)
          if (id !== undefined) emitted.add(id)
          if (repeated && kept === undefined) kept = member.slice(0, i)
          else if (!repeated && kept !== undefined) kept.push(item)
        }
        return kept ?? member
      }

      const emit = (collection: HydraCollection<A>, cursor: string | undefined): ReadPage<A> => {
        const items = fresh(collection.member)
        progress.pages += 1
        progress.items += items.length
        if (collection.totalItems !== undefined) totalItems = collection.totalItems
        if (totalPages !== undefined && progress.pages > totalPages) totalPages = progress.pages
        return {
          items,
          cursor,
          progress: { pages: progress.pages, totalPages, items: progress.items, totalItems }
        }
      }

      const refuse = (path: string, detail: string) =>
        Effect.fail(
          new TeoApiError({
            method: "GET",
            path,
            reason: new UnexpectedResponse({ status: 200, issuePath: "view.next", detail })
          })
        )

      /** The page's `next` link, resolved and not seen before; `undefined` on the last page. */
      const nextOf = (collection: HydraCollection<A>, from: Resolved): Effect.Effect<Resolved | undefined, Failure> => {
        const next = collection.view?.next
        if (next === undefined) return Effect.succeed(undefined)
        const resolved = targets.link(next, from.href)
        if ("refused" in resolved)
          return refuse(from.path, `the next page ${next} is outside the API: ${resolved.refused}`)
        if (seen.has(resolved.href))
          return refuse(from.path, `the next page ${next} was already fetched: the collection loops`)
        return Effect.succeed(resolved)
      }

      // Pages answered so far in this read: a page still rate limited after its own retries is
      // asked again once its Retry-After has passed, as long as téo answered another page since.
      let answered = 0
      const fetch = (at: Resolved, query?: Query): Effect.Effect<HydraCollection<A>, Failure> => {
        seen.add(at.href)
        const attempt = (answeredBefore: number): Effect.Effect<HydraCollection<A>, Failure> =>
          options.page(at.href, query).pipe(
            Effect.tap(() =>
              Effect.sync(() => {
                answered += 1
              })
            ),
            Effect.catchIf(
              (error) =>
                isTeoApiError(error) &&
                error.reason._tag === "RateLimited" &&
                answered > answeredBefore &&
                options.maxRetryAfter !== undefined &&
                Duration.isLessThanOrEqualTo(error.retryAfter ?? Duration.seconds(1), options.maxRetryAfter),
              (error) => {
                const since = answered
                return Effect.andThen(Effect.sleep(error.retryAfter ?? Duration.seconds(1)), attempt(since))
              }
            )
          )
        return Effect.suspend(() => attempt(answered))
      }

      /** From `at` on, one page after the other by their `next` links. */
      const following = (at: Resolved): Stream.Stream<ReadPage<A>, Failure> =>
        Stream.paginate(at, (current: Resolved) =>
          fetch(current).pipe(
            Effect.flatMap((collection) =>
              Effect.map(
                nextOf(collection, current),
                (next) => [[emit(collection, next && cursorOf(next.href))], Option.fromUndefinedOr(next)] as const
              )
            )
          )
        )

      /** Pages `plan.first`…`plan.last`, concurrently; then, if the last one has a `next` link, those. */
      const planned = (plan: Plan): Stream.Stream<ReadPage<A>, Failure> => {
        const linked = (n: number): Effect.Effect<Resolved, Failure> => {
          const resolved = targets.resolve(plan.link(n))
          // Built from links already guarded, with only `page` changed: refused only if the guard changed its mind.
          return "refused" in resolved
            ? Effect.fail(refusedTarget(cursorOf(plan.link(n)), `page ${n} is outside the API: ${resolved.refused}`))
            : Effect.succeed(resolved)
        }
        // Set when the last planned page has arrived and still links further.
        let beyond: Resolved | undefined
        // The first page found empty: the collection ends there (it shrank, or téo's end was
        // wrong). No page after it is requested or emitted, and `beyond` is not followed.
        let end: number | undefined
        const read = (n: number) => {
          if (end !== undefined && n > end) return Effect.succeed(undefined)
          return Effect.flatMap(linked(n), (at) =>
            Effect.flatMap(fetch(at), (collection) => {
              if (collection.member.length === 0) end = Math.min(end ?? n, n)
              return n === plan.last
                ? Effect.map(nextOf(collection, at), (next) => {
                    beyond = next
                    return { n, collection }
                  })
                : Effect.succeed({ n, collection })
            })
          )
        }
        const last = () => end ?? plan.last
        /** Where a later read starts: page `n` when it is still to be read, else what follows the plan. */
        const cursorFrom = (n: number) =>
          n <= last()
            ? cursorOf(plan.link(n))
            : end === undefined && beyond !== undefined
              ? cursorOf(beyond.href)
              : undefined
        // Page numbers stop being handed out once the end is known.
        const range = Stream.range(plan.first, plan.last).pipe(Stream.takeWhile((n) => end === undefined || n <= end))
        const inOrder = range.pipe(
          // Each page's outcome, so that the pages before a failed one are emitted before its failure.
          Stream.mapEffect((n) => Effect.exit(read(n)), { concurrency: options.concurrency }),
          Stream.mapEffect((exit) => exit),
          Stream.takeUntil((page) => page === undefined || page.collection.member.length === 0),
          Stream.filter(Predicate.isNotUndefined),
          Stream.map(({ n, collection }) => emit(collection, cursorFrom(n + 1)))
        )
        const done = new Set<number>()
        let lowest = plan.first
        const asTheyCome = range.pipe(
          Stream.mapEffect((n) => Effect.map(read(n), (page) => ({ n, page })), {
            concurrency: options.concurrency,
            unordered: true
          }),
          Stream.filterMap(({ n, page }) => {
            done.add(n)
            while (done.has(lowest)) done.delete(lowest++)
            // What a next read must start from: the first page not read yet.
            return page === undefined ? Result.failVoid : Result.succeed(emit(page.collection, cursorFrom(lowest)))
          })
        )
        return Stream.concat(
          options.ordered ? inOrder : asTheyCome,
          Stream.suspend(() => (beyond === undefined || end !== undefined ? Stream.empty : following(beyond)))
        )
      }

      if (!Number.isInteger(options.prefetch) || options.prefetch < 0 || options.prefetch > 100) {
        return Stream.fail(
          refusedTarget(
            options.target,
            `prefetch must be a whole number from 0 to 100, not ${typeof options.prefetch === "number" ? options.prefetch : JSON.stringify(options.prefetch)}`
          )
        )
      }
      const start = targets.resolve(options.from ?? options.target)
      if ("refused" in start) return Stream.fail(refusedTarget(options.from ?? options.target, start.refused))
      if (options.from !== undefined) {
        const collection = targets.resolve(options.target)
        if ("refused" in collection || pathOf(collection.href) !== pathOf(start.href)) {
          return Stream.fail(
            refusedTarget(options.from, `the cursor ${options.from} is not a page of ${options.target}`)
          )
        }
      }
      const first = Stream.unwrap(
        Effect.flatMap(fetch(start, options.from === undefined ? options.query : undefined), (collection) =>
          Effect.map(nextOf(collection, start), (next) => {
            const page = Stream.succeed(emit(collection, next && cursorOf(next.href)))
            if (next === undefined) return page
            const plan = options.concurrency > 1 ? planOf(collection, next, start.href, targets) : undefined
            if (plan === undefined) return Stream.concat(page, following(next))
            totalPages = plan.last - plan.first + 2
            // The first page's own numbers, now that the total is known.
            return Stream.concat(
              Stream.map(page, (read) => ({ ...read, progress: { ...read.progress, totalPages } })),
              planned(plan)
            )
          })
        )
      )
      return options.prefetch > 0 ? first.pipe(Stream.buffer({ capacity: options.prefetch })) : first
    })
  )

const pathOf = (href: string): string => new URL(href).pathname

const refusedTarget = (target: string, detail: string) =>
  new TeoApiError({ method: "GET", path: target, reason: new UnexpectedResponse({ status: 0, detail }) })

/**
 * Every item of the collection, page after page.
 *
 * @since 0.1.0
 */
export const stream = <A>(options: Options<A>): Stream.Stream<A, Failure> =>
  pages(options).pipe(
    Stream.map((page) => page.items),
    Stream.filter(Arr.isReadonlyArrayNonEmpty),
    Stream.flattenArray
  )
