/**
 * A token at rest, sealed: AES-256-GCM with a key derived by HKDF-SHA256 from
 * the client secret and the identity of the credentials (token URL, client
 * id, `TEO_ID`), the store key as associated data. Whoever reads the store
 * without the secret gets nothing usable; a value copied under another key,
 * or sealed for other credentials, does not open. Web Crypto only: no
 * platform dependency.
 *
 * @internal
 */
import { DateTime, Effect, Redacted } from "effect"
import { Token } from "../Token.js"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes))
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
const toHex = (bytes: ArrayBuffer): string =>
  Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("")

export interface Identity {
  readonly tokenUrl: string
  readonly clientId: string
  readonly teoId: string
  readonly clientSecret: Redacted.Redacted<string>
}

export interface Sealer {
  /** The store key of these credentials: a hash, never the names themselves. */
  readonly key: string
  readonly seal: (token: Token) => Effect.Effect<string>
  /** The token, or `undefined` when `sealed` does not open with these credentials. */
  readonly open: (sealed: string) => Effect.Effect<Token | undefined>
  /** A keyed fingerprint of the token's value, to compare tokens without storing them. */
  readonly fingerprint: (token: Token) => Effect.Effect<string>
}

/** `prefix` + a SHA-256 of the identity. */
export const makeSealer = (identity: Identity, prefix: string): Effect.Effect<Sealer> =>
  Effect.promise(async () => {
    const subtle = globalThis.crypto.subtle
    const name = `${identity.tokenUrl}\n${identity.clientId}\n${identity.teoId}`
    const key = `${prefix}${toHex(await subtle.digest("SHA-256", encoder.encode(name)))}`
    const material = await subtle.importKey(
      "raw",
      encoder.encode(Redacted.value(identity.clientSecret)),
      "HKDF",
      false,
      ["deriveKey"]
    )
    const derive = (purpose: string, algorithm: AesKeyGenParams | HmacKeyGenParams, usages: Array<KeyUsage>) =>
      subtle.deriveKey(
        {
          name: "HKDF",
          hash: "SHA-256",
          salt: encoder.encode(`teo-effect/token-store/v1/${purpose}`),
          info: encoder.encode(name)
        },
        material,
        algorithm,
        false,
        usages
      )
    const aes = await derive("seal", { name: "AES-GCM", length: 256 }, ["encrypt", "decrypt"])
    const hmac = await derive("fingerprint", { name: "HMAC", hash: "SHA-256", length: 256 }, ["sign"])
    const additionalData = encoder.encode(key)
    return {
      key,
      seal: (token) =>
        Effect.promise(async () => {
          const iv = globalThis.crypto.getRandomValues(new Uint8Array(12))
          const plain = encoder.encode(
            JSON.stringify({
              v: Redacted.value(token.value),
              e: token.expiresAt.epochMilliseconds,
              s: token.scope
            })
          )
          const sealed = new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv, additionalData }, aes, plain))
          const whole = new Uint8Array(iv.length + sealed.length)
          whole.set(iv)
          whole.set(sealed, iv.length)
          return toBase64(whole)
        }),
      open: (sealed) =>
        Effect.promise(async () => {
          try {
            const whole = fromBase64(sealed)
            const plain = await subtle.decrypt(
              { name: "AES-GCM", iv: whole.slice(0, 12), additionalData },
              aes,
              whole.slice(12)
            )
            const parsed = JSON.parse(decoder.decode(plain)) as { v: unknown; e: unknown; s: unknown }
            if (typeof parsed.v !== "string" || typeof parsed.e !== "number" || typeof parsed.s !== "string") {
              return undefined
            }
            const expiresAt = DateTime.make(parsed.e)
            return expiresAt._tag === "None"
              ? undefined
              : new Token({
                  value: Redacted.make(parsed.v),
                  expiresAt: expiresAt.value,
                  scope: parsed.s,
                  tokenType: "Bearer"
                })
          } catch {
            return undefined
          }
        }),
      fingerprint: (token) =>
        Effect.promise(async () =>
          toHex(await subtle.sign("HMAC", hmac, encoder.encode(Redacted.value(token.value)))).slice(0, 32)
        )
    }
  })
