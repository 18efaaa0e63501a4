/**
 * A téo prestation (a service a dossier is opened for: « Bilan de
 * compétences », « Accompagnement VAE »…), whose UUID a new dossier's
 * `serviceId` names.
 *
 * @since 0.2.0
 */
import { Schema } from "effect"
import { JsonLdResource } from "./JsonLd.js"

/**
 * A prestation's UUID: what `NewDossier.serviceId` takes.
 *
 * @since 0.2.0
 * @category schemas
 */
export const PrestationId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("@teo-effect/api/PrestationId"))

/**
 * A prestation's UUID (branded), as `PrestationId` decodes it.
 *
 * @since 0.2.0
 * @category models
 */
export type PrestationId = typeof PrestationId.Type

/**
 * A prestation as the API returns it (ASSUMED, see `Assumptions.ts`): the
 * JSON-LD envelope and, when téo sends it, its `name` (téo's user
 * documentation: a prestation has a name, a code, a family, a duration and a
 * price; only the name is read here, and it may be absent or `null`).
 *
 * @since 0.2.0
 * @category schemas
 */
export const Prestation = Schema.Struct({
  ...JsonLdResource.fields,
  name: Schema.optionalKey(Schema.NullOr(Schema.String))
})

/**
 * A prestation, as `Prestation` decodes it.
 *
 * @since 0.2.0
 * @category models
 */
export type Prestation = typeof Prestation.Type
