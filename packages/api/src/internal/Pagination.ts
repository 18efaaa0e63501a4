/**
 * A collection as a `Stream`: page after page, following each page's
 * `view.next` link — refused when it leaves the API or was already fetched
 * (compared without its fragment, after resolution), so that a looping or
 * hostile collection cannot run forever or take the token elsewhere.
 *
 * @since 0.1.0
 */
import type { AuthError } from "@teo-effect/auth"
import { Array as Arr, Effect, Option, Stream } from "effect"
import type { HydraCollection } from "../HydraCollection.js"
import { TeoApiError, UnexpectedResponse } from "../TeoApiError.js"
import type { Query } from "../TeoApiOptions.js"
import type { Targets } from "./Target.js"

const pageOf = <A>(members: ReadonlyArray<A>): ReadonlyArray<Arr.NonEmptyReadonlyArray<A>> =>
  Arr.isReadonlyArrayNonEmpty(members) ? [members] : []

interface Cursor {
  readonly target: string
  readonly query: Query | undefined
}

/**
 * Every item of the collection at `target`, fetching `prefetch` pages ahead.
 *
 * @since 0.1.0
 */
export const stream = <A>(options: {
  readonly targets: Targets
  readonly page: (
    target: string,
    query: Query | undefined
  ) => Effect.Effect<HydraCollection<A>, TeoApiError | AuthError>
  readonly target: string
  readonly query: Query | undefined
  readonly prefetch: number
}): Stream.Stream<A, TeoApiError | AuthError> => {
  const pages = Stream.unwrap(
    Effect.sync(() => {
      // The pages fetched so far, by resolved URL: one seen twice means the collection loops.
      const seen = new Set<string>()
      return Stream.paginate<Cursor, Arr.NonEmptyReadonlyArray<A>, TeoApiError | AuthError, never>(
        { target: options.target, query: options.query },
        (current) =>
          options.page(current.target, current.query).pipe(
            Effect.flatMap((collection) => {
              const next = collection.view?.next
              // One element per page (an empty page emits none), so that `prefetch` counts pages.
              const members = pageOf(collection.member)
              if (next === undefined) return Effect.succeed([members, Option.none<Cursor>()] as const)
              const from = options.targets.resolve(current.target)
              const resolved = "refused" in from ? from : options.targets.link(next, from.href)
              const refuse = (detail: string) =>
                Effect.fail(
                  new TeoApiError({
                    method: "GET",
                    path: "refused" in from ? current.target : from.path,
                    reason: new UnexpectedResponse({ status: 200, issuePath: "view.next", detail })
                  })
                )
              if ("refused" in resolved) return refuse(`the next page ${next} is outside the API: ${resolved.refused}`)
              if (seen.has(resolved.href))
                return refuse(`the next page ${next} was already fetched: the collection loops`)
              seen.add(resolved.href)
              return Effect.succeed([
                members,
                Option.some<Cursor>({ target: resolved.href, query: undefined })
              ] as const)
            })
          )
      )
    })
  )
  // Each page's members become one chunk of the stream as they are (no per-item re-chunking).
  return (options.prefetch > 0 ? pages.pipe(Stream.buffer({ capacity: options.prefetch })) : pages).pipe(
    Stream.flattenArray
  )
}
