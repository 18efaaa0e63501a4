// A user's application, type-checked with TypeScript 5.9 against the packed
// packages (see scripts/check-packages.ts). It composes the layers at the edge
// the way the README shows. Extend it as packages gain public modules.

import type * as TeoApiPackage from "@teo-effect/api"
import { AccessToken, type AuthError, TeoCredentials, type Token } from "@teo-effect/auth"
import type * as TeoCliPackage from "@teo-effect/cli"
import type * as TeoTestingPackage from "@teo-effect/testing"
import { type Config, Effect, Layer, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"

export type Packages = [typeof TeoApiPackage, typeof TeoCliPackage, typeof TeoTestingPackage]

const program: Effect.Effect<Token, AuthError, AccessToken> = Effect.gen(function* () {
  const accessToken = yield* AccessToken
  const token = yield* accessToken.get
  yield* Effect.log(`token for ${token.scope}, valid until ${token.expiresAt}`)
  return token
})

const handled = program.pipe(
  Effect.catchTags({
    InvalidClient: (error) => Effect.die(error.message),
    InvalidScope: (error) => Effect.die(error.message),
    ExpiredToken: (error) => Effect.die(error.message),
    TokenRequestFailed: (error) => Effect.die(`${error.reason}: ${error.message}`)
  })
)

const TeoLive: Layer.Layer<AccessToken, Config.ConfigError> = AccessToken.layer({ refreshWindow: "2 minutes" }).pipe(
  Layer.provide(TeoCredentials.layerConfig),
  Layer.provide(FetchHttpClient.layer)
)

export const main: Effect.Effect<Token, Config.ConfigError> = handled.pipe(Effect.provide(TeoLive))

export const fromValues: Layer.Layer<TeoCredentials, Config.ConfigError> = TeoCredentials.layer({
  clientId: "client",
  clientSecret: Redacted.make("secret"),
  teoId: "instance"
})
