/**
 * A token at rest, sealed: AES-256-GCM with a key derived by HKDF-SHA256 from
 * the client secret and the identity of the credentials (token URL, client
 * id, `TEO_ID`), the store key as associated data. Whoever reads the store
 * without the secret gets nothing usable; a value copied under another key,
 * or sealed for other credentials, does not open.
 *
 * On `effect/crypto`'s Web Crypto layers ({@link layer}), which the store
 * provides itself: no platform dependency, nothing for the application to
 * provide. The layout is that of 0.2.0 — base64 of nonce (12 bytes) ‖
 * ciphertext ‖ tag — so what a process of that version sealed still opens.
 * A crypto operation that fails is a `CryptoError`, never a defect; a value
 * that does not open (tampered, sealed for other credentials, not base64) is
 * no token.
 *
 * @internal
 */
import { DateTime, Effect, Layer, Option, Redacted, Result, Schema } from "effect"
import { Aead, type CryptoError, Digest, Kdf, Mac, SecureRandom } from "effect/crypto"
import { Base64, Hex } from "effect/encoding"
import { Token } from "../Token.js"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export interface Identity {
  readonly tokenUrl: string
  readonly clientId: string
  readonly teoId: string
  readonly clientSecret: Redacted.Redacted<string>
}

export interface Sealer {
  /** The store key of these credentials: a hash, never the names themselves. */
  readonly key: string
  readonly seal: (token: Token) => Effect.Effect<string, CryptoError.CryptoError>
  /** The token, or `undefined` when `sealed` does not open with these credentials. */
  readonly open: (sealed: string) => Effect.Effect<Token | undefined, CryptoError.CryptoError>
  /** A keyed fingerprint of the token's value, to compare tokens without storing them. */
  readonly fingerprint: (token: Token) => Effect.Effect<string, CryptoError.CryptoError>
}

/** The services a sealer runs on, each on the `WebCrypto` reference (`globalThis.crypto` unless provided). */
export type Services = Aead.Aead | Digest.Digest | Kdf.Kdf | Mac.Mac | SecureRandom.SecureRandom

/** `effect/crypto`'s Web Crypto implementations of {@link Services}. */
export const layer: Layer.Layer<Services> = Layer.mergeAll(
  Aead.layerWebCrypto,
  Mac.layerWebCrypto,
  Kdf.layerWebCrypto,
  Digest.layerWebCrypto
).pipe(Layer.provideMerge(SecureRandom.layerWebCrypto))

/** What a sealed token holds: its value, expiry (epoch milliseconds) and scope, as JSON. */
const Plain = Schema.fromJsonString(Schema.Struct({ v: Schema.String, e: Schema.Number, s: Schema.String }))
const decodePlain = Schema.decodeUnknownOption(Plain)

const nonceLength = Aead.aes256Gcm.nonceLength

/**
 * `prefix` + a SHA-256 of the identity. The keys are derived once; should that
 * fail, every operation fails with its `CryptoError`.
 */
export const makeSealer = Effect.fnUntraced(function* (identity: Identity, prefix: string) {
  const aead = yield* Aead.Aead
  const mac = yield* Mac.Mac
  const kdf = yield* Kdf.Kdf
  const random = yield* SecureRandom.SecureRandom
  const digest = yield* Digest.Digest
  const name = `${identity.tokenUrl}\n${identity.clientId}\n${identity.teoId}`
  const key = `${prefix}${yield* digest.digestHex(Digest.sha256, encoder.encode(name))}`
  const secret = encoder.encode(Redacted.value(identity.clientSecret))
  // 32 bytes each, as Web Crypto's `deriveKey` derived them for AES-256-GCM and HMAC-SHA-256 (length 256).
  const derive = (purpose: string) =>
    kdf.derive(Kdf.hkdfSha256, secret, {
      salt: encoder.encode(`teo-effect/token-store/v1/${purpose}`),
      info: encoder.encode(name),
      length: 32
    })
  const keys = yield* Effect.exit(
    Effect.all({
      aes: Effect.flatMap(derive("seal"), (bytes) => Aead.key(Aead.aes256Gcm, bytes)),
      hmac: Effect.flatMap(derive("fingerprint"), (bytes) => Mac.key(Mac.hmacSha256, bytes))
    })
  )
  const aad = encoder.encode(key)

  const seal = (token: Token) =>
    Effect.gen(function* () {
      const { aes } = yield* keys
      const nonce = yield* random.randomBytes(nonceLength)
      const plain = encoder.encode(
        JSON.stringify({ v: Redacted.value(token.value), e: token.expiresAt.epochMilliseconds, s: token.scope })
      )
      const sealed = yield* aead.encrypt(aes, plain, { nonce, aad })
      const whole = new Uint8Array(nonceLength + sealed.length)
      whole.set(nonce)
      whole.set(sealed, nonceLength)
      return Base64.encode(whole)
    })

  const open = (sealed: string) =>
    Effect.gen(function* () {
      const { aes } = yield* keys
      const whole = Result.getOrUndefined(Base64.decode(sealed))
      if (whole === undefined || whole.length < nonceLength) return undefined
      const plain = yield* aead.decrypt(aes, whole.subarray(nonceLength), {
        nonce: whole.subarray(0, nonceLength),
        aad
      })
      return Option.getOrUndefined(
        Option.flatMap(decodePlain(decoder.decode(plain)), (parsed) =>
          Option.map(
            DateTime.make(parsed.e),
            (expiresAt) =>
              new Token({ value: Redacted.make(parsed.v), expiresAt, scope: parsed.s, tokenType: "Bearer" })
          )
        )
      )
    }).pipe(Effect.catchReason("CryptoError", "DecryptionFailed", () => Effect.succeed(undefined)))

  const fingerprint = (token: Token) =>
    Effect.gen(function* () {
      const { hmac } = yield* keys
      const tag = yield* mac.sign(hmac, encoder.encode(Redacted.value(token.value)))
      return Hex.encode(tag).slice(0, 32)
    })

  return { key, seal, open, fingerprint } satisfies Sealer
})
