/**
 * The whole of teo-effect in one layer: credentials, the access token, the
 * API, the dossiers and the prestations, wired as an application would wire them. The HTTP
 * client stays the application's choice (`UndiciHttpClient.layer` on Node,
 * `FetchHttpClient.layer` from `effect/http` elsewhere).
 *
 * @since 0.1.0
 */
import {
  AccessToken,
  type AccessTokenOptions,
  type TeoConfig,
  TeoCredentials,
  type TeoCredentialsOptions
} from "@teo-effect/auth"
import { type Config, Layer, type Scope } from "effect"
import type { HttpClient } from "effect/http"
import { Dossiers } from "./Dossiers.js"
import { Prestations } from "./Prestations.js"
import { TeoApi } from "./TeoApi.js"
import type * as TeoApiOptions from "./TeoApiOptions.js"

/**
 * The services `Teo.layer` and `Teo.layerConfig` provide.
 *
 * @since 0.1.0
 * @category models
 */
export type Services = TeoCredentials | AccessToken | TeoApi | Dossiers | Prestations

/**
 * Options of the token and of the API, each with its defaults.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<R = never> {
  /** The token's options; `store: RedisTokenStore.make()` shares it across a fleet (needs `Redis`). */
  readonly token?: AccessTokenOptions<R>
  readonly api?: Omit<TeoApiOptions.TeoApiOptions, "baseUrl">
}

/**
 * `Teo.layerConfig`'s options: the token's, and the credentials' and the
 * API's as `TeoCredentials.layerConfig` and `TeoApi.layerConfig` take them —
 * `Config`s of your own where the `TEO_*` variables should not be read.
 *
 * @since 0.3.0
 * @category models
 */
export interface ConfigOptions<R = never> {
  readonly token?: AccessTokenOptions<R>
  readonly credentials?: TeoConfig.Values<TeoCredentialsOptions>
  readonly api?: TeoApiOptions.ConfigOptions
}

/** What the layers need from the application: an `HttpClient`, and what the token store needs (`Redis`). */
type Needs<R> = HttpClient.HttpClient | Exclude<Exclude<R, Scope.Scope>, TeoCredentials>

const wire = <R>(
  credentials: Layer.Layer<TeoCredentials, Config.ConfigError>,
  api: Layer.Layer<TeoApi, Config.ConfigError, AccessToken | HttpClient.HttpClient>,
  options: { readonly token?: AccessTokenOptions<R> | undefined }
): Layer.Layer<Services, Config.ConfigError, Needs<R>> =>
  Layer.merge(Dossiers.layer, Prestations.layer).pipe(
    Layer.provideMerge(api),
    Layer.provideMerge(AccessToken.layer(options.token)),
    Layer.provideMerge(credentials)
  )

/**
 * Everything from the environment: `TEO_CLIENT_ID`, `TEO_CLIENT_SECRET`,
 * `TEO_ID`, and the optional `TEO_AUTH_URL`, `TEO_API_URL`,
 * `TEO_ALLOW_PLAIN_HTTP`. A missing or bad variable fails the layer with a
 * `ConfigError` that names it (and never shows the secret).
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Dossiers, Teo, UndiciHttpClient } from "@teo-effect/api"
 * import { Effect, Layer, Stream } from "effect"
 *
 * const TeoLive = Teo.layerConfig().pipe(Layer.provide(UndiciHttpClient.layer))
 *
 * const program = Effect.gen(function* () {
 *   const dossiers = yield* Dossiers
 *   yield* dossiers.list().pipe(
 *     Stream.take(10),
 *     Stream.runForEach((dossier) => Effect.log(dossier["@id"]))
 *   )
 * })
 *
 * program.pipe(Effect.provide(TeoLive), NodeRuntime.runMain)
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = <R = never>(
  options: ConfigOptions<R> = {}
): Layer.Layer<Services, Config.ConfigError, Needs<R>> =>
  wire(TeoCredentials.layerConfig(options.credentials), TeoApi.layerConfig(options.api), options)

/**
 * Everything from values: the credentials as `TeoCredentials.layer` takes
 * them, and the API's base URL among the API options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <R = never>(
  options: Options<R> & { readonly credentials: TeoCredentialsOptions; readonly api?: TeoApiOptions.TeoApiOptions }
): Layer.Layer<Services, Config.ConfigError, Needs<R>> =>
  wire(TeoCredentials.layer(options.credentials), TeoApi.layer(options.api), options)
