/**
 * The 401 step of every API call: a request refused with 401 invalidates the
 * token it carried and is tried once more with a fresh one; a second 401 that
 * says the token expired is `ExpiredToken`, any other stays `Unauthorized`.
 *
 * @since 0.1.0
 */
import { type AccessToken, type AuthError, ExpiredToken, type Token } from "@teo-effect/auth"
import { Effect } from "effect"
import { expiredTokenMessages } from "../Assumptions.js"
import type { TeoApiError, Unauthorized } from "../TeoApiError.js"

const isExpiredMessage = (message: string | undefined): boolean =>
  message !== undefined && expiredTokenMessages.some((expired) => message.toLowerCase().includes(expired))

const asExpired = (second: Unauthorized, error: TeoApiError): Effect.Effect<never, ExpiredToken | TeoApiError> =>
  isExpiredMessage(second.description) || isExpiredMessage(second.title)
    ? Effect.fail(new ExpiredToken(second.description === undefined ? {} : { description: second.description }))
    : Effect.fail(error)

/**
 * Runs `request` with the current token; on a 401, once more with a fresh one.
 *
 * @since 0.1.0
 */
export const once = <A>(
  accessToken: AccessToken["Service"],
  request: (token: Token) => Effect.Effect<A, TeoApiError>
): Effect.Effect<A, TeoApiError | AuthError> =>
  Effect.flatMap(accessToken.get, (token) =>
    Effect.catchReason(request(token), "TeoApiError", "Unauthorized", () =>
      accessToken.invalidate(token).pipe(
        Effect.andThen(accessToken.get),
        Effect.flatMap((fresh) => Effect.catchReason(request(fresh), "TeoApiError", "Unauthorized", asExpired))
      )
    )
  )
