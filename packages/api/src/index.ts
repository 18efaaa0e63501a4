/**
 * `@teo-effect/api`: the téo API for Effect — schema-decoded endpoints, Hydra
 * pagination as a `Stream`, typed errors, safe retries.
 *
 * @since 0.1.0
 * @module @teo-effect/api
 */
export * from "./Dossier.js"
export * from "./Dossiers.js"
export * from "./HydraCollection.js"
export * from "./HydraError.js"
export * from "./JsonLd.js"
export * from "./TeoApi.js"
export * from "./TeoApiError.js"
