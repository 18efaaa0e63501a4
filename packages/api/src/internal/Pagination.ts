/**
 * A collection as a `Stream`: page after page, following each page's
 * `view.next` link — refused when it leaves the API or was already fetched
 * (compared without its fragment, after resolution), so that a looping or
 * hostile collection cannot run forever or take the token elsewhere.
 *
 * @since 0.2.0
 */
import type { AuthError } from "@teo-effect/auth"
import { Effect, Option, Stream } from "effect"
import type { HydraCollection } from "../HydraCollection.js"
import type { Query } from "../TeoApiOptions.js"
import { type TeoApiError, UnexpectedResponse } from "../TeoApiError.js"
import type { Targets } from "./Target.js"

interface Cursor {
  readonly target: string
  readonly query: Query | undefined
}

/**
 * Every item of the collection at `target`, fetching `prefetch` pages ahead.
 *
 * @since 0.2.0
 */
export const stream = <A>(options: {
  readonly targets: Targets
  readonly page: (target: string, query: Query | undefined) => Effect.Effect<HydraCollection<A>, TeoApiError | AuthError>
  readonly target: string
  readonly query: Query | undefined
  readonly prefetch: number
}): Stream.Stream<A, TeoApiError | AuthError> => {
  const pages = Stream.unwrap(
    Effect.sync(() => {
      // The pages fetched so far, by resolved URL: one seen twice means the collection loops.
      const seen = new Set<string>()
      return Stream.paginate<Cursor, ReadonlyArray<A>, TeoApiError | AuthError, never>(
        { target: options.target, query: options.query },
        (current) =>
          options.page(current.target, current.query).pipe(
            Effect.flatMap((collection) => {
              const next = collection.view?.next
              if (next === undefined) return Effect.succeed([[collection.member], Option.none<Cursor>()] as const)
              const from = options.targets.resolve(current.target)
              const resolved =
                "refused" in from ? from : options.targets.link(next, from.href)
              const refused =
                "refused" in resolved
                  ? `the next page ${next} is outside the API: ${resolved.refused}`
                  : seen.has(resolved.href)
                    ? `the next page ${next} was already fetched: the collection loops`
                    : undefined
              if (refused !== undefined) {
                return Effect.fail(
                  new UnexpectedResponse({
                    method: "GET",
                    path: "refused" in from ? current.target : from.path,
                    status: 200,
                    issuePath: "view.next",
                    detail: refused
                  })
                )
              }
              seen.add((resolved as { readonly href: string }).href)
              return Effect.succeed([
                [collection.member],
                Option.some<Cursor>({ target: (resolved as { readonly href: string }).href, query: undefined })
              ] as const)
            })
          )
      )
    })
  )
  return (options.prefetch > 0 ? pages.pipe(Stream.buffer({ capacity: options.prefetch })) : pages).pipe(
    Stream.flattenIterable
  )
}
