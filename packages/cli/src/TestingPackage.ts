/**
 * `@teo-effect/testing`, an optional peer of the CLI: FakeTeo lives there,
 * with `jose` and the rest of the test tooling, which a production install
 * of `teo` does without. It is loaded when a command needs it — `--fake`
 * (`TEO_FAKE=1`) and `teo fake-server` — and its absence is a usage error
 * that says what to install, as is a version other than the CLI's. Only the
 * package itself missing counts as absent: any other failure to load it is
 * reported as it is.
 *
 * @since 0.2.0
 */
import { createRequire } from "node:module"
import { Effect, Predicate, Result, Schema } from "effect"
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

/** What installs it: in the project (where `teo` is installed too), or for one run through npx, which sees no project's packages. */
const install = `npm install -D --save-exact ${name}@${version} (or, for one run without installing: npx -p @teo-effect/cli@${version} -p ${name}@${version} teo …)`

/**
 * The usage error for `feature` (`--fake`, `teo fake-server`) when the
 * package is not installed: the command that installs it.
 *
 * @since 0.2.0
 * @category errors
 */
export const missing = (feature: string): UsageError =>
  new UsageError({
    message: `${feature} needs ${name}: ${install}`
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
 * The usage error for `feature` when the installed package's version is
 * `found` (`undefined`: none could be read), not the CLI's: the command that
 * installs the right one.
 *
 * @since 0.2.0
 * @category errors
 */
export const mismatched = (feature: string, found: string | undefined): UsageError =>
  new UsageError({
    message: `${feature} needs ${name} ${version}, found ${found === undefined ? "no readable version" : /^[\w.+-]{1,64}$/.test(found) ? found : JSON.stringify(found.slice(0, 64))}: ${install}`
  })

/** The version in the installed package's `package.json` (exported), or `undefined`. */
const installedVersion = (): string | undefined => {
  try {
    const manifest: unknown = createRequire(import.meta.url)(`${name}/package.json`)
    return Predicate.hasProperty(manifest, "version") && typeof manifest.version === "string"
      ? manifest.version
      : undefined
  } catch {
    return undefined
  }
}

const reasonOf = (error: unknown): string =>
  Predicate.hasProperty(error, "message") ? String(error.message) : String(error)

/**
 * Runs `importer` — the dynamic import of the package, written where the
 * module is used so that its types stay there, out of this package's
 * declarations — for `feature`: the module, or the usage error saying what
 * to install (the package absent, or at another version than the CLI's), or
 * what else went wrong. A package that fails to load and is at another
 * version is reported as at another version: installing the right one is
 * the fix.
 *
 * @since 0.2.0
 */
export const load = Effect.fn("TestingPackage.load")(function* <A>(feature: string, importer: () => Promise<A>) {
  const loaded = yield* Effect.tryPromise({ try: importer, catch: (error) => error }).pipe(Effect.result)
  if (Result.isFailure(loaded) && isAbsent(loaded.failure)) return yield* missing(feature)
  const found = installedVersion()
  if (found !== version && (Result.isSuccess(loaded) || found !== undefined)) {
    return yield* mismatched(feature, found)
  }
  if (Result.isFailure(loaded)) return yield* new TestingLoadFailed({ reason: reasonOf(loaded.failure) })
  return loaded.success
})
