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
 * The links of a page (`hydra:view`), as `HydraView` decodes them.
 *
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

/** `hydra:view` as téo sends it, with prefixed keys (API Platform 3) or without (API Platform 4). */
const WireView = Schema.Struct({
  "@id": Schema.optionalKey(Iri),
  "hydra:first": Schema.optionalKey(Iri),
  "hydra:last": Schema.optionalKey(Iri),
  "hydra:next": Schema.optionalKey(Iri),
  "hydra:previous": Schema.optionalKey(Iri),
  first: Schema.optionalKey(Iri),
  last: Schema.optionalKey(Iri),
  next: Schema.optionalKey(Iri),
  previous: Schema.optionalKey(Iri)
})

type WireView = typeof WireView.Type

const TotalItems = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** `true` when the body uses the `hydra:` keys. */
const isPrefixed = (input: unknown): boolean => Predicate.isObject(input) && "hydra:member" in input

/** The view's links, whichever key style téo used; only the links it sent. */
const viewOf = (wire: WireView): HydraView => {
  const view: { -readonly [K in keyof HydraView]: HydraView[K] } = {}
  const id = wire["@id"]
  const first = wire["hydra:first"] ?? wire.first
  const last = wire["hydra:last"] ?? wire.last
  const next = wire["hydra:next"] ?? wire.next
  const previous = wire["hydra:previous"] ?? wire.previous
  if (id !== undefined) view.id = id
  if (first !== undefined) view.first = first
  if (last !== undefined) view.last = last
  if (next !== undefined) view.next = next
  if (previous !== undefined) view.previous = previous
  return view
}

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
  // The wire shapes, keys as téo sends them: decoding them is a plain Struct decode (a key
  // renaming schema cost more than the items themselves), the renaming is done by hand below.
  const prefixed = Schema.Struct({
    "hydra:member": Schema.Array(item),
    "hydra:totalItems": Schema.optionalKey(TotalItems),
    "hydra:view": Schema.optionalKey(WireView)
  })
  const unprefixed = Schema.Struct({
    member: Schema.Array(item),
    totalItems: Schema.optionalKey(TotalItems),
    view: Schema.optionalKey(WireView)
  })
  const decodePrefixed = Schema.decodeUnknownEffect(prefixed)
  const decodeUnprefixed = Schema.decodeUnknownEffect(unprefixed)
  const encodePrefixed = Schema.encodeUnknownEffect(prefixed)
  const pageOf = (
    member: ReadonlyArray<S["Type"]>,
    totalItems: number | undefined,
    view: WireView | undefined
  ): HydraCollection<S["Type"]> => {
    const page: { -readonly [K in keyof HydraCollection<S["Type"]>]: HydraCollection<S["Type"]>[K] } = { member }
    if (totalItems !== undefined) page.totalItems = totalItems
    if (view !== undefined) page.view = viewOf(view)
    return page
  }
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
          (isPrefixed(input)
            ? Effect.map(decodePrefixed(input, options), (wire) =>
                pageOf(wire["hydra:member"], wire["hydra:totalItems"], wire["hydra:view"])
              )
            : Effect.map(decodeUnprefixed(input, options), (wire) => pageOf(wire.member, wire.totalItems, wire.view))
          ).pipe(Effect.mapError((error) => error.issue)),
        encode: (page, options) => {
          const view: Record<string, unknown> = {}
          if (page.view?.id !== undefined) view["@id"] = page.view.id
          if (page.view?.first !== undefined) view["hydra:first"] = page.view.first
          if (page.view?.last !== undefined) view["hydra:last"] = page.view.last
          if (page.view?.next !== undefined) view["hydra:next"] = page.view.next
          if (page.view?.previous !== undefined) view["hydra:previous"] = page.view.previous
          return encodePrefixed(
            {
              "hydra:member": page.member,
              ...(page.totalItems === undefined ? {} : { "hydra:totalItems": page.totalItems }),
              ...(page.view === undefined ? {} : { "hydra:view": view })
            },
            options
          ).pipe(Effect.mapError((error) => error.issue))
        }
      })
    )
  )
}
