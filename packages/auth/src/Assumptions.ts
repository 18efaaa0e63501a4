/**
 * Everything `@teo-effect/auth` assumes about téo's token endpoint that téo's
 * authentication page does not say, and the limits this package sets where
 * téo is silent. Kept in one place, so that each is easy to check and to
 * change when téo documents more (see docs/assumptions.md).
 *
 * Documented by téo, and relied on without being listed here: the token URL,
 * Basic authentication with `CLIENT_ID:CLIENT_SECRET` as-is, the form body
 * `grant_type=client_credentials&scope=target-entity:{TEO_ID}`, the success
 * body (`access_token`, `expires_in`, `scope`, `token_type: Bearer`) and the
 * codes `invalid_client`, `invalid_scope`, `expired_token`.
 *
 * ASSUMED, and read leniently rather than listed as a constant: error answers
 * carry an RFC 6749 §5.2 body (`error`, `error_description`), as FusionAuth —
 * whose `target-entity:` scopes and `/oauth2/token` path téo's match — sends
 * them; any other body falls back to the status.
 *
 * @since 0.1.0
 */
import { Duration } from "effect"

/**
 * DECIDED: the longest lifetime a token is trusted for, whatever
 * `expires_in` says: 24 hours. téo documents 10 minutes (one version of its
 * page showed an hour); a larger value is clamped, so a token is renewed a
 * little early rather than never (an `expires_in` of 1e13 would otherwise
 * give an invalid expiry date).
 *
 * @since 0.1.0
 * @category tokens
 */
export const maxTokenLifetime: Duration.Duration = Duration.hours(24)

/**
 * ASSUMED: a token answer without a `Content-Type` is read as JSON (téo does
 * not document its headers); one with another type than JSON is refused.
 *
 * @since 0.1.0
 * @category answers
 */
export const acceptMissingContentType: boolean = true
