/**
 * The token cache's state machine, as pure functions: no server, no clock.
 */
import { assert, describe, it } from "@effect/vitest"
import { Token } from "@teo-effect/auth"
import { DateTime, Exit, Redacted } from "effect"
import * as TokenState from "../src/internal/TokenState.js"
import { TokenFailure } from "./utils/tokens.js"

const token = (value: string, expiresAtMillis: number) =>
  new Token({
    value: Redacted.make(value),
    expiresAt: DateTime.makeUnsafe(expiresAtMillis),
    scope: "target-entity:acme-formation",
    tokenType: "Bearer"
  })

const window = 60_000

describe("step", () => {
  it("an empty cache fetches, and the callers after it await that one request", () => {
    const [first, fetching] = TokenState.step(TokenState.empty, 0)
    assert.strictEqual(first._tag, "Fetch")
    const [second, same] = TokenState.step(fetching, 1)
    assert.strictEqual(second._tag, "Await")
    assert.strictEqual(same, fetching)
    if (first._tag === "Fetch" && second._tag === "Await") assert.strictEqual(second.result, first.result)
  })

  it("a ready token is served until its refresh point, then served while one refresh starts", () => {
    const [fetch, fetching] = TokenState.step(TokenState.empty, 0)
    assert.strictEqual(fetch._tag, "Fetch")
    const result = (fetch as { result: TokenState.InFlight }).result
    const settled = TokenState.settle(fetching, result, Exit.succeed(token("t1", 600_000)), 0, window)
    assert.strictEqual(settled._tag, "Ready")
    assert.strictEqual(TokenState.step(settled, 539_999)[0]._tag, "Serve")
    const [refresh, refreshing] = TokenState.step(settled, 540_000)
    assert.strictEqual(refresh._tag, "ServeAndRefresh")
    // Only one refresh: the next caller is served.
    assert.strictEqual(TokenState.step(refreshing, 540_001)[0]._tag, "Serve")
    // Past expiry, callers await the refresh in flight.
    assert.strictEqual(TokenState.step(refreshing, 600_000)[0]._tag, "Await")
  })

  it("a failed first request caches nothing; a failed refresh keeps the token until it expires", () => {
    const [fetch, fetching] = TokenState.step(TokenState.empty, 0)
    const result = (fetch as { result: TokenState.InFlight }).result
    assert.strictEqual(TokenState.settle(fetching, result, Exit.fail(TokenFailure), 0, window)._tag, "Empty")

    const ready = TokenState.settle(fetching, result, Exit.succeed(token("t1", 600_000)), 0, window)
    const [refresh, refreshing] = TokenState.step(ready, 550_000)
    const failed = TokenState.settle(
      refreshing,
      (refresh as { result: TokenState.InFlight }).result,
      Exit.fail(TokenFailure),
      550_000,
      window
    )
    assert.strictEqual(TokenState.step(failed, 560_000)[0]._tag, "Serve", "no new refresh after a failed one")
    assert.strictEqual(TokenState.step(failed, 600_000)[0]._tag, "Fetch", "a new request once expired")
  })
})

describe("settle", () => {
  it("a request that no longer owns the state (invalidated meanwhile) changes nothing", () => {
    const [, fetching] = TokenState.step(TokenState.empty, 0)
    const [other] = TokenState.step(TokenState.empty, 0)
    const stale = (other as { result: TokenState.InFlight }).result
    assert.strictEqual(TokenState.settle(fetching, stale, Exit.succeed(token("t1", 600_000)), 0, window), fetching)
  })
})

describe("fresh", () => {
  it("is the ready token before its refresh point, and nothing from then on or in any other state", () => {
    const [fetch, fetching] = TokenState.step(TokenState.empty, 0)
    const result = (fetch as { result: TokenState.InFlight }).result
    const ready = TokenState.settle(fetching, result, Exit.succeed(token("t1", 600_000)), 0, window)
    assert.strictEqual(TokenState.fresh(ready, 539_999)?.isSameAs(token("t1", 0)), true)
    assert.isUndefined(TokenState.fresh(ready, 540_000))
    assert.isUndefined(TokenState.fresh(fetching, 0))
    assert.isUndefined(TokenState.fresh(TokenState.empty, 0))
  })
})

describe("refreshAt", () => {
  it("is refreshWindow before expiry, capped at half the lifetime", () => {
    assert.strictEqual(TokenState.refreshAt(token("t", 600_000), 0, window), 540_000)
    assert.strictEqual(TokenState.refreshAt(token("t", 30_000), 0, window), 15_000)
  })
})

describe("invalidate", () => {
  it("drops the token only if it is still the cached one", () => {
    const [fetch, fetching] = TokenState.step(TokenState.empty, 0)
    const result = (fetch as { result: TokenState.InFlight }).result
    const ready = TokenState.settle(fetching, result, Exit.succeed(token("t1", 600_000)), 0, window)
    assert.strictEqual(TokenState.invalidate(ready, token("t0", 600_000)), ready)
    assert.strictEqual(TokenState.invalidate(ready, token("t1", 600_000))._tag, "Empty")
  })
})
