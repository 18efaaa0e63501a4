/**
 * Runs the sync against téo with the TEO_* credentials of the environment:
 *
 *   node src/main.ts [dossiers.csv]
 */
import { NodeRuntime } from "@effect/platform-node"
import { Teo, UndiciHttpClient } from "@teo-effect/api"
import { configErrorMessage } from "@teo-effect/auth"
import { Console, Effect, Layer } from "effect"
import { sync } from "./SyncJob.ts"

const output = process.argv[2] ?? "dossiers.csv"

/** téo from the TEO_* environment, over undici. */
const TeoLive = Teo.layerConfig().pipe(Layer.provide(UndiciHttpClient.layer))

sync({ output, checkpoint: `${output}.checkpoint.json` }).pipe(
  Effect.provide(TeoLive),
  // Every failure says what went wrong in a sentence (a missing TEO_* variable names it); exit code 1.
  Effect.tapError((error) =>
    Console.error(
      error._tag === "ConfigError"
        ? `sync not started: ${configErrorMessage(error)}`
        : error._tag === "CheckpointUnreadable"
          ? `sync not started: ${error.message}`
          : `sync failed: ${error.message}\n${output} is unchanged; run again to resume.`
    )
  ),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
