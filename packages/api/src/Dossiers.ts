/**
 * téo's dossiers (Production › Dossiers): list, page, get and create.
 *
 * @since 0.1.0
 */
import type { AuthError } from "@teo-effect/auth"
import { Context, Effect, Layer, Schema, type Stream } from "effect"
import { createDossierPath, dossiersPath, newDossierKeys } from "./Assumptions.js"
import { Dossier, DossierId, type NewDossier, newDossierViolations } from "./Dossier.js"
import type { HydraCollection } from "./HydraCollection.js"
import type { Iri } from "./JsonLd.js"
import type { ReadPage } from "./ReadPage.js"
import { TeoApi } from "./TeoApi.js"
import { TeoApiError, ValidationFailed } from "./TeoApiError.js"
import type { Query, ReadOptions, WriteOptions } from "./TeoApiOptions.js"

const isDossierId = Schema.is(DossierId)

const make = Effect.gen(function* () {
  const api = yield* TeoApi

  const list = (query?: Query, options?: ReadOptions): Stream.Stream<Dossier, TeoApiError | AuthError> =>
    api.stream(dossiersPath, Dossier, query, options)

  const pages = (query?: Query, options?: ReadOptions): Stream.Stream<ReadPage<Dossier>, TeoApiError | AuthError> =>
    api.pages(dossiersPath, Dossier, query, options)

  const page = (query?: Query): Effect.Effect<HydraCollection<Dossier>, TeoApiError | AuthError> =>
    api.page(dossiersPath, Dossier, query)

  const get = (idOrIri: DossierId | Iri): Effect.Effect<Dossier, TeoApiError | AuthError> =>
    api.get(isDossierId(idOrIri) ? `${dossiersPath}/${idOrIri}` : idOrIri, Dossier)

  const create = (input: NewDossier, options?: WriteOptions): Effect.Effect<Dossier, TeoApiError | AuthError> => {
    const violations = newDossierViolations(input)
    if (violations.length > 0) {
      return Effect.fail(
        new TeoApiError({ method: "POST", path: createDossierPath, reason: new ValidationFailed({ violations }) })
      )
    }
    const body: Record<string, unknown> = {}
    for (const key of newDossierKeys) {
      if (input[key] !== undefined) body[key] = input[key]
    }
    return api.create(createDossierPath, body, Dossier, options)
  }

  return Dossiers.of({ list, pages, page, get, create })
})

/**
 * téo's dossiers, decoded.
 *
 * @example
 * ```ts
 * import { Dossiers } from "@teo-effect/api"
 * import { Effect, Stream } from "effect"
 *
 * const program = Effect.gen(function* () {
 *   const dossiers = yield* Dossiers
 *   yield* dossiers.list({ itemsPerPage: 100 }).pipe(
 *     Stream.runForEach((dossier) => Effect.log(dossier["@id"], dossier.lastName))
 *   )
 * })
 * ```
 *
 * @since 0.1.0
 * @category services
 */
export class Dossiers extends Context.Service<
  Dossiers,
  {
    /**
     * Every dossier, in téo's order (`query` is passed through: `itemsPerPage`,
     * filters…); the pages after the first read concurrently once téo says
     * how many there are (see `TeoApi.stream`).
     */
    readonly list: (query?: Query, options?: ReadOptions) => Stream.Stream<Dossier, TeoApiError | AuthError>
    /**
     * The same read page by page, with its progress and a cursor to resume from.
     *
     * @since 0.3.0
     */
    readonly pages: (query?: Query, options?: ReadOptions) => Stream.Stream<ReadPage<Dossier>, TeoApiError | AuthError>
    /** One page of dossiers (`page`, `itemsPerPage`, filters…). */
    readonly page: (query?: Query) => Effect.Effect<HydraCollection<Dossier>, TeoApiError | AuthError>
    /** One dossier, by UUID or IRI. */
    readonly get: (idOrIri: DossierId | Iri) => Effect.Effect<Dossier, TeoApiError | AuthError>
    /**
     * Creates a dossier. The input is checked first: a missing name, an
     * invalid email or service UUID fails with the reason `ValidationFailed`
     * (téo's French messages) before any request. Not retried on 5xx unless
     * asked.
     */
    readonly create: (input: NewDossier, options?: WriteOptions) => Effect.Effect<Dossier, TeoApiError | AuthError>
  }
>()("@teo-effect/api/Dossiers") {
  /**
   * Builds the service on the `TeoApi` in context.
   *
   * @since 0.1.0
   */
  static readonly make = make

  /**
   * The layer of `Dossiers`, on a `TeoApi`.
   *
   * @since 0.1.0
   */
  static readonly layer: Layer.Layer<Dossiers, never, TeoApi> = Layer.effect(Dossiers, make)
}
