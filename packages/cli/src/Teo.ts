/**
 * The `teo` command as a whole: the tree of its subcommands (one module
 * each, in `commands/`), and how it runs — help and errors on stderr, an
 * exit code by kind of failure.
 *
 * @since 0.1.0
 */
import { Cause, Config, Console, Effect, Exit, Predicate, Result } from "effect"
import { CliError, CliOutput, Command } from "effect/cli"
import * as DossiersCreate from "./commands/DossiersCreate.js"
import * as DossiersGet from "./commands/DossiersGet.js"
import * as DossiersList from "./commands/DossiersList.js"
import * as GenerateCommand from "./commands/Generate.js"
import * as Get from "./commands/Get.js"
import * as PartnerLinkCommand from "./commands/PartnerLink.js"
import * as PrestationsList from "./commands/PrestationsList.js"
import * as Token from "./commands/Token.js"
import { ExitCode, reportOf, reportOfCause, UsageError } from "./Failure.js"
import { root } from "./Root.js"
import * as TestingPackage from "./TestingPackage.js"

/**
 * The version `teo --version` prints: the package's own.
 *
 * @since 0.1.0
 */
export const version: string = TestingPackage.version

const dossiers = Command.make("dossiers").pipe(
  Command.withDescription("téo's dossiers (Production › Dossiers)"),
  Command.withSubcommands([DossiersList.command, DossiersGet.command, DossiersCreate.command])
)

const prestations = Command.make("prestations").pipe(
  Command.withDescription("téo's prestations (the services a dossier is opened for; an assumed endpoint)"),
  Command.withSubcommands([PrestationsList.command])
)

/** Why `teo fake-server` cannot run: `@teo-effect/testing` is absent, or would not load. */
type Unavailable = UsageError | TestingPackage.TestingLoadFailed

/**
 * `teo fake-server` as `teo --help` lists it, without loading
 * `@teo-effect/testing` (an optional peer): the name and description of the
 * real one; run, it fails with `failure`.
 */
const standIn = (failure: Effect.Effect<never, Unavailable>) =>
  Command.make("fake-server", {}, () => failure).pipe(
    Command.withDescription(
      "Run FakeTeo, a local téo (token endpoint and API), until interrupted; prints the environment that points clients at it (needs @teo-effect/testing)"
    )
  )

type FakeServer = ReturnType<typeof standIn>

/** A command named `fake-server`: what the stand-in stands for (its flags are the loaded package's own). */
const isFakeServer = (made: unknown): made is FakeServer => Command.isCommand(made) && made.name === "fake-server"

/**
 * The same command as the `fake-teo` executable — the same flags, the same
 * lines — from `@teo-effect/testing`, loaded now. Typed as the stand-in, so
 * that this package's declarations never name that one's. A package that
 * loads but has no `FakeTeoCommand.make`, or whose `make` throws or makes
 * something else than a command, could not be loaded either: a
 * `TestingLoadFailed`, never a defect.
 */
const realFakeServer: Effect.Effect<FakeServer, Unavailable> = Effect.flatMap(
  TestingPackage.load("teo fake-server", () => import("@teo-effect/testing")),
  (testing) =>
    Effect.try({
      try: () => {
        // Another version of the package may have another shape: each step is checked, not assumed.
        const fakeTeoCommand: unknown = Predicate.hasProperty(testing, "FakeTeoCommand")
          ? testing.FakeTeoCommand
          : undefined
        if (!Predicate.hasProperty(fakeTeoCommand, "make") || !Predicate.isFunction(fakeTeoCommand.make)) {
          throw new Error("it has no FakeTeoCommand.make")
        }
        const made: unknown = fakeTeoCommand.make("fake-server", "teo fake-server")
        if (!isFakeServer(made)) throw new Error("its FakeTeoCommand.make does not make the fake-server command")
        return made
      },
      catch: (error) =>
        new TestingPackage.TestingLoadFailed({
          reason: error instanceof Error ? error.message : String(error)
        })
    })
)

const withFakeServer = (fakeServer: FakeServer) =>
  root.pipe(
    Command.withSubcommands([
      Token.command,
      dossiers,
      prestations,
      Get.command,
      PartnerLinkCommand.command,
      GenerateCommand.command,
      fakeServer
    ])
  )

/**
 * The whole `teo` command, as `teo --help` shows it. Its `fake-server` is a
 * stand-in that loads nothing: `main` puts in the real one, from
 * `@teo-effect/testing`, when the arguments name it; run on its own, the
 * stand-in says so (or what to install).
 *
 * @since 0.1.0
 */
export const command = withFakeServer(
  standIn(
    Effect.flatMap(realFakeServer, () =>
      Effect.fail(
        new UsageError({
          message: "teo fake-server runs through main (@teo-effect/cli), which loads it from @teo-effect/testing"
        })
      )
    )
  )
)

