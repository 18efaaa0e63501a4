/**
 * The prestations of the téo instance: to find the `serviceId` a new dossier
 * needs.
 *
 * @since 0.2.0
 */
import type { AuthError } from "@teo-effect/auth"
import { Context, Effect, Layer, Schema, type Stream } from "effect"
import { prestationsPath } from "./Assumptions.js"
import type { Iri } from "./JsonLd.js"
import { Prestation, PrestationId } from "./Prestation.js"
import { TeoApi } from "./TeoApi.js"
import type { TeoApiError } from "./TeoApiError.js"
import type { Query, ReadOptions } from "./TeoApiOptions.js"

const isPrestationId = Schema.is(PrestationId)

const make = Effect.map(Effect.service(TeoApi), (api) =>
  Prestations.of({
    list: (query, options) => api.stream(prestationsPath, Prestation, query, options),
    get: (idOrIri) => api.get(isPrestationId(idOrIri) ? `${prestationsPath}/${idOrIri}` : idOrIri, Prestation)
  })
)

/**
 * The prestations (ASSUMED endpoint: `GET /api/production/prestations`, see
 * `Assumptions.ts`).
 *
 * @example
 * ```ts
 * import { Prestations } from "@teo-effect/api"
 * import { Effect, Stream } from "effect"
 *
 * const names = Effect.gen(function* () {
 *   const prestations = yield* Prestations
 *   return yield* Stream.runCollect(prestations.list())
 * })
 * ```
 *
 * @since 0.2.0
 * @category services
 */
export class Prestations extends Context.Service<
  Prestations,
  {
    /** Every prestation, as `TeoApi.stream` reads a collection. */
    readonly list: (query?: Query, options?: ReadOptions) => Stream.Stream<Prestation, TeoApiError | AuthError>
    /** One prestation, by UUID or IRI. */
    readonly get: (idOrIri: PrestationId | Iri) => Effect.Effect<Prestation, TeoApiError | AuthError>
  }
>()("@teo-effect/api/Prestations") {
  /**
   * Builds the service on the `TeoApi` in context.
   *
   * @since 0.2.0
   */
  static readonly make = make

  /**
   * The layer of `Prestations`, on a `TeoApi`.
   *
   * @since 0.2.0
   */
  static readonly layer: Layer.Layer<Prestations, never, TeoApi> = Layer.effect(Prestations, make)
}
