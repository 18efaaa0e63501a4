/**
 * The state machine behind `AccessToken`, as pure functions: what the cache
 * holds, what a `get` at a given time does, how a finished request changes
 * the state, and what `invalidate` does. `AccessToken` keeps a `State` in a
 * `Ref` and applies these atomically; nothing here performs I/O or reads a
 * clock.
 *
 * @internal
 */
import { Deferred, Exit } from "effect"
import type { AuthError } from "../AuthError.js"
import type { Token } from "../Token.js"

/** A request in flight: every caller that needs it waits on it and learns the same outcome. */
export type InFlight = Deferred.Deferred<Token, AuthError>

/**
 * What the cache holds.
 */
export type State =
  | { readonly _tag: "Empty" }
  | { readonly _tag: "Fetching"; readonly result: InFlight }
  | {
      readonly _tag: "Ready"
      readonly token: Token
      /** Epoch milliseconds from which a background refresh starts. */
      readonly refreshAt: number
      /** The background refresh in flight, if any. */
      readonly refresh: InFlight | undefined
      /** A background refresh failed for good: serve this token until it expires, then fetch anew. */
      readonly refreshFailed: boolean
    }

/**
 * What a `get` does after reading the state.
 */
export type Step =
  | { readonly _tag: "Serve"; readonly token: Token }
  | { readonly _tag: "Await"; readonly result: InFlight }
  | { readonly _tag: "Fetch"; readonly result: InFlight }
  | { readonly _tag: "ServeAndRefresh"; readonly token: Token; readonly result: InFlight }

/** Nothing cached, no request in flight. */
export const empty: State = { _tag: "Empty" }

const fetching = (): readonly [Step, State] => {
  const result = Deferred.makeUnsafe<Token, AuthError>()
  return [
    { _tag: "Fetch", result },
    { _tag: "Fetching", result }
  ]
}

/**
 * What a `get` at `now` (epoch ms) does, and the state after it.
 */
export const step = (state: State, now: number): readonly [Step, State] => {
  switch (state._tag) {
    case "Empty":
      return fetching()
    case "Fetching":
      return [{ _tag: "Await", result: state.result }, state]
    case "Ready": {
      if (now >= state.token.expiresAt.epochMilliseconds) {
        // Expired: wait for the refresh in flight, or start a request.
        if (state.refresh !== undefined) {
          return [
            { _tag: "Await", result: state.refresh },
            { _tag: "Fetching", result: state.refresh }
          ]
        }
        return fetching()
      }
      if (now >= state.refreshAt && state.refresh === undefined && !state.refreshFailed) {
        const result = Deferred.makeUnsafe<Token, AuthError>()
        return [
          { _tag: "ServeAndRefresh", token: state.token, result },
          { ...state, refresh: result }
        ]
      }
      return [{ _tag: "Serve", token: state.token }, state]
    }
  }
}

/**
 * The token a `get` at `now` is served without any change of state — a ready
 * token before its refresh point — or `undefined` when `step` must decide.
 * The common case, checked without an atomic update.
 */
export const fresh = (state: State, now: number): Token | undefined =>
  state._tag === "Ready" && now < state.refreshAt ? state.token : undefined

/**
 * When a token received at `now` enters its refresh window: `refreshWindow`
 * before expiry, capped at half its lifetime.
 */
export const refreshAt = (token: Token, now: number, refreshWindowMillis: number): number => {
  const expiresAt = token.expiresAt.epochMilliseconds
  const lifetime = Math.max(0, expiresAt - now)
  return expiresAt - Math.min(refreshWindowMillis, lifetime / 2)
}

/**
 * The state once the request behind `result` ended with `exit` at `now`. A
 * request that no longer owns the state (invalidated meanwhile) changes
 * nothing.
 */
export const settle = (
  state: State,
  result: InFlight,
  exit: Exit.Exit<Token, AuthError>,
  now: number,
  refreshWindowMillis: number
): State => {
  const owns =
    (state._tag === "Fetching" && state.result === result) || (state._tag === "Ready" && state.refresh === result)
  if (!owns) return state
  if (Exit.isSuccess(exit)) {
    return {
      _tag: "Ready",
      token: exit.value,
      refreshAt: refreshAt(exit.value, now, refreshWindowMillis),
      refresh: undefined,
      refreshFailed: false
    }
  }
  // No failure is cached: callers that come after a failed request start a new one…
  if (state._tag === "Fetching") return empty
  // …unless a still-valid token can be served: a failed refresh keeps it, and stops refreshing.
  return { ...state, refresh: undefined, refreshFailed: true }
}

/**
 * The state after `invalidate(token)`: the cached token is dropped only if it
 * is still `token` (a late 401 on an old token cannot throw away a newer one);
 * a refresh in flight then becomes the request callers wait on.
 */
export const invalidate = (state: State, token: Token): State => {
  if (state._tag !== "Ready" || !state.token.isSameAs(token)) return state
  return state.refresh === undefined ? empty : { _tag: "Fetching", result: state.refresh }
}
