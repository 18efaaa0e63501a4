/**
 * FakeTeo's partner-link keys: ES256 key pairs drawn for each run, the
 * current one signing, the previous one still published after a rotation
 * (the overlap a verifier must accept), both in a JWKS.
 *
 * @internal
 */
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose"

interface Key {
  readonly kid: string
  readonly privateKey: CryptoKey
  readonly jwk: JWK
}

const makeKey = async (kid: string): Promise<Key> => {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true })
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" } }
}

export interface PartnerKeys {
  /** The published keys (RFC 7517). */
  readonly jwks: () => { readonly keys: ReadonlyArray<JWK> }
  /** A partner link's token, signed with the current key, issued at `nowMillis`. */
  readonly sign: (claims: Readonly<Record<string, unknown>>, ttlSeconds: number, nowMillis: number) => Promise<string>
  /** A new current key; the one before stays published, the one before that is dropped. */
  readonly rotate: () => Promise<void>
}

export const makePartnerKeys = async (): Promise<PartnerKeys> => {
  let generation = 1
  let current = await makeKey(`fake-teo-${generation}`)
  let previous: Key | undefined
  return {
    jwks: () => ({ keys: previous === undefined ? [current.jwk] : [current.jwk, previous.jwk] }),
    sign: (claims, ttlSeconds, nowMillis) => {
      const now = Math.floor(nowMillis / 1000)
      // The jti is random, not from the seed: it must be unique, and a verifier's store of used
      // links (Redis, shared) outlives a FakeTeo: a seeded one would repeat at the next run.
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: "ES256", kid: current.kid, typ: "JWT" })
        .setIssuer("fake-teo")
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .setJti(crypto.randomUUID())
        .sign(current.privateKey)
    },
    rotate: async () => {
      previous = current
      current = await makeKey(`fake-teo-${++generation}`)
    }
  }
}
