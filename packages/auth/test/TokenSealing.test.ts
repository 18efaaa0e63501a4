/**
 * The sealed token at rest (`internal/TokenSealing`), on `effect/crypto`: what
 * teo-effect 0.2.0 sealed with Web Crypto directly still opens, under the same
 * store key and fingerprint; what does not open is no token, never a failure;
 * a crypto that fails is a typed `CryptoError`, never a defect.
 */
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Redacted } from "effect"
import { WebCrypto } from "effect/crypto"
import { Base64 } from "effect/encoding"
import * as TokenSealing from "../src/internal/TokenSealing.js"
import { Token } from "../src/Token.js"
import { refusing } from "./utils/crypto.js"

const identity = {
  tokenUrl: "https://teo.example/oauth2/token",
  clientId: "acme-integration",
  teoId: "acme-formation",
  clientSecret: Redacted.make("s3cret-CANARY-client-9f4e")
}
const prefix = "teo-effect:token:"

/** Recorded from teo-effect 0.2.0 (Web Crypto's `deriveKey`, `encrypt`, `sign`) for `identity`. */
const sealedBy020 = {
  key: "teo-effect:token:871202a5835e0e6d7f7a805853ef46337b84f067defa457b12b3e0558fb95957",
  sealed:
    "mODcWh8GZz0FV7wis5f84PeVx5TDMY7WBls7KiiGFi9Rd4VdI1PCAuNIK7oQYZE0uhQUsHyeZMOdKHTKgPH5Ltzry4A078Q2cffXiiqZELJMXyx6",
  fingerprint: "bbdd266475f367e074dfd95ead1c2fe5"
}

const token = new Token({
  value: Redacted.make("token-fixture"),
  expiresAt: DateTime.makeUnsafe(4_102_444_800_000),
  scope: "read write",
  tokenType: "Bearer"
})

const sealer = (credentials = identity) =>
  TokenSealing.makeSealer(credentials, prefix).pipe(Effect.provide(TokenSealing.layer))

describe("TokenSealing", () => {
  it.effect("what 0.2.0 sealed opens: same store key, same token, same fingerprint", () =>
    Effect.gen(function* () {
      const { key, open, fingerprint } = yield* sealer()
      assert.strictEqual(key, sealedBy020.key)
      const opened = yield* open(sealedBy020.sealed)
      assert.isDefined(opened)
      assert.strictEqual(Redacted.value(opened?.value ?? Redacted.make("")), "token-fixture")
      assert.strictEqual(opened?.expiresAt.epochMilliseconds, 4_102_444_800_000)
      assert.strictEqual(opened?.scope, "read write")
      assert.strictEqual(yield* fingerprint(token), sealedBy020.fingerprint)
    })
  )

  it.effect(
    "seals in 0.2.0's layout: base64 of a 12-byte nonce, the ciphertext and its 16-byte tag; fresh nonces",
    () =>
      Effect.gen(function* () {
        const { seal, open } = yield* sealer()
        const first = yield* seal(token)
        const second = yield* seal(token)
        assert.notStrictEqual(first, second, "a fresh nonce each time")
        const plain = JSON.stringify({ v: "token-fixture", e: 4_102_444_800_000, s: "read write" })
        const bytes = Base64.decode(first)
        assert.isTrue(bytes._tag === "Success" && bytes.success.length === 12 + plain.length + 16)
        assert.notInclude(first, "token-fixture")
        assert.isTrue((yield* open(first))?.isSameAs(token))
      })
  )

  it.effect("what does not open is no token: other credentials, tampered, truncated, not base64, empty", () =>
    Effect.gen(function* () {
      const { open } = yield* sealer()
      const other = yield* sealer({ ...identity, teoId: "another-formation" })
      const tampered = `${sealedBy020.sealed.slice(0, 40)}A${sealedBy020.sealed.slice(41)}`
      for (const sealed of [
        yield* other.seal(token),
        tampered,
        sealedBy020.sealed.slice(0, 24),
        "bm9uY2U=",
        "not base64 at all!",
        ""
      ]) {
        assert.isUndefined(yield* open(sealed), sealed)
      }
    })
  )

  it.effect("a crypto that refuses is a typed CryptoError on that operation, never a defect", () =>
    Effect.gen(function* () {
      const sealing = yield* sealer().pipe(Effect.provide(WebCrypto.layer(refusing("encrypt"))))
      const sealFailure = yield* Effect.flip(sealing.seal(token))
      assert.strictEqual(sealFailure._tag, "CryptoError")
      assert.strictEqual(sealFailure.reason._tag, "Unsupported")
      assert.isDefined(yield* sealing.open(sealedBy020.sealed), "opening still works")

      const opening = yield* sealer().pipe(Effect.provide(WebCrypto.layer(refusing("decrypt"))))
      assert.strictEqual((yield* Effect.flip(opening.open(sealedBy020.sealed))).reason._tag, "Unsupported")

      // Keys that cannot be derived: the sealer is built, each operation fails with the derivation's error.
      const underived = yield* sealer().pipe(Effect.provide(WebCrypto.layer(refusing("deriveBits"))))
      assert.strictEqual(underived.key, sealedBy020.key)
      for (const operation of [
        Effect.asVoid(underived.seal(token)),
        Effect.asVoid(underived.open(sealedBy020.sealed)),
        Effect.asVoid(underived.fingerprint(token))
      ]) {
        // A defect would not flip: it would fail the test.
        assert.strictEqual((yield* Effect.flip(operation)).reason._tag, "Unsupported")
      }
    })
  )
})
