/**
 * `@teo-effect/testing/pact`: Pact helpers for téo — interaction builders,
 * matchers for téo's shapes, and the provider-state names they are written
 * for. Needs `@pact-foundation/pact` 17.
 *
 * @since 0.1.0
 * @module @teo-effect/testing/pact
 */
export * from "./TeoMatchers.js"
export * from "./TeoPact.js"
export * from "./TeoStates.js"
