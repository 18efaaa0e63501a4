/**
 * `@teo-effect/cli`: the `teo` command. Run it with `npx @teo-effect/cli` or,
 * installed, `teo`; this module exposes it for embedding and tests.
 *
 * @since 0.1.0
 * @module @teo-effect/cli
 */

export { ExitCode } from "./Failure.js"
/**
 * `teo generate` as a library: typed modules from an API Platform OpenAPI document.
 *
 * @since 0.4.0
 */
export * as Generate from "./generate/Generate.js"
export { Progress } from "./Progress.js"
export { command, exitCodeOf, main, version } from "./Teo.js"
