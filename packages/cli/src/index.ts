/**
 * `@teo-effect/cli`: the `teo` command. Run it with `npx @teo-effect/cli` or,
 * installed, `teo`; this module exposes it for embedding and tests.
 *
 * @since 0.1.0
 * @module @teo-effect/cli
 */

export { ExitCode } from "./Failure.js"
export { Progress } from "./Progress.js"
export { command, exitCodeOf, main, version } from "./Teo.js"
