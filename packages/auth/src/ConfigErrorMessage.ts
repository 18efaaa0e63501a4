/**
 * A configuration error in a sentence that names the variable: what to show a
 * person when `TeoCredentials.layerConfig` or `Teo.layerConfig()` cannot read
 * the environment, instead of Effect's `SchemaError(…)` rendering.
 *
 * @since 0.1.0
 */
import { type Config, Schema, SchemaIssue } from "effect"

const issuesOf = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * `TEO_CLIENT_ID is not set`, `TEO_AUTH_URL must use https, got "http://…"`:
 * one clause per problem, joined with `; `. `names` renames the fields of
 * options given in code (`{ tokenUrl: "TEO_AUTH_URL" }`) to what the person
 * set.
 *
 * @example
 * ```ts
 * import { configErrorMessage, TeoCredentials } from "@teo-effect/auth"
 * import { Console, Effect } from "effect"
 *
 * const program = Effect.gen(function* () {
 *   const credentials = yield* TeoCredentials
 *   yield* Console.log(`téo instance ${credentials.teoId}`)
 * }).pipe(
 *   Effect.provide(TeoCredentials.layerConfig),
 *   // e.g. "TEO_CLIENT_ID is not set"
 *   Effect.tapError((error) => Console.error(configErrorMessage(error)))
 * )
 * ```
 *
 * @since 0.1.0
 */
export const configErrorMessage = (error: Config.ConfigError, names: Readonly<Record<string, string>> = {}): string => {
  const cause = error.cause
  if (!Schema.isSchemaError(cause)) return cause.message
  const clauses = issuesOf(cause.issue).issues.map((issue) => {
    const path = (issue.path ?? []).map((key) => String(typeof key === "object" ? key.key : key)).join(".")
    const name = names[path] ?? path
    // From the environment every value is a string: "Expected string" means there was none.
    if (issue.message === "Expected string" || issue.message.startsWith("Missing key")) return `${name} is not set`
    return name === "" ? issue.message : `${name} ${issue.message}`
  })
  return clauses.join("; ")
}
