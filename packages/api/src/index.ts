/**
 * `@teo-effect/api`: under construction.
 *
 * @since 0.1.0
 */
export {}
