/**
 * SHA-256 of a text, in hex: what teo-effect writes to a shared store
 * instead of a name (the rate budget's key) or a link's identity (the
 * replay store), so that reading the store tells nobody either.
 *
 * @since 0.2.0
 */
import { Effect } from "effect"
import { Hex } from "effect/encoding"

const encoder = new TextEncoder()

/**
 * The SHA-256 of `text` (UTF-8), as 64 hex digits.
 *
 * @since 0.2.0
 */
export const hex = (text: string): Effect.Effect<string> =>
  Effect.map(
    Effect.promise(() => globalThis.crypto.subtle.digest("SHA-256", encoder.encode(text))),
    (digest) => Hex.encode(new Uint8Array(digest))
  )
