/**
 * Everything a test of a téo integration needs, in one layer: FakeTeo and the
 * real teo-effect services pointed at it.
 *
 * @since 0.1.0
 */
import { type Dossiers, type Prestations, Teo, type TeoApi, type TeoApiOptions } from "@teo-effect/api"
import type { AccessToken, AccessTokenOptions, TeoCredentials } from "@teo-effect/auth"
import { type Config, Effect, Layer } from "effect"
import { FetchHttpClient } from "effect/http"
import { FakeTeo, type FakeTeoOptions, type FakeTeoResourceError, type FakeTeoStartError } from "./FakeTeo.js"

/**
 * Options of `TeoTest.layer`, one group per layer.
 *
 * @since 0.1.0
 * @category models
 */
export interface TeoTestOptions {
  readonly fakeTeo?: FakeTeoOptions
  readonly accessToken?: AccessTokenOptions
  readonly teoApi?: Omit<TeoApiOptions, "baseUrl">
}

/**
 * FakeTeo, plus `TeoCredentials` (its default client), `AccessToken`,
 * `TeoApi`, `Dossiers`, `Prestations` and `FetchHttpClient` wired to it: the real library
 * against a local téo, in one line.
 *
 * @example
 * ```ts
 * import { Dossiers } from "@teo-effect/api"
 * import { TeoTest } from "@teo-effect/testing"
 * import { it } from "@effect/vitest"
 * import { Effect, Stream } from "effect"
 *
 * it.effect("lists every dossier", () =>
 *   Effect.gen(function* () {
 *     const dossiers = yield* Dossiers
 *     const all = yield* Stream.runCollect(dossiers.list())
 *     // 95 by default
 *   }).pipe(Effect.provide(TeoTest.layer())))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: TeoTestOptions = {}
): Layer.Layer<
  FakeTeo | TeoCredentials | AccessToken | TeoApi | Dossiers | Prestations,
  Config.ConfigError | FakeTeoStartError | FakeTeoResourceError
> =>
  Layer.unwrap(
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      return Teo.layer({
        credentials: { ...fake.credentials, tokenUrl: fake.tokenUrl },
        ...(options.accessToken === undefined ? {} : { token: options.accessToken }),
        api: { ...options.teoApi, baseUrl: fake.apiUrl }
      }).pipe(Layer.provide(FetchHttpClient.layer))
    })
  ).pipe(Layer.provideMerge(FakeTeo.layer(options.fakeTeo)))
