/**
 * `@teo-effect/auth`: téo credentials and the téo access token as Effect services.
 *
 * @since 0.1.0
 */
export * from "./AccessToken.js"
export * from "./AuthError.js"
export * from "./TeoCredentials.js"
export * from "./Token.js"
