/**
 * `@teo-effect/testing`: FakeTeo, a local téo with fault injection, and a
 * ready-made test layer.
 *
 * @since 0.1.0
 * @module @teo-effect/testing
 */
export * from "./FakeData.js"
export * from "./FakeTeo.js"
/**
 * @since 0.1.0
 */
export * as FakeTeoCommand from "./FakeTeoCommand.js"
/**
 * @since 0.1.0
 */
export * as TeoTest from "./TeoTest.js"
