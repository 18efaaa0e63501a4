/**
 * The typed failures of getting a téo access token. The first three are téo's
 * own error codes (its authentication page lists `invalid_client`,
 * `invalid_scope` and `expired_token`); `TokenRequestFailed` covers everything
 * else: network, timeouts, server errors, rate limiting, unexpected answers.
 *
 * No error carries the client secret, the token, or a response body.
 *
 * @since 0.1.0
 */
import { type Duration, Schema } from "effect"

/**
 * téo refused the client credentials (`invalid_client`): `CLIENT_ID` or
 * `CLIENT_SECRET` is wrong, or the client was revoked. Never retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidClient extends Schema.TaggedError<InvalidClient>()("InvalidClient", {
  clientId: Schema.String,
  status: Schema.Number,
  description: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return `téo refused the client credentials of "${this.clientId}" (invalid_client, HTTP ${this.status}${describe(
      this.description
    )}): check TEO_CLIENT_ID and TEO_CLIENT_SECRET`
  }

  /**
   * Never: the credentials must be fixed first.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }

  /**
   * None: téo sends no `Retry-After` with this error.
   *
   * @since 0.3.0
   */
  get retryAfter(): Duration.Duration | undefined {
    return undefined
  }
}

/**
 * téo refused the requested scope `target-entity:<TEO_ID>` (`invalid_scope`):
 * `TEO_ID` is not an instance this client may access. Never retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidScope extends Schema.TaggedError<InvalidScope>()("InvalidScope", {
  scope: Schema.String,
  status: Schema.Number,
  description: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return `téo refused the scope "${this.scope}" (invalid_scope, HTTP ${this.status}${describe(
      this.description
    )}): check TEO_ID, the id of your téo instance`
  }

  /**
   * Never: `TEO_ID` must be fixed first.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }

  /**
   * None: téo sends no `Retry-After` with this error.
   *
   * @since 0.3.0
   */
  get retryAfter(): Duration.Duration | undefined {
    return undefined
  }
}

/**
 * The token has expired (`expired_token`). téo reports it on API calls made
 * with an old token; `@teo-effect/api` fails with it when a fresh token was
 * refused as expired too.
 *
 * @since 0.1.0
 * @category errors
 */
export class ExpiredToken extends Schema.TaggedError<ExpiredToken>()("ExpiredToken", {
  description: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return `the téo token has expired (expired_token${describe(this.description)}): request a new one`
  }

  /**
   * No: a fresh token was already tried before this error.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }

  /**
   * None: téo sends no `Retry-After` with this error.
   *
   * @since 0.3.0
   */
  get retryAfter(): Duration.Duration | undefined {
    return undefined
  }
}

/**
 * Why a token request failed, when it was not one of téo's documented codes.
 *
 * - `Transport`: no complete answer (connection refused or reset, DNS, TLS,
 *   or the connection closed while the body was being read);
 * - `Timeout`: no complete answer within the request timeout;
 * - `ServerError`: a 5xx status;
 * - `RateLimited`: a 429 status (`retryAfter` holds the server's `Retry-After`);
 * - `UnexpectedStatus`: any other status without a known OAuth2 error code,
 *   redirects included (they are not followed);
 * - `OAuthError`: an OAuth2 error code other than the three téo documents;
 * - `InvalidResponse`: a success that is not a valid token response (no
 *   body — a 204, an empty body —, not JSON, larger than 64 KiB, a token an
 *   `Authorization` header cannot carry, another scope than the one
 *   requested). Never retried: the same answer would come again.
 *
 * @since 0.1.0
 * @category models
 */
export const TokenRequestFailureReason = Schema.Literals([
  "Transport",
  "Timeout",
  "ServerError",
  "RateLimited",
  "UnexpectedStatus",
  "OAuthError",
  "InvalidResponse"
])

/**
 * One of the reasons `TokenRequestFailureReason` lists.
 *
 * @since 0.1.0
 * @category models
 */
export type TokenRequestFailureReason = typeof TokenRequestFailureReason.Type

/**
 * The token request failed for another reason than téo's documented codes;
 * `reason` says which, `status` holds the HTTP status when there was one, and
 * `retryAfter` téo's `Retry-After` (on a 429 or a 503). Retryable reasons
 * (`Transport`, `Timeout`, `ServerError`, `RateLimited`) are retried before
 * this reaches a caller.
 *
 * @since 0.1.0
 * @category errors
 */
export class TokenRequestFailed extends Schema.TaggedError<TokenRequestFailed>()("TokenRequestFailed", {
  reason: TokenRequestFailureReason,
  detail: Schema.String,
  status: Schema.optional(Schema.Number),
  retryAfter: Schema.optional(Schema.Duration)
}) {
  override get message(): string {
    const status = this.status === undefined ? "" : `, HTTP ${this.status}`
    return `the téo token request failed (${this.reason}${status}): ${this.detail}`
  }

  /**
   * Whether trying again later may succeed.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return (
      this.reason === "Transport" ||
      this.reason === "Timeout" ||
      this.reason === "ServerError" ||
      this.reason === "RateLimited"
    )
  }
}

/**
 * Every way getting a téo access token can fail.
 *
 * @since 0.1.0
 * @category errors
 */
export type AuthError = InvalidClient | InvalidScope | ExpiredToken | TokenRequestFailed

const describe = (description: string | undefined): string =>
  description === undefined || description === "" ? "" : `: ${description}`
