/**
 * Everything a test of a téo integration needs, in one layer: FakeTeo and the
 * real teo-effect services pointed at it.
 *
 * @since 0.1.0
 */
import { Dossiers, Prestations, Teo, TeoApi, type TeoApiOptions } from "@teo-effect/api"
import { AccessToken, type AccessTokenOptions, type TeoCredentials, Token } from "@teo-effect/auth"
import { type Config, DateTime, Effect, Layer, Redacted } from "effect"
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

/**
 * The real `TeoApi`, `Dossiers` and `Prestations` at `url` — a Pact mock
 * server in a consumer test — sending the fixed bearer `token` (the token
 * endpoint has its own contract), without retries, on `FetchHttpClient`.
 *
 * @example
 * ```ts
 * import { Dossiers } from "@teo-effect/api"
 * import { TeoTest } from "@teo-effect/testing"
 * import { Effect } from "effect"
 *
 * // inside `executeTest(async (mockServer) => …)`:
 * const page = (url: string) =>
 *   Effect.runPromise(
 *     Effect.flatMap(Effect.service(Dossiers), (dossiers) => dossiers.page()).pipe(
 *       Effect.provide(TeoTest.layerAt(url, { token: "eyJ.example.token" }))
 *     )
 *   )
 * ```
 *
 * @since 0.4.0
 * @category layers
 */
export const layerAt = (
  url: string,
  options: { readonly token: string; readonly teoApi?: Omit<TeoApiOptions, "baseUrl"> }
): Layer.Layer<TeoApi | Dossiers | Prestations, Config.ConfigError> =>
  Layer.mergeAll(Dossiers.layer, Prestations.layer).pipe(
    Layer.provideMerge(TeoApi.layer({ retry: false, ...options.teoApi, baseUrl: `${url.replace(/\/$/, "")}/api` })),
    Layer.provide(
      Layer.succeed(
        AccessToken,
        AccessToken.of({
          get: Effect.succeed(
            new Token({
              value: Redacted.make(options.token),
              expiresAt: DateTime.makeUnsafe("2100-01-01T00:00:00Z"),
              scope: "target-entity:pact",
              tokenType: "Bearer"
            })
          ),
          invalidate: () => Effect.void
        })
      )
    ),
    Layer.provide(FetchHttpClient.layer)
  )
