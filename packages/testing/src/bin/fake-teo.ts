#!/usr/bin/env node
/**
 * `fake-teo`: FakeTeo as a standalone process, until interrupted — the same
 * command as `teo fake-server` (`FakeTeoCommand`).
 *
 *   fake-teo [--port 4010] [--dossiers 95] [--token-ttl 599] [--seed 1] [--profile rich|documented] [--unprefixed]
 *
 * Prints, on stdout, the environment that points teo-effect (or anything
 * else) at it; everything else goes to stderr. Exits 0 when interrupted, 2
 * on a bad flag or a port it cannot use.
 *
 * @since 0.1.0
 */
import { createRequire } from "node:module"
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Cause, Console, Effect, Exit } from "effect"
import { CliError, Command } from "effect/cli"
import * as FakeTeoCommand from "../FakeTeoCommand.js"

const { version } = createRequire(import.meta.url)("../../package.json") as { readonly version: string }

const main = Command.runWith(FakeTeoCommand.make("fake-teo"), { version })(process.argv.slice(2)).pipe(
  Effect.as(0),
  Effect.catchCause((cause) => {
    const failure = cause.reasons.find(Cause.isFailReason)
    if (failure === undefined) return Effect.failCause(cause)
    const error = failure.error
    // effect/cli has printed the help and the parse errors already.
    if (CliError.isCliError(error) && error._tag === "ShowHelp") return Effect.succeed(error.errors.length > 0 ? 2 : 0)
    return Console.error(`fake-teo: ${error.message}`).pipe(Effect.as(2))
  })
)

main.pipe(
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    // Interrupted (Ctrl-C, SIGTERM) is how FakeTeo is meant to stop: exit 0.
    teardown: (exit, onExit) =>
      onExit(
        Exit.isSuccess(exit) && typeof exit.value === "number"
          ? exit.value
          : Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)
            ? 0
            : 1
      )
  })
)
