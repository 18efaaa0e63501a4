/**
 * SHA-256 of a text, in hex: what teo-effect writes to a shared store
 * instead of a name (the rate budget's key) or a link's identity (the
 * replay store), so that reading the store tells nobody either. On
 * `effect/crypto`'s `Digest` over Web Crypto, provided here: nothing for the
 * caller to provide.
 *
 * @since 0.2.0
 */
import { Effect } from "effect"
import { Digest } from "effect/crypto"

const encoder = new TextEncoder()

/**
 * The SHA-256 of `text` (UTF-8), as 64 hex digits.
 *
 * @since 0.2.0
 */
export const hex = (text: string): Effect.Effect<string> =>
  Digest.Digest.use((digest) => digest.digestHex(Digest.sha256, encoder.encode(text))).pipe(
    Effect.provide(Digest.layerWebCrypto)
  )
