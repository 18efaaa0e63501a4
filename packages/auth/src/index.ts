/**
 * `@teo-effect/auth`: téo credentials and the téo access token as Effect services.
 *
 * @since 0.1.0
 * @module @teo-effect/auth
 */
export * from "./AccessToken.js"
export * from "./AuthError.js"
/**
 * @since 0.2.0
 */
export * as AuthMetrics from "./AuthMetrics.js"
export * from "./ConfigErrorMessage.js"
export * from "./PartnerLink.js"
export * from "./PartnerLinkError.js"
/**
 * @since 0.2.0
 */
export * as PartnerLinkHttp from "./PartnerLinkHttp.js"
/**
 * @since 0.2.0
 */
export * as PartnerLinkReplay from "./PartnerLinkReplay.js"
/**
 * @since 0.2.0
 */
export * as RedisTokenStore from "./RedisTokenStore.js"
/**
 * @since 0.2.0
 */
export * as ResilientRedis from "./ResilientRedis.js"
/**
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.js"
/**
 * @since 0.3.0
 */
export * as TeoConfig from "./TeoConfig.js"
export * from "./TeoCredentials.js"
export * from "./Token.js"
/**
 * @since 0.2.0
 */
export * as TokenStore from "./TokenStore.js"
/**
 * @since 0.3.0
 */
export * as UndiciHttpClient from "./UndiciHttpClient.js"
