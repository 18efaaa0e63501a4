/**
 * A téo dossier (Production › Dossiers): the record of one beneficiary's
 * training or coaching, and what it takes to create one.
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema, SchemaIssue } from "effect"
import { KnownFields, surelyValid } from "./internal/DossierFields.js"
import { Violation } from "./TeoApiError.js"

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
 * A dossier's UUID (branded), as `DossierId` decodes it.
 *
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
 * A dossier, as `Dossier` decodes it: the known fields and every other field téo sent.
 *
 * @since 0.1.0
 * @category models
 */
export type Dossier = typeof KnownFields.Type & { readonly [field: string]: unknown }

const blank = "Cette valeur ne doit pas être vide."

/** A required text: present, and not only spaces (one rule, one message). */
const required = Schema.String.check(Schema.makeFilter((value: string) => value.trim() !== "" || blank)).pipe(
  Schema.annotateKey({ messageMissingKey: blank })
)

/**
 * The data of a new dossier, as téo's guide to creating dossiers lists it:
 * the beneficiary's first name, last name and email (required), phone
 * (optional), and the prestation's UUID. Checked before any request, with
 * téo's own French messages (`newDossierViolations` lists them).
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
  ).pipe(Schema.annotateKey({ messageMissingKey: blank })),
  phone: Schema.optionalKey(Schema.String),
  serviceId: Schema.String.check(Schema.isUUID(undefined, { message: "Cette valeur n'est pas un UUID valide." })).pipe(
    Schema.annotateKey({ messageMissingKey: blank })
  )
})

/**
 * The data of a new dossier, as `Dossiers.create` takes it.
 *
 * @since 0.1.0
 * @category models
 */
export type NewDossier = typeof NewDossier.Type

const decodeNewDossier = Schema.decodeUnknownResult(NewDossier)
const issuesOf = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * What is wrong with `input` as a new dossier, one violation per field and
 * rule, as téo lists them in a 422 (`propertyPath`, French `message`): the
 * rules of `NewDossier`, for a form to check before sending. Empty when
 * `input` is a valid `NewDossier`.
 *
 * @example
 * ```ts
 * import { newDossierViolations } from "@teo-effect/api"
 *
 * const violations = newDossierViolations({ firstName: " ", lastName: "Martin", email: "camille@", serviceId: "x" })
 * // [{ propertyPath: "firstName", message: "Cette valeur ne doit pas être vide." }, …]
 * ```
 *
 * @since 0.1.0
 * @category validation
 */
export const newDossierViolations = (input: unknown): ReadonlyArray<Violation> => {
  const result = decodeNewDossier(input, { errors: "all" })
  return Result.isSuccess(result)
    ? []
    : issuesOf(result.failure.issue).issues.map(
        (issue) =>
          new Violation({
            propertyPath: (issue.path ?? []).map((key) => String(typeof key === "object" ? key.key : key)).join("."),
            message: issue.message
          })
      )
}
