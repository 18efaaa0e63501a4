/**
 * The environment variables of teo-effect, each read by one `Config` — the
 * defaults of every `layerConfig`, which also takes `Config` values of your
 * own (another variable, a secrets manager's `ConfigProvider`):
 *
 * | variable | `Config` | |
 * |---|---|---|
 * | `TEO_CLIENT_ID` | {@link clientId} | required |
 * | `TEO_CLIENT_SECRET` | {@link clientSecret} | required, `Redacted` |
 * | `TEO_ID` | {@link teoId} | required: the téo instance |
 * | `TEO_AUTH_URL` | {@link authUrl} | the token endpoint (or the auth server's origin) |
 * | `TEO_API_URL` | {@link apiUrl} | the API's base URL |
 * | `TEO_PARTNER_JWKS_URL` | {@link partnerJwksUrl} | the partner links' JWKS |
 * | `TEO_ALLOW_PLAIN_HTTP` | {@link allowPlainHttp} | `http:` to another host than this machine; default `false` |
 *
 * A missing or bad variable fails with a `ConfigError` that names it
 * (`configErrorMessage` words it), and never shows the secret.
 *
 * @example
 * ```ts
 * import { TeoConfig, TeoCredentials } from "@teo-effect/auth"
 * import { Config } from "effect"
 *
 * // The secret from another variable; the rest from the TEO_* defaults.
 * const CredentialsLive = TeoCredentials.layerConfig({
 *   clientSecret: Config.Redacted("VAULT_TEO_SECRET")
 * })
 *
 * // One variable on its own.
 * const instance: Config.Config<string> = TeoConfig.teoId
 * ```
 *
 * @since 0.3.0
 */
import { Config, Option, type Redacted, Schema } from "effect"
import * as EndpointUrl from "./internal/EndpointUrl.js"

/**
 * `A`'s fields, each given as a `Config` of it: what a `layerConfig` takes in
 * place of a variable (as `Config.Wrap`, every field optional).
 *
 * @since 0.3.0
 * @category models
 */
export type Values<A> = { readonly [K in keyof A]?: Config.Config<A[K]> }

/**
 * A credential value: non-empty and without surrounding whitespace (a trailing
 * newline copied from a secrets file otherwise shows up much later as an
 * `invalid_client` that nobody can see).
 *
 * @since 0.3.0
 * @category schemas
 */
export const Credential = Schema.String.check(
  Schema.isNonEmpty({ message: "must not be empty" }),
  Schema.isTrimmed({ message: "must not start or end with whitespace" })
)

/**
 * `TEO_CLIENT_ID`: the client id téo support gives.
 *
 * @since 0.3.0
 * @category configs
 */
export const clientId: Config.Config<string> = Config.schema(Credential, "TEO_CLIENT_ID")

/**
 * `TEO_CLIENT_SECRET`: the client secret téo support gives, `Redacted`.
 *
 * @since 0.3.0
 * @category configs
 */
export const clientSecret: Config.Config<Redacted.Redacted<string>> = Config.schema(
  Schema.Redacted(Credential),
  "TEO_CLIENT_SECRET"
)

/**
 * `TEO_ID`: the téo instance the token gives access to.
 *
 * @since 0.3.0
 * @category configs
 */
export const teoId: Config.Config<string> = Config.schema(Credential, "TEO_ID")

/**
 * `TEO_ALLOW_PLAIN_HTTP`: accept `http:` endpoint URLs to another host than
 * this machine. Default `false`.
 *
 * @since 0.3.0
 * @category configs
 */
export const allowPlainHttp: Config.Config<boolean> = Config.Boolean("TEO_ALLOW_PLAIN_HTTP").pipe(
  Config.withDefault(false)
)

const optionalUrl = (schema: Schema.Codec<string, string>, name: string): Config.Config<string | undefined> =>
  Config.option(Config.schema(schema, name)).pipe(Config.map(Option.getOrUndefined))

/**
 * `TEO_AUTH_URL`, when set: the token endpoint (a bare origin gets téo's
 * path, `/oauth2/token`), https unless on this machine or `allowPlainHttp`.
 *
 * @since 0.3.0
 * @category configs
 */
export const authUrl = (options: { readonly allowPlainHttp: boolean }): Config.Config<string | undefined> =>
  optionalUrl(EndpointUrl.TokenUrl(options.allowPlainHttp), "TEO_AUTH_URL")

/**
 * `TEO_API_URL`, when set: the API's base URL, https unless on this machine
 * or `allowPlainHttp`, without query or fragment.
 *
 * @since 0.3.0
 * @category configs
 */
export const apiUrl = (options: { readonly allowPlainHttp: boolean }): Config.Config<string | undefined> =>
  optionalUrl(EndpointUrl.BaseUrl(options.allowPlainHttp), "TEO_API_URL")

/**
 * `TEO_PARTNER_JWKS_URL`, when set: the JWKS partner links are verified with
 * (`teo fake-server` prints it for a local FakeTeo), https unless on this
 * machine or `allowPlainHttp`.
 *
 * @since 0.3.0
 * @category configs
 */
export const partnerJwksUrl = (options: { readonly allowPlainHttp: boolean }): Config.Config<string | undefined> =>
  optionalUrl(EndpointUrl.Url(options.allowPlainHttp), "TEO_PARTNER_JWKS_URL")
