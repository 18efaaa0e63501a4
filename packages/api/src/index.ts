/**
 * `@teo-effect/api`: the téo API for Effect — schema-decoded endpoints, Hydra
 * pagination as a `Stream`, typed errors, safe retries.
 *
 * @since 0.1.0
 * @module @teo-effect/api
 */
/**
 * @since 0.1.0
 */

/**
 * `UndiciHttpClient` from `@teo-effect/auth`, here too: the client of choice on Node.
 *
 * @since 0.3.0
 */
export { UndiciHttpClient } from "@teo-effect/auth"
export * as ApiMetrics from "./ApiMetrics.js"
export * from "./Dossier.js"
export * from "./Dossiers.js"
export * from "./HydraCollection.js"
export * from "./HydraError.js"
export * from "./JsonLd.js"
export * from "./Prestation.js"
export * from "./Prestations.js"
export * from "./ReadPage.js"
/**
 * @since 0.4.0
 */
export * as Resource from "./Resource.js"
/**
 * @since 0.1.0
 */
export * as Teo from "./Teo.js"
export * from "./TeoApi.js"
export * from "./TeoApiError.js"
export type { Query, ReadOptions, TeoApiOptions, WriteOptions } from "./TeoApiOptions.js"
