/**
 * Runs the sync against téo with the TEO_* credentials of the environment:
 *
 *   node src/main.ts [dossiers.csv]
 */
import { Dossiers, TeoApi } from "@teo-effect/api"
import { AccessToken, TeoCredentials } from "@teo-effect/auth"
import { Effect, Layer } from "effect"
import { FetchHttpClient } from "effect/http"
import { sync } from "./SyncJob.ts"

const output = process.argv[2] ?? "dossiers.csv"

const TeoLive = Dossiers.layer.pipe(
  Layer.provideMerge(TeoApi.layerConfig()),
  Layer.provide(AccessToken.layer()),
  Layer.provide(TeoCredentials.layerConfig),
  Layer.provide(FetchHttpClient.layer)
)

Effect.runPromiseExit(sync({ output, checkpoint: `${output}.checkpoint.json` }).pipe(Effect.provide(TeoLive))).then(
  (exit) => {
    if (exit._tag === "Failure") {
      console.error("sync failed; run again to resume:", String(exit.cause))
      process.exitCode = 1
    }
  }
)
