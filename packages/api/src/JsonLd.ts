/**
 * JSON-LD as téo's API (API Platform) speaks it: every resource carries an
 * `@id` (its IRI, the path to fetch it again) and an `@type`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { isIriText } from "./internal/IriSyntax.js"

/**
 * An IRI as API Platform writes them: a path from the API's origin, such as
 * `/api/production/dossiers/0b6c…` (the default), or an absolute http(s) URL
 * (when the server is set to write those).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Iri = Schema.String.check(
  Schema.makeFilter(
    (iri: string) =>
      isIriText(iri) || `an IRI is a path starting with "/" or an absolute http(s) URL, got ${JSON.stringify(iri)}`
  )
).pipe(Schema.brand("@teo-effect/api/Iri"))

/**
 * An IRI (branded), as `Iri` decodes it.
 *
 * @since 0.1.0
 * @category models
 */
export type Iri = typeof Iri.Type

/**
 * A JSON-LD `@type`: one type (`"Dossier"`), or several — API Platform writes
 * an array when a resource declares more than one (`["Book", "Product"]`).
 *
 * @since 0.4.0
 * @category schemas
 */
export const JsonLdType = Schema.Union([Schema.String, Schema.Array(Schema.String)])

/**
 * A JSON-LD `@type`, as `JsonLdType` decodes it: a string or an array of strings.
 *
 * @since 0.4.0
 * @category models
 */
export type JsonLdType = typeof JsonLdType.Type

/**
 * `true` when `resource` has `type` among its `@type`s, whichever way téo wrote them.
 *
 * @since 0.4.0
 */
export const hasType = (resource: { readonly "@type": JsonLdType }, type: string): boolean => {
  const types = resource["@type"]
  return typeof types === "string" ? types === type : types.includes(type)
}

/**
 * What every JSON-LD resource has: `@id`, `@type` (a string or, for a resource
 * of several types, an array of strings) and, at the top level of a response,
 * `@context`. Spread its `fields` into your own schemas.
 *
 * @example
 * ```ts
 * import { JsonLdResource } from "@teo-effect/api"
 * import { Schema } from "effect"
 *
 * const Seance = Schema.Struct({ ...JsonLdResource.fields, startsAt: Schema.String })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const JsonLdResource = Schema.Struct({
  "@id": Iri,
  "@type": JsonLdType,
  "@context": Schema.optionalKey(Schema.Unknown)
})

/**
 * The JSON-LD envelope (`@id`, `@type`, `@context`), as `JsonLdResource` decodes it.
 *
 * @since 0.1.0
 * @category models
 */
export type JsonLdResource = typeof JsonLdResource.Type
