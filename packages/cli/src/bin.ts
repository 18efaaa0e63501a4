#!/usr/bin/env node
/**
 * The `teo` executable: `main` with Node's services (file system, terminal…),
 * the progress line on stderr, logs on stderr, and the exit code.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Logger } from "effect"
import { Progress } from "./Progress.js"
import { exitCodeOf, main } from "./Teo.js"

// A reader that stops early (`teo dossiers list --format ndjson | head -1`) closes the pipe: that
// is the end of the output, not an error — exit quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
  throw error
})

main(process.argv.slice(2)).pipe(
  Effect.provide(NodeServices.layer),
  Effect.provide(Progress.layerStderr),
  // Logs (`--log-level debug`) are not data: stderr, so that stdout stays JSON, NDJSON or the table.
  Effect.provide(Logger.layer([Logger.withConsoleError(Logger.formatSimple)])),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    teardown: (exit, onExit) => onExit(exitCodeOf(exit))
  })
)
