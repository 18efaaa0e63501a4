/**
 * The `teo` command as a whole: the tree of its subcommands (one module
 * each, in `commands/`), and how it runs — help and errors on stderr, an
 * exit code by kind of failure.
 *
 * @since 0.1.0
 */
import { createRequire } from "node:module"
import { FakeTeoCommand } from "@teo-effect/testing"
import { Cause, Config, Console, Effect, Exit } from "effect"
import { CliError, CliOutput, Command } from "effect/cli"
import * as DossiersCreate from "./commands/DossiersCreate.js"
import * as DossiersGet from "./commands/DossiersGet.js"
import * as DossiersList from "./commands/DossiersList.js"
import * as Get from "./commands/Get.js"
import * as PartnerLinkCommand from "./commands/PartnerLink.js"
import * as PrestationsList from "./commands/PrestationsList.js"
import * as Token from "./commands/Token.js"
import { ExitCode, reportOf, reportOfCause } from "./Failure.js"
import { root } from "./Root.js"

/**
 * The version `teo --version` prints: the package's own.
 *
 * @since 0.1.0
 */
export const version: string = (createRequire(import.meta.url)("../package.json") as { readonly version: string })
  .version

const dossiers = Command.make("dossiers").pipe(
  Command.withDescription("téo's dossiers (Production › Dossiers)"),
  Command.withSubcommands([DossiersList.command, DossiersGet.command, DossiersCreate.command])
)

const prestations = Command.make("prestations").pipe(
  Command.withDescription("téo's prestations (the services a dossier is opened for; an assumed endpoint)"),
  Command.withSubcommands([PrestationsList.command])
)

/** The same command as the `fake-teo` executable: the same flags, the same lines. */
const fakeServer = FakeTeoCommand.make("fake-server", "teo fake-server")

/**
 * The whole `teo` command.
 *
 * @since 0.1.0
 */
export const command = root.pipe(
  Command.withSubcommands([Token.command, dossiers, prestations, Get.command, PartnerLinkCommand.command, fakeServer])
)

/**
 * Help that was asked for (`--help`) is the output: stdout. A wrong command
 * line is a diagnostic on stderr: its errors and where the help is, not the
 * help itself. An incomplete one (`teo`, `teo dossiers`) shows its help, on
 * stderr too, so that stdout never holds anything but data.
 */
const presenter = CliOutput.layerPresenter({
  present: (event) =>
    event._tag === "InvalidInvocation"
      ? Effect.gen(function* () {
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
  Command.runWith(command, { version })(args).pipe(
    Effect.provide(presenter),
    Effect.as(ExitCode.ok),
    Effect.catchCause((cause) => {
      const failure = cause.reasons.find(Cause.isFailReason)
      if (failure !== undefined && CliError.isCliError(failure.error)) {
        // effect/cli has printed the help and the parse errors already.
        const error = failure.error
        // Shown for a wrong or an incomplete command line (`teo` alone): a usage exit either way. `--help` succeeds.
        if (error._tag === "ShowHelp") return Effect.succeed(ExitCode.usage)
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
