/**
 * A téo access token, as `AccessToken.get` hands it out.
 *
 * @since 0.1.0
 */
import { Redacted, Schema } from "effect"

/**
 * A téo access token. `value` is `Redacted`: it prints as `<redacted>` and
 * only `Redacted.value(token.value)` reveals it (to build an `Authorization`
 * header, say). `expiresAt` is computed from the `expires_in` téo sent.
 *
 * @example
 * ```ts
 * import { AccessToken } from "@teo-effect/auth"
 * import { Effect } from "effect"
 * import { HttpClientRequest } from "effect/http"
 *
 * const authorized = Effect.fn("authorized")(function* (request: HttpClientRequest.HttpClientRequest) {
 *   const token = yield* (yield* AccessToken).get
 *   return HttpClientRequest.bearerToken(request, token.value)
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class Token extends Schema.Class<Token>("@teo-effect/auth/Token")({
  value: Schema.Redacted(Schema.String),
  expiresAt: Schema.DateTimeUtc,
  scope: Schema.String,
  tokenType: Schema.Literal("Bearer")
}) {
  /**
   * Whether this token and `that` carry the same value.
   *
   * @since 0.1.0
   */
  isSameAs(that: Token): boolean {
    return Redacted.value(this.value) === Redacted.value(that.value)
  }
}
