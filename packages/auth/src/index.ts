/**
 * `@teo-effect/auth`: téo credentials and the téo access token as Effect services.
 *
 * @since 0.1.0
 */
export * from "./TeoCredentials.js"