/**
 * `fake-server` when the arguments may ask for it: the real one, or the
 * stand-in that says why not. effect/cli decides whether it is the
 * subcommand; a flag's value or an argument that is the same word
 * (`teo get fake-server`) only costs the import, and a failed one is
 * reported only if `fake-server` runs.
 */
const fakeServerFor = (
  args: ReadonlyArray<string>
): Effect.Effect<{ readonly fakeServer: FakeServer | undefined; readonly unavailable: Unavailable | undefined }> =>
  args.includes("fake-server")
    ? Effect.map(Effect.result(realFakeServer), (loaded) =>
        Result.isSuccess(loaded)
          ? { fakeServer: loaded.success, unavailable: undefined }
          : { fakeServer: standIn(Effect.fail(loaded.failure)), unavailable: loaded.failure }
      )
    : Effect.succeed({ fakeServer: undefined, unavailable: undefined })

/**
 * Help that was asked for (`--help`) is the output: stdout. A wrong command
 * line is a diagnostic on stderr: its errors and where the help is, not the
 * help itself. An incomplete one (`teo`, `teo dossiers`) shows its help, on
 * stderr too, so that stdout never holds anything but data.
 */
const presenter = (unavailable: Unavailable | undefined) =>
  CliOutput.layerPresenter({
    present: (event) =>
      event._tag === "InvalidInvocation"
        ? Effect.gen(function* () {
            // The stand-in takes no flags: say what is missing, not that `--port` is unknown.
            if (unavailable !== undefined && event.commandPath[1] === "fake-server") {
              return yield* Console.error(`teo: ${unavailable.message}`)
            }
            const formatter = yield* CliOutput.Formatter
            yield* Console.error(formatter.formatErrors(event.errors))
            yield* Console.error(`see \`${event.commandPath.join(" ")} --help\``)
          })
        : event._tag === "Help" && event.reason === "Implicit"
          ? Effect.flatMap(Effect.service(CliOutput.Formatter), (formatter) =>
              Console.error(formatter.formatHelpDoc(event.helpDoc))
            )
          : CliOutput.defaultPresenter.present(event)
  })

/** `TEO_DEBUG` set to anything but empty, `0` or `false`. */
const debug = Effect.orElseSucceed(
  Effect.map(Config.String("TEO_DEBUG").pipe(Config.withDefault("")), (value) => !["", "0", "false"].includes(value)),
  () => false
)

/**
 * Runs `teo` with `args`; ends with the exit code, having printed any error
 * with its hint on stderr.
 *
 * @since 0.1.0
 */
export const main = (args: ReadonlyArray<string>) =>
  Effect.flatMap(fakeServerFor(args), ({ fakeServer, unavailable }) =>
    Command.runWith(fakeServer === undefined ? command : withFakeServer(fakeServer), { version })(args).pipe(
      Effect.provide(presenter(unavailable)),
      Effect.as(ExitCode.ok),
      Effect.catchCause((cause) => {
        const failure = cause.reasons.find(Cause.isFailReason)
        if (failure !== undefined && CliError.isCliError(failure.error)) {
          // effect/cli has printed the help and the parse errors already.
          const error = failure.error
          // Shown for a wrong or an incomplete command line (`teo` alone): a usage exit either way. `--help` succeeds.
          if (error._tag === "ShowHelp") {
            // `teo fake-server --port …` without @teo-effect/testing: the presenter said why.
            const standInRan = unavailable !== undefined && error.commandPath[1] === "fake-server"
            return Effect.succeed(standInRan ? reportOf(unavailable).code : ExitCode.usage)
          }
          return Console.error(`teo: ${error.message}`).pipe(Effect.as(ExitCode.usage))
        }
        const report = failure === undefined ? reportOfCause(cause) : reportOf(failure.error)
        return Console.error(`teo: ${report.message}${report.hint === undefined ? "" : `\n${report.hint}`}`).pipe(
          // TEO_DEBUG=1: the whole cause too, for what has no message of its own (secrets stay redacted).
          Effect.andThen(
            Effect.when(
              Console.error(Cause.pretty(cause)),
              Effect.map(debug, (on) => on && report.code === ExitCode.unexpected)
            )
          ),
          Effect.as(report.code)
        )
      })
    )
  )

/**
 * The exit code for how the main fiber ended.
 *
 * @since 0.1.0
 */
export const exitCodeOf = <E, A>(exit: Exit.Exit<A, E>): number =>
  Exit.isSuccess(exit)
    ? typeof exit.value === "number"
      ? exit.value
      : ExitCode.ok
    : Cause.hasInterruptsOnly(exit.cause)
      ? 130
      : ExitCode.unexpected
