/**
 * The partner application, with its layers composed in one place: téo's API
 * from the TEO_* environment, the partner links' keys from
 * TEO_PARTNER_JWKS_URL (téo's by default; `teo fake-server` prints a local
 * one), each link usable once, its token kept out of traces, served on HOST:PORT (default
 * 127.0.0.1:3000: this machine only) by
 * `@effect/platform-node`, run by `NodeRuntime.runMain`.
 *
 *   node src/main.ts
 *
 * A missing or wrong variable stops it before it listens, with a sentence
 * that names it; Ctrl-C stops it cleanly.
 */
import { createServer } from "node:http"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Teo, UndiciHttpClient } from "@teo-effect/api"
import { configErrorMessage, PartnerLink, PartnerLinkHttp } from "@teo-effect/auth"
import { Config, Console, Effect, Layer } from "effect"
import { HttpRouter } from "effect/http"
import { Routes } from "./Routes.ts"

/** téo's API and its partner links, over undici. */
const TeoLive = Layer.merge(Teo.layerConfig(), PartnerLink.layerConfig({ replayProtection: true })).pipe(
  Layer.provide(UndiciHttpClient.layer)
)

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
  // Traces record `?token=REDACTED`, never the link.
  Layer.provide(PartnerLinkHttp.layerRedactToken()),
  Layer.provide(ServerLive),
  Layer.launch,
  Effect.tapError((error) =>
    Console.error(
      error._tag === "ConfigError" ? `not started: ${configErrorMessage(error)}` : `not started: ${error.message}`
    )
  ),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
