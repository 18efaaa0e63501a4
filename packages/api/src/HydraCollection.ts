/**
 * Hydra collections, as téo's API (API Platform) returns its lists: the items
 * under `hydra:member`, the count under `hydra:totalItems`, and the links to
 * other pages under `hydra:view`. API Platform 4 may drop the `hydra:` prefix
 * (`member`, `totalItems`, `view`); both styles decode to the same shape.
 *
 * @since 0.1.0
 */
import { Effect, Predicate, Schema, SchemaTransformation } from "effect"
import { Iri } from "./JsonLd.js"

/**
 * The links of a page of a collection (`hydra:view`): `next` is absent on the
 * last page.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HydraView = Schema.Struct({
  id: Schema.optionalKey(Iri),
  first: Schema.optionalKey(Iri),
  last: Schema.optionalKey(Iri),
  next: Schema.optionalKey(Iri),
  previous: Schema.optionalKey(Iri)
})

/**
 * @since 0.1.0
 * @category models
 */
export type HydraView = typeof HydraView.Type

/**
 * One page of a collection, whichever key style téo used.
 *
 * @since 0.1.0
 * @category models
 */
export interface HydraCollection<A> {
  readonly member: ReadonlyArray<A>
  readonly totalItems?: number
  readonly view?: HydraView
}

const prefixedView = HydraView.pipe(
  Schema.encodeKeys({
    id: "@id",
    first: "hydra:first",
    last: "hydra:last",
    next: "hydra:next",
    previous: "hydra:previous"
  })
)

const unprefixedView = HydraView.pipe(Schema.encodeKeys({ id: "@id" }))

const TotalItems = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** `true` when the body uses the `hydra:` keys. */
const isPrefixed = (input: unknown): boolean => Predicate.isObject(input) && "hydra:member" in input

/**
 * A Schema for one page of a collection of `item`: decodes both
 * `hydra:member` / `hydra:totalItems` / `hydra:view` and `member` /
 * `totalItems` / `view`. A decoding failure names the key as téo sent it
 * (`hydra:member[3].email`).
 *
 * @example
 * ```ts
 * import { HydraCollection, JsonLdResource } from "@teo-effect/api"
 * import { Schema } from "effect"
 *
 * const Seance = Schema.Struct({ ...JsonLdResource.fields, startsAt: Schema.String })
 * const Seances = HydraCollection(Seance)
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const HydraCollection = <S extends Schema.Constraint>(item: S) => {
  const cached = collections.get(item)
  if (cached !== undefined) return cached as ReturnType<typeof makeCollection<S>>
  const made = makeCollection(item)
  collections.set(item, made)
  return made
}

/** One collection schema per item schema: building (and compiling) it per call was most of a page's cost. */
const collections = new WeakMap<Schema.Constraint, unknown>()

const makeCollection = <S extends Schema.Constraint>(item: S) => {
  const prefixed = Schema.Struct({
    member: Schema.Array(item),
    totalItems: Schema.optionalKey(TotalItems),
    view: Schema.optionalKey(prefixedView)
  }).pipe(Schema.encodeKeys({ member: "hydra:member", totalItems: "hydra:totalItems", view: "hydra:view" }))
  const unprefixed = Schema.Struct({
    member: Schema.Array(item),
    totalItems: Schema.optionalKey(TotalItems),
    view: Schema.optionalKey(unprefixedView)
  })
  const decodePrefixed = Schema.decodeUnknownEffect(prefixed)
  const decodeUnprefixed = Schema.decodeUnknownEffect(unprefixed)
  const encodePrefixed = Schema.encodeUnknownEffect(prefixed)
  // The items were decoded by `prefixed` / `unprefixed` already: the target only declares the
  // page's type, it does not check every item a second time (which doubled the decoding cost).
  const Decoded = Schema.declare(
    (input: unknown): input is HydraCollection<S["Type"]> => Predicate.isObject(input) && Array.isArray(input.member),
    { identifier: "HydraCollection" }
  )
  return Schema.Unknown.pipe(
    Schema.decodeTo(
      Decoded,
      SchemaTransformation.transformEffect({
        decode: (input, options) =>
          (isPrefixed(input) ? decodePrefixed(input, options) : decodeUnprefixed(input, options)).pipe(
            Effect.mapError((error) => error.issue)
          ),
        encode: (page, options) => encodePrefixed(page, options).pipe(Effect.mapError((error) => error.issue))
      })
    )
  )
}
