// A user's application, type-checked with TypeScript 5.9 against the packed
// packages (see scripts/check-packages.ts). It composes the layers at the edge
// the way the README shows. Extend it as packages gain public modules.

import type * as TeoApiPackage from "@teo-effect/api"
import { TeoCredentials } from "@teo-effect/auth"
import type * as TeoCliPackage from "@teo-effect/cli"
import type * as TeoTestingPackage from "@teo-effect/testing"
import { type Config, Effect, Layer, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"

export type Packages = [typeof TeoApiPackage, typeof TeoCliPackage, typeof TeoTestingPackage]

const program = Effect.gen(function* () {
  const credentials = yield* TeoCredentials
  yield* Effect.log(`téo instance ${credentials.teoId}, token endpoint ${credentials.tokenUrl}`)
  return Redacted.isRedacted(credentials.clientSecret)
})

const MainLayer = Layer.mergeAll(TeoCredentials.layerConfig, FetchHttpClient.layer)

export const main: Effect.Effect<boolean, Config.ConfigError> = program.pipe(Effect.provide(MainLayer))

export const fromValues: Layer.Layer<TeoCredentials, Config.ConfigError> = TeoCredentials.layer({
  clientId: "client",
  clientSecret: Redacted.make("secret"),
  teoId: "instance"
})
