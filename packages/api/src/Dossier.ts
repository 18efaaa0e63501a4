/**
 * A téo dossier (Production › Dossiers): the record of one beneficiary's
 * training or coaching, and what it takes to create one.
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema } from "effect"
import { KnownFields, surelyValid } from "./internal/DossierFields.js"

/**
 * A dossier's UUID, as in `/api/production/dossiers/{dossierId}`.
 *
 * @example
 * ```ts
 * import { DossierId } from "@teo-effect/api"
 * import { Schema } from "effect"
 *
 * const id = Schema.decodeUnknownSync(DossierId)("0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b")
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const DossierId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("@teo-effect/api/DossierId"))

/**
 * @since 0.1.0
 * @category models
 */
export type DossierId = typeof DossierId.Type

/*
 * The fields of a dossier this package knows of (`internal/DossierFields`) are
 * checked, never transformed (brands and checks only): what they decode to is
 * what téo sent, which lets `Dossier` hand back téo's own object, unknown
 * fields and all.
 */
const decodeKnown = Schema.decodeUnknownResult(KnownFields)

/**
 * A dossier as téo's API returns it: the JSON-LD envelope (`@id`, `@type`),
 * the fields this package knows of (all optional, see `docs/api.md`), and
 * every other field téo sends, kept as it came (`dossier["someField"]`).
 *
 * The known fields are checked (a failure names the field, e.g.
 * `hydra:member[3].email`); the object téo sent is then kept as it is rather
 * than copied. A plain predicate built from the same table answers first for
 * the dossiers that are valid; the Schema decides the others.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Dossier: Schema.Codec<Dossier, unknown> = Schema.declareConstructor<Dossier, unknown>()(
  [],
  () => (input, _ast, options) => {
    if (surelyValid(input)) return Effect.succeed(input as Dossier)
    const known = decodeKnown(input, options)
    return Result.isSuccess(known) ? Effect.succeed(input as Dossier) : Effect.fail(known.failure.issue)
  },
  { identifier: "Dossier" }
)

/**
 * @since 0.1.0
 * @category models
 */
export type Dossier = typeof KnownFields.Type & { readonly [field: string]: unknown }

const required = Schema.String.check(
  Schema.isNonEmpty({ message: "Cette valeur ne doit pas être vide." }),
  Schema.makeFilter((value: string) => value.trim() !== "" || "Cette valeur ne doit pas être vide.")
)

/**
 * The data of a new dossier, as téo's guide to creating dossiers lists it:
 * the beneficiary's first name, last name and email (required), phone
 * (optional), and the prestation's UUID. Checked before any request, with
 * téo's own French messages.
 *
 * @since 0.1.0
 * @category schemas
 */
export const NewDossier = Schema.Struct({
  firstName: required,
  lastName: required,
  email: Schema.String.check(
    Schema.isPattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, {
      message: "Cette valeur n'est pas une adresse email valide."
    })
  ),
  phone: Schema.optionalKey(Schema.String),
  serviceId: Schema.String.check(Schema.isUUID(undefined, { message: "Cette valeur n'est pas un UUID valide." }))
})

/**
 * @since 0.1.0
 * @category models
 */
export type NewDossier = typeof NewDossier.Type
