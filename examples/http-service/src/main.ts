/**
 * The service, with its layers composed in one place: téo from the TEO_*
 * environment (over undici), the routes, served on HOST:PORT (default 127.0.0.1:3000: this
 * machine only) by
 * `@effect/platform-node`'s HTTP server, run by `NodeRuntime.runMain`.
 *
 *   node src/main.ts
 *
 * A missing or wrong TEO_* variable stops it before it listens, with a
 * sentence that names the variable; Ctrl-C stops it cleanly.
 */
import { createServer } from "node:http"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Teo, UndiciHttpClient } from "@teo-effect/api"
import { configErrorMessage } from "@teo-effect/auth"
import { Config, Console, Effect, Layer } from "effect"
import { HttpRouter } from "effect/http"
import { Routes } from "./Routes.ts"

/** téo from the TEO_* environment, over undici. */
const TeoLive = Teo.layerConfig().pipe(Layer.provide(UndiciHttpClient.layer))

const ServerLive = Layer.unwrap(
  Effect.map(
    Config.all({
      port: Config.Port("PORT").pipe(Config.withDefault(3000)),
      // This machine only, unless HOST says otherwise (0.0.0.0 behind a proxy or in a container).
      host: Config.String("HOST").pipe(Config.withDefault("127.0.0.1"))
    }),
    ({ port, host }) => NodeHttpServer.layer(createServer, { port, host })
  )
)

HttpRouter.serve(Routes).pipe(
  Layer.provide(TeoLive),
  Layer.provide(ServerLive),
  Layer.launch,
  Effect.tapError((error) =>
    Console.error(
      error._tag === "ConfigError" ? `not started: ${configErrorMessage(error)}` : `not started: ${error.message}`
    )
  ),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
