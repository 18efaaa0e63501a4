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

/**
 * ASSUMED: where téo publishes the keys of its partner links (a JWKS, RFC
 * 7517). téo's page says the links are "basé sur les standards JWT (RFC 7519)
 * et JWKS" and names no URL: this is the usual `/.well-known/jwks.json` of
 * its authentication server. An option of `PartnerLink` (`jwksUrl`).
 *
 * @since 0.1.0
 * @category partner links
 */
export const partnerLinkJwksUrl = "https://auth.teoapp.fr/.well-known/jwks.json"

/**
 * ASSUMED: the claims of a partner link that carry its context. téo's page
 * says "UUID du dossier, ID utilisateur, etc." and its example uses
 * `dossierId`; the names are options of `PartnerLink` (`claims`).
 *
 * @since 0.1.0
 * @category partner links
 */
export const partnerLinkClaims = { dossierId: "dossierId", userId: "userId" } as const

/**
 * ASSUMED: the query parameter that carries the token when téo sends the
 * user to the partner's application. An option of the partner-link
 * middleware.
 *
 * @since 0.1.0
 * @category partner links
 */
export const partnerLinkParameter = "token"
