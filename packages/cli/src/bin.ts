#!/usr/bin/env node
/**
 * The `teo` executable.
 *
 * @since 0.1.0
 */
import * as NodeChildProcessSpawner from "@effect/platform-node-shared/NodeChildProcessSpawner"
import * as NodeFileSystem from "@effect/platform-node-shared/NodeFileSystem"
import * as NodePath from "@effect/platform-node-shared/NodePath"
import * as NodeRuntime from "@effect/platform-node-shared/NodeRuntime"
import * as NodeStdio from "@effect/platform-node-shared/NodeStdio"
import * as NodeTerminal from "@effect/platform-node-shared/NodeTerminal"
import { Effect, Layer, Logger } from "effect"
import { exitCodeOf, main } from "./Teo.js"

const NodeServices = Layer.mergeAll(NodeChildProcessSpawner.layer, NodeStdio.layer, NodeTerminal.layer).pipe(
  Layer.provideMerge(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer))
)

// A reader that stops early (`teo dossiers list --format ndjson | head -1`) closes the pipe: that
// is the end of the output, not an error — exit quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
  throw error
})

main(process.argv.slice(2)).pipe(
  Effect.provide(NodeServices),
  // Logs (`--log-level debug`) are not data: stderr, so that stdout stays JSON, NDJSON or the table.
  Effect.provide(Logger.layer([Logger.withConsoleError(Logger.formatSimple)])),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    teardown: (exit, onExit) => onExit(exitCodeOf(exit))
  })
)
