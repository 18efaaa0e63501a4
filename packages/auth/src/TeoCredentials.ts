/**
 * The credentials téo support gives an integrator — `CLIENT_ID`, `CLIENT_SECRET`
 * and `TEO_ID` (the téo instance) — plus the token endpoint to send them to.
 *
 * @since 0.1.0
 */
import { Config, Context, Effect, Layer, type Redacted, Schema, SchemaTransformation } from "effect"
import * as EndpointUrl from "./internal/EndpointUrl.js"

const defaultTokenUrl = "https://auth.teoapp.fr/oauth2/token"

/**
 * A credential value: non-empty and without surrounding whitespace (a trailing
 * newline copied from a secrets file otherwise shows up much later as an
 * `invalid_client` that nobody can see).
 */
const Credential = Schema.String.check(
  Schema.isNonEmpty({ message: "must not be empty" }),
  Schema.isTrimmed({ message: "must not start or end with whitespace" })
)

/**
 * The token endpoint: an absolute URL, https unless on this machine (see
 * `EndpointUrl`), normalised. A bare origin such as `http://127.0.0.1:4010`
 * gets téo's path, `/oauth2/token`.
 */
const TokenUrl = (allowPlainHttp: boolean) =>
  Schema.String.check(
    Schema.makeFilter((input: string) => EndpointUrl.problem(input, { allowPlainHttp }) ?? true)
  ).pipe(
    Schema.decodeTo(
      Schema.String,
      SchemaTransformation.transform({
        decode: (input) => {
          const url = new URL(input)
          return url.pathname === "/" ? new URL("/oauth2/token", url).href : url.href
        },
        encode: (url) => url
      })
    )
  )

const Options = (allowPlainHttp: boolean) =>
  Schema.Struct({
    clientId: Credential,
    clientSecret: Schema.Redacted(Credential),
    teoId: Credential,
    tokenUrl: Schema.optionalKey(TokenUrl(allowPlainHttp))
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

const config: Config.Config<TeoCredentials["Service"]> = Config.all({
  clientId: Config.schema(Credential, "TEO_CLIENT_ID"),
  clientSecret: Config.schema(Schema.Redacted(Credential), "TEO_CLIENT_SECRET"),
  teoId: Config.schema(Credential, "TEO_ID"),
  tokenUrl: Config.Boolean("TEO_ALLOW_PLAIN_HTTP").pipe(
    Config.withDefault(false),
    Config.flatMap((allowPlainHttp) =>
      Config.schema(TokenUrl(allowPlainHttp), "TEO_AUTH_URL").pipe(Config.withDefault(defaultTokenUrl))
    )
  )
})

/**
 * The téo credentials of one integration. The secret is `Redacted`: it shows
 * as `<redacted>` in `String()`, `JSON.stringify`, `util.inspect` and logs.
 *
 * @example
 * ```ts
 * import { TeoCredentials } from "@teo-effect/auth"
 *
 * // From the environment: TEO_CLIENT_ID, TEO_CLIENT_SECRET, TEO_ID and,
 * // optionally, TEO_AUTH_URL.
 * const CredentialsLive = TeoCredentials.layerConfig
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
   * A layer from the `ConfigProvider` (the environment by default); see
   * {@link TeoCredentials.config}.
   *
   * @since 0.1.0
   */
  static readonly layerConfig: Layer.Layer<TeoCredentials, Config.ConfigError> = Layer.effect(TeoCredentials, config)
}
