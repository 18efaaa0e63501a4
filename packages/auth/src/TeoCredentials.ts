/**
 * The credentials téo support gives an integrator — `CLIENT_ID`, `CLIENT_SECRET`
 * and `TEO_ID` (the téo instance) — plus the token endpoint to send them to.
 *
 * @since 0.1.0
 */
import { Config, Context, Effect, Layer, Redacted, Schema } from "effect"
import * as EndpointUrl from "./internal/EndpointUrl.js"
import * as TeoConfig from "./TeoConfig.js"

const defaultTokenUrl = "https://auth.teoapp.fr/oauth2/token"

/**
 * A secret given as `Redacted`, held to the rules of {@link TeoConfig.Credential}; a refusal
 * names the rule, never the value (`Schema.Redacted` of the rule would say only "a valid value").
 */
const RedactedCredential = Schema.Redacted(Schema.String).check(
  Schema.makeFilter((secret: Redacted.Redacted<string>) => {
    const value = Redacted.value(secret)
    if (value === "") return "must not be empty"
    if (value.trim() !== value) return "must not start or end with whitespace"
    return undefined
  })
)

const Options = (allowPlainHttp: boolean) =>
  Schema.Struct({
    clientId: TeoConfig.Credential,
    clientSecret: RedactedCredential,
    teoId: TeoConfig.Credential,
    tokenUrl: Schema.optionalKey(EndpointUrl.TokenUrl(allowPlainHttp))
  })

/**
 * The values `TeoCredentials.layer` and `TeoCredentials.make` accept.
 *
 * @since 0.1.0
 * @category models
 */
export interface TeoCredentialsOptions {
  /** `CLIENT_ID`, given by téo support. */
  readonly clientId: string
  /** `CLIENT_SECRET`, given by téo support. Wrap it with `Redacted.make`. */
  readonly clientSecret: Redacted.Redacted<string>
  /** `TEO_ID`: the téo instance the token gives access to. */
  readonly teoId: string
  /** The token endpoint, or just the auth server's origin. Defaults to téo's, `https://auth.teoapp.fr/oauth2/token`. */
  readonly tokenUrl?: string
  /** Accept a plain `http:` token URL to another host than this machine. Default `false`. */
  readonly allowPlainHttp?: boolean
}

const make = (options: TeoCredentialsOptions): Effect.Effect<TeoCredentials["Service"], Config.ConfigError> =>
  Schema.decodeUnknownEffect(Options(options.allowPlainHttp === true))(options, { errors: "all" }).pipe(
    Effect.map(({ tokenUrl = defaultTokenUrl, clientId, clientSecret, teoId }) => ({
      clientId,
      clientSecret,
      teoId,
      tokenUrl
    })),
    Effect.mapError((error) => new Config.ConfigError(error))
  )

/** The options from `values`, each variable of {@link TeoConfig} where `values` gives none. */
const optionsConfig = (values: TeoConfig.Values<TeoCredentialsOptions>): Config.Config<TeoCredentialsOptions> =>
  Config.flatMap(values.allowPlainHttp ?? TeoConfig.allowPlainHttp, (allowPlainHttp = false) =>
    Config.all({
      clientId: values.clientId ?? TeoConfig.clientId,
      clientSecret: values.clientSecret ?? TeoConfig.clientSecret,
      teoId: values.teoId ?? TeoConfig.teoId,
      tokenUrl: values.tokenUrl ?? TeoConfig.authUrl({ allowPlainHttp })
    }).pipe(
      Config.map(({ tokenUrl, ...credentials }) => ({
        ...credentials,
        allowPlainHttp,
        ...(tokenUrl === undefined ? {} : { tokenUrl })
      }))
    )
  )

const config: Config.Config<TeoCredentials["Service"]> = Config.map(
  optionsConfig({}),
  ({ clientId, clientSecret, teoId, tokenUrl = defaultTokenUrl }) => ({ clientId, clientSecret, teoId, tokenUrl })
)

/**
 * The téo credentials of one integration. The secret is `Redacted`: it shows
 * as `<redacted>` in `String()`, `JSON.stringify`, `util.inspect` and logs.
 *
 * @example
 * ```ts
 * import { TeoCredentials } from "@teo-effect/auth"
 *
 * // From the environment: TEO_CLIENT_ID, TEO_CLIENT_SECRET, TEO_ID and,
 * // optionally, TEO_AUTH_URL (see TeoConfig).
 * const CredentialsLive = TeoCredentials.layerConfig()
 * ```
 *
 * @since 0.1.0
 * @category services
 */
export class TeoCredentials extends Context.Service<
  TeoCredentials,
  {
    /** `CLIENT_ID`, given by téo support. */
    readonly clientId: string
    /** `CLIENT_SECRET`, given by téo support; `Redacted.value` reads it. */
    readonly clientSecret: Redacted.Redacted<string>
    /** `TEO_ID`: the téo instance the token gives access to. */
    readonly teoId: string
    /** The token endpoint (a bare origin given gets téo's path, `/oauth2/token`); téo's own by default. */
    readonly tokenUrl: string
  }
>()("@teo-effect/auth/TeoCredentials") {
  /**
   * téo's OAuth2 token endpoint, as documented on its authentication page.
   *
   * @since 0.1.0
   */
  static readonly defaultTokenUrl = defaultTokenUrl

  /**
   * Checks the given values and builds the service. Empty or padded values and
   * a token URL that is not an absolute http(s) URL fail with a `ConfigError`
   * naming the option.
   *
   * @since 0.1.0
   */
  static readonly make = make

  /**
   * The credentials as a `Config`: `TEO_CLIENT_ID`, `TEO_CLIENT_SECRET`
   * (redacted), `TEO_ID`, and optional `TEO_AUTH_URL` (the token endpoint, or
   * just the auth server's origin). Missing or empty variables fail with a
   * `ConfigError` naming the variable.
   *
   * @since 0.1.0
   */
  static readonly config = config

  /**
   * A layer from values, for when the application reads its own secrets.
   *
   * @example
   * ```ts
   * import { TeoCredentials } from "@teo-effect/auth"
   * import { Redacted } from "effect"
   *
   * declare const secretFromVault: string
   *
   * const CredentialsLive = TeoCredentials.layer({
   *   clientId: "my-client",
   *   clientSecret: Redacted.make(secretFromVault),
   *   teoId: "my-instance"
   * })
   * ```
   *
   * @since 0.1.0
   */
  static readonly layer = (options: TeoCredentialsOptions): Layer.Layer<TeoCredentials, Config.ConfigError> =>
    Layer.effect(TeoCredentials, make(options))

  /**
   * A layer from the `ConfigProvider` (the environment by default): each
   * option from the `Config` given in `values`, or else from its variable
   * (see {@link TeoConfig}). A value given by a `Config` of yours is checked
   * as `layer` checks it.
   *
   * @example
   * ```ts
   * import { TeoCredentials } from "@teo-effect/auth"
   * import { Config } from "effect"
   *
   * const CredentialsLive = TeoCredentials.layerConfig({ teoId: Config.String("TEO_INSTANCE") })
   * ```
   *
   * @since 0.1.0
   */
  static readonly layerConfig = (
    values: TeoConfig.Values<TeoCredentialsOptions> = {}
  ): Layer.Layer<TeoCredentials, Config.ConfigError> =>
    Layer.effect(
      TeoCredentials,
      Effect.gen(function* () {
        return yield* make(yield* optionsConfig(values))
      })
    )
}
