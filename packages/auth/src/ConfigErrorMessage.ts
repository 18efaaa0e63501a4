/**
 * A configuration error in a sentence that names the variable: what to show a
 * person when `TeoCredentials.layerConfig()` or `Teo.layerConfig()` cannot read
 * the environment, instead of Effect's `SchemaError(…)` rendering.
 *
 * @since 0.1.0
 */
import { type Config, Schema, SchemaAST, SchemaIssue } from "effect"

const standardIssues = SchemaIssue.makeFormatterStandardSchemaV1()

/** One problem: where it is, and what is wrong there (`undefined`: no value there). */
interface Problem {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string | undefined
}

/** A type that any string satisfies: `String`, or a union with such a member. */
const acceptsAnyString = (ast: SchemaAST.AST): boolean =>
  SchemaAST.isString(ast) || (SchemaAST.isUnion(ast) && ast.types.some(acceptsAnyString))

/**
 * The schema of an issue defines its own message (an `annotate({ message })`
 * or `messageMissingKey`): it is shown as it is, even for a missing value.
 */
const hasOwnMessage = (issue: SchemaIssue.InvalidType | SchemaIssue.MissingKey | SchemaIssue.AnyOf): boolean =>
  issue._tag === "MissingKey"
    ? issue.annotations?.messageMissingKey !== undefined
    : issue.ast.annotations?.message !== undefined

/**
 * Whether `issue` says there is no value at all. A key absent from an object
 * is a `MissingKey`. From a `ConfigProvider` an unset variable is decoded as
 * `undefined`, and every value that is set is a string: a string type refused
 * (`InvalidType` of `String`, or a union with a `String` member where no member
 * even had the right type) means the variable is not set.
 */
const isAbsent = (issue: SchemaIssue.Issue): boolean => {
  switch (issue._tag) {
    case "MissingKey":
      return !hasOwnMessage(issue)
    case "InvalidType":
      return SchemaAST.isString(issue.ast) && !hasOwnMessage(issue)
    case "AnyOf":
      return issue.issues.length === 0 && acceptsAnyString(issue.ast) && !hasOwnMessage(issue)
    default:
      return false
  }
}

/**
 * The problems in `issue`, each with its full path. Structure is walked here;
 * a node that carries a message (a leaf, a failed filter, a union no member
 * of which had the right type) is worded by Effect's Standard Schema formatter.
 */
const problemsOf = (issue: SchemaIssue.Issue, path: ReadonlyArray<PropertyKey>): ReadonlyArray<Problem> => {
  switch (issue._tag) {
    case "Pointer":
      return problemsOf(issue.issue, [...path, ...issue.path])
    case "Encoding":
      return problemsOf(issue.issue, path)
    case "Composite":
      return issue.issues.flatMap((inner) => problemsOf(inner, path))
    case "AnyOf":
      if (issue.issues.length > 0) return issue.issues.flatMap((inner) => problemsOf(inner, path))
  }
  if (isAbsent(issue)) return [{ path, message: undefined }]
  return standardIssues(issue).issues.map((worded) => ({
    path: [...path, ...(worded.path ?? []).map((segment) => (typeof segment === "object" ? segment.key : segment))],
    message: worded.message
  }))
}

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
 *   Effect.provide(TeoCredentials.layerConfig()),
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
  const clauses = problemsOf(cause.issue, []).map(({ path, message }) => {
    const key = path.map(String).join(".")
    const name = names[key] ?? key
    if (message === undefined) return name === "" ? "a value is not set" : `${name} is not set`
    return name === "" ? message : `${name} ${message}`
  })
  return clauses.join("; ")
}
