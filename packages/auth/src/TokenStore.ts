/**
 * Where `AccessToken` keeps the token it shares: in the process (the default:
 * one token per process), or in a store that a fleet of processes shares
 * (`RedisTokenStore`: one token request per token lifetime for all of them).
 *
 * @since 0.2.0
 */
import { Effect } from "effect"
import type { AuthError } from "./AuthError.js"
import type { Token } from "./Token.js"

/**
 * A token store, as `AccessToken` uses it. Its own state machine still
 * serves the cached token; the store is asked only when that cache needs a
 * token (a cold start, an expiry, a refresh window, an invalidation).
 *
 * @since 0.2.0
 * @category models
 */
export interface TokenStore {
  /**
   * A token newer than `current` (any valid token when `current` is
   * `undefined`): one already shared by another process, or the one `fetch`
   * requests from téo — run by a single process of the fleet at a time.
   */
  readonly obtain: (
    fetch: Effect.Effect<Token, AuthError>,
    current: Token | undefined
  ) => Effect.Effect<Token, AuthError>
  /** Forgets `token` everywhere, if it is still the shared one (a newer token is kept). */
  readonly invalidate: (token: Token) => Effect.Effect<void>
}

/**
 * The in-process store: every `obtain` requests its own token (one per
 * process, as without a store). `AccessToken`'s default.
 *
 * @since 0.2.0
 * @category stores
 */
export const memory: TokenStore = {
  obtain: (fetch) => fetch,
  invalidate: () => Effect.void
}
