/**
 * The root command, `teo`, with the connection flags every subcommand
 * inherits, and `connected`: how a subcommand runs against the téo (or the
 * embedded FakeTeo) those flags and the environment say.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Command } from "effect/cli"
import { type ConnectionFlags, connect } from "./Connection.js"
import * as Flags from "./Flags.js"

/**
 * `teo`, before its subcommands.
 *
 * @since 0.1.0
 * @category commands
 */
export const root = Command.make("teo").pipe(
  Command.withSharedFlags(Flags.connection),
  Command.withExamples([
    { command: "teo dossiers list --limit 20", description: "Your first 20 dossiers" },
    { command: "teo --fake dossiers list --limit 20", description: "The same on an embedded FakeTeo (generated data)" },
    { command: "teo token", description: "Check the credentials in TEO_CLIENT_ID, TEO_CLIENT_SECRET and TEO_ID" },
    { command: "teo fake-server --port 4010", description: "A local téo for your own code" }
  ]),
  Command.withDescription(
    "téo from the command line. Credentials come from TEO_CLIENT_ID, TEO_CLIENT_SECRET and TEO_ID (or the flags); --fake (or TEO_FAKE=1) answers from an embedded FakeTeo instead."
  )
)

/**
 * Runs `program` connected as the root's flags and the environment say.
 *
 * @since 0.1.0
 */
export const connected = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const flags: ConnectionFlags = yield* root
    return yield* program.pipe(Effect.provide(yield* connect(flags)))
  })
