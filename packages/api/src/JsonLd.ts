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
 * What every JSON-LD resource has: `@id`, `@type` and, at the top level of a
 * response, `@context`. Spread its `fields` into your own schemas.
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
  "@type": Schema.String,
  "@context": Schema.optionalKey(Schema.Unknown)
})

/**
 * The JSON-LD envelope (`@id`, `@type`, `@context`), as `JsonLdResource` decodes it.
 *
 * @since 0.1.0
 * @category models
 */
export type JsonLdResource = typeof JsonLdResource.Type
