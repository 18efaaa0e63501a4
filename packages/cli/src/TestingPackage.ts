/**
 * `@teo-effect/testing`, an optional peer of the CLI: FakeTeo lives there,
 * with `jose` and the rest of the test tooling, which a production install
 * of `teo` does without. It is loaded when a command needs it — `--fake`
 * (`TEO_FAKE=1`) and `teo fake-server` — and its absence is a usage error
 * that says what to install. Only the package itself missing counts as
 * absent: any other failure to load it is reported as it is.
 *
 * @since 0.2.0
 */
import { createRequire } from "node:module"
import { Effect, Predicate, Schema } from "effect"
import { UsageError } from "./Failure.js"

/**
 * The CLI's version, which `@teo-effect/testing` must match.
 *
 * @since 0.2.0
 */
export const version: string = (createRequire(import.meta.url)("../package.json") as { readonly version: string })
  .version

/**
 * The package's name.
 *
 * @since 0.2.0
 */
export const name = "@teo-effect/testing"

/**
 * The usage error for `feature` (`--fake`, `teo fake-server`) when the
 * package is not installed: the command that installs it.
 *
 * @since 0.2.0
 * @category errors
 */
export const missing = (feature: string): UsageError =>
  new UsageError({
    message: `${feature} needs ${name}: npm install -D --save-exact ${name}@${version}`
  })

/**
 * `@teo-effect/testing` is installed but could not be loaded (a dependency
 * of its own missing, a broken install): the error as Node.js gave it.
 *
 * @since 0.2.0
 * @category errors
 */
export class TestingLoadFailed extends Schema.TaggedError<TestingLoadFailed>()("TestingLoadFailed", {
  reason: Schema.String
}) {
  override get message(): string {
    return `${name} is installed but could not be loaded: ${this.reason}`
  }
}

/** Node.js's error for the package itself not being found — not a file or a dependency inside it. */
const isAbsent = (error: unknown): boolean =>
  Predicate.hasProperty(error, "code") &&
  error.code === "ERR_MODULE_NOT_FOUND" &&
  Predicate.hasProperty(error, "message") &&
  typeof error.message === "string" &&
  error.message.startsWith(`Cannot find package '${name}' `)

/**
 * Runs `importer` — the dynamic import of the package, written where the
 * module is used so that its types stay there, out of this package's
 * declarations — for `feature`: the module, or the usage error saying what
 * to install, or what else went wrong.
 *
 * @since 0.2.0
 */
export const load = Effect.fn("TestingPackage.load")(function* <A>(feature: string, importer: () => Promise<A>) {
  return yield* Effect.tryPromise({
    try: importer,
    catch: (error) =>
      isAbsent(error)
        ? missing(feature)
        : new TestingLoadFailed({
            reason: Predicate.hasProperty(error, "message") ? String(error.message) : String(error)
          })
  })
})
