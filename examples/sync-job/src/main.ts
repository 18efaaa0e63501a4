/**
 * Runs the sync against téo with the TEO_* credentials of the environment:
 *
 *   node src/main.ts [dossiers.csv]
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Teo } from "@teo-effect/api"
import { Effect, Layer } from "effect"
import { sync } from "./SyncJob.ts"

const output = process.argv[2] ?? "dossiers.csv"

/** téo from the TEO_* environment, over undici. */
const TeoLive = Teo.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

Effect.runPromiseExit(sync({ output, checkpoint: `${output}.checkpoint.json` }).pipe(Effect.provide(TeoLive))).then(
  (exit) => {
    if (exit._tag === "Failure") {
      console.error("sync failed; run again to resume:", String(exit.cause))
      process.exitCode = 1
    }
  }
)
