/**
 * `@teo-effect/auth/internal`: the rules `@teo-effect/api` shares with this
 * package — endpoint URLs, duration options, how an HTTP answer is read. Not
 * for applications: no compatibility promise outside the fixed release group
 * of the teo-effect packages (see docs/decisions/0005-shared-internals.md).
 *
 * @since 0.2.0
 * @module @teo-effect/auth/internal
 */
/**
 * @since 0.1.0
 */
export * as DurationOption from "./DurationOption.js"
/**
 * @since 0.1.0
 */
export * as EndpointUrl from "./EndpointUrl.js"
/**
 * @since 0.2.0
 */
export * as Sha256 from "./Sha256.js"
/**
 * @since 0.1.0
 */
export * as TeoHttp from "./TeoHttp.js"
