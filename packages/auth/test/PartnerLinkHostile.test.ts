/**
 * `PartnerLink.verify` against an attacker who writes tokens by hand with
 * `node:crypto` (any header, any claim, any JSON value in any field, other
 * spellings of one signed link) and a JWKS endpoint that misbehaves (hangs,
 * answers 503, publishes a private key, repeats a kid). Every answer is a
 * context or a typed refusal: never a defect.
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import {
  AuthMetrics,
  InvalidPartnerLink,
  PartnerLink,
  PartnerLinkKeysUnavailable,
  type PartnerLinkOptions
} from "@teo-effect/auth"
import { capture, gate, makeScriptedServer } from "@teo-effect/test-support"
import { Cause, Clock, Context, Effect, Exit, Fiber, Layer, Metric, Schema, Scope } from "effect"
import { FetchHttpClient } from "effect/http"
import { TestClock } from "effect/testing"

const dossierId = "0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b"

/** An EC P-256 key pair, its public JWK under `kid`. */
const keyPair = (kid: string) => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" })
  return { kid, privateKey, jwk: { ...publicKey.export({ format: "jwk" }), kid, alg: "ES256", use: "sig" } }
}

type KeyPair = ReturnType<typeof keyPair>

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")

/** A compact JWS of `header` and `payload` (any JSON, or JSON text as written), signed as ES256 with `key`: r‖s, 64 bytes. */
const signRaw = (key: KeyObject, header: unknown, payload: unknown) => {
  const encoded = (value: unknown) => (value instanceof Buffer ? value.toString("base64url") : segment(value))
  const input = `${encoded(header)}.${encoded(payload)}`
  const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" })
  return `${input}.${signature.toString("base64url")}`
}

/** The claims of a link issued now, as téo would issue it. */
const claimsAt = (millis: number, extra: Record<string, unknown> = {}) => {
  const now = Math.floor(millis / 1000)
  return { dossierId, userId: "u-42", iat: now, exp: now + 300, ...extra }
}

const link = (key: KeyPair, extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  Effect.map(Clock.currentTimeMillis, (millis) =>
    signRaw(key.privateKey, { alg: "ES256", kid: key.kid, ...header }, claimsAt(millis, extra))
  )

/** A JWKS server and a `PartnerLink` on it. */
const setup = (keys: ReadonlyArray<unknown>, options: PartnerLinkOptions = {}) =>
  Effect.gen(function* () {
    const server = yield* makeScriptedServer
    const jwks = { keys, status: 200 }
    server.reply = () => (jwks.status === 200 ? { status: 200, json: { keys: jwks.keys } } : { status: jwks.status })
    const scope = yield* Scope.make()
    yield* Effect.addFinalizer((exit) => Scope.close(scope, exit))
    const context = yield* Layer.buildWithScope(
      PartnerLink.layer({ jwksUrl: `${server.origin}/jwks.json`, ...options }).pipe(
        Layer.provide(FetchHttpClient.layer)
      ),
      scope
    )
    return { server, jwks, links: Context.get(context, PartnerLink) }
  })

/** The refusal's reason; a success or a defect fails the test. */
const reasonOf = (effect: Effect.Effect<unknown, unknown>) =>
  Effect.map(Effect.flip(effect), (error) => {
    assert.instanceOf(error, InvalidPartnerLink)
    return (error as InvalidPartnerLink).reason
  })

/** A context or a typed refusal, never a defect nor an interruption. */
const isAnswer = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isSuccess(exit) || (Cause.hasFails(exit.cause) && !Cause.hasDies(exit.cause) && !Cause.hasInterrupts(exit.cause))

const p256Order = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n

/** The other valid ECDSA signature of the same content: (r, n − s). */
const highSTwin = (token: string) => {
  const [header, payload, signature] = token.split(".") as [string, string, string]
  const bytes = Buffer.from(signature, "base64url")
  const s = BigInt(`0x${bytes.subarray(32).toString("hex")}`)
  const twin = Buffer.concat([
    bytes.subarray(0, 32),
    Buffer.from((p256Order - s).toString(16).padStart(64, "0"), "hex")
  ])
  return `${header}.${payload}.${twin.toString("base64url")}`
}

/** The same base64url text with the unused low bits of its last character set. */
const strayBits = (part: string) => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
  const unused = part.length % 4 === 2 ? 4 : part.length % 4 === 3 ? 2 : 0
  if (unused === 0) return undefined
  const last = alphabet.indexOf(part.at(-1) as string)
  return `${part.slice(0, -1)}${alphabet[last | ((1 << unused) - 1)]}`
}

const hostileValues: ReadonlyArray<unknown> = [
  { toString: 1 },
  { toString: { valueOf: 2 } },
  { valueOf: "x", toJSON: 1 },
  ["ES256"],
  [],
  null,
  true,
  0,
  -1,
  1e308,
  -1e308,
  JSON.parse("123456789012345678901234567890"),
  "",
  "ES256 ",
  "x".repeat(5000),
  { __proto__: { polluted: true } },
  JSON.parse('{"__proto__":{"polluted":true}}')
]

describe("PartnerLink.verify, attacked", () => {
  it.effect("a header field holding an object with toString: a typed refusal, not a defect", () =>
    Effect.gen(function* () {
      const key = keyPair("k1")
      const { links, server } = yield* setup([key.jwk])
      const now = yield* Clock.currentTimeMillis
      const token = signRaw(key.privateKey, { alg: { toString: 1 }, kid: "k1" }, claimsAt(now))
      assert.strictEqual(yield* reasonOf(links.verify(token)), "WrongAlgorithm")
      // A value is never turned into text: its type only, but for a short name.
      const long = signRaw(key.privateKey, { alg: "SECRET-ZZZZZZZZZZZZZZZZZZZZ", kid: "k1" }, claimsAt(now))
      const refusal = (yield* Effect.flip(links.verify(long))) as InvalidPartnerLink
      assert.notInclude(refusal.message, "SECRET")
      assert.match(refusal.message, /a string of \d+ characters/)
      const hs = signRaw(key.privateKey, { alg: "HS256", kid: "k1" }, claimsAt(now))
      assert.include(((yield* Effect.flip(links.verify(hs))) as InvalidPartnerLink).message, `alg "HS256"`)
      const kid = signRaw(key.privateKey, { alg: "ES256", kid: { toString: 1 } }, claimsAt(now))
      assert.strictEqual(yield* reasonOf(links.verify(kid)), "Malformed")
      assert.lengthOf(server.requests, 0, "refused before any key is read")
    })
  )

  it.effect("a header or payload that is not UTF-8, not JSON or not an object: Malformed, saying which", () =>
    Effect.gen(function* () {
      const key = keyPair("k1")
      const { links, server } = yield* setup([key.jwk])
      const now = yield* Clock.currentTimeMillis
      const header = { alg: "ES256", kid: "k1" }
      const cases: ReadonlyArray<readonly [unknown, unknown, string]> = [
        [Buffer.from([0xff, 0xfe]), claimsAt(now), "its header is not UTF-8 JSON"],
        [Buffer.from('{"alg":"ES256"'), claimsAt(now), "its header is not UTF-8 JSON"],
        [["ES256"], claimsAt(now), "its header is not a JSON object"],
        [header, Buffer.from([0xc3, 0x28]), "its payload is not UTF-8 JSON"],
        [header, Buffer.from("not json"), "its payload is not UTF-8 JSON"],
        [header, null, "its payload is not a JSON object"],
        [header, "claims", "its payload is not a JSON object"],
        [header, [claimsAt(now)], "its payload is not a JSON object"]
      ]
      for (const [head, payload, detail] of cases) {
        const refusal = (yield* Effect.flip(links.verify(signRaw(key.privateKey, head, payload)))) as InvalidPartnerLink
        assert.strictEqual(refusal.reason, "Malformed")
        assert.strictEqual(refusal.detail, detail)
      }
      assert.lengthOf(server.requests, 0, "refused before any key is read")
    })
  )

  it.effect("every JSON value in every header field and claim: a context or a typed refusal", () =>
    Effect.gen(function* () {
      const key = keyPair("k1")
      const { links } = yield* setup([key.jwk], { replayProtection: true, issuer: "teo", audience: "partner" })
      const now = yield* Clock.currentTimeMillis
      const base = claimsAt(now, { iss: "teo", aud: "partner" })
      const headerFields = ["alg", "kid", "typ", "crit", "b64", "jwk", "jku", "__proto__"]
      const claimFields = ["exp", "nbf", "iat", "jti", "dossierId", "userId", "iss", "aud", "sub", "__proto__"]
      let answers = 0
      for (const value of hostileValues) {
        for (const field of headerFields) {
          const header: Record<string, unknown> = { alg: "ES256", kid: "k1" }
          Object.defineProperty(header, field, { value, enumerable: true, configurable: true, writable: true })
          const exit = yield* Effect.exit(links.verify(signRaw(key.privateKey, header, base)))
          assert.isTrue(
            isAnswer(exit),
            `header ${field}: ${Cause.pretty((exit as Exit.Failure<unknown, unknown>).cause ?? Cause.empty)}`
          )
          answers++
        }
        for (const field of claimFields) {
          const payload: Record<string, unknown> = { ...base, jti: `${field}-${answers}` }
          Object.defineProperty(payload, field, { value, enumerable: true, configurable: true, writable: true })
          const exit = yield* Effect.exit(links.verify(signRaw(key.privateKey, { alg: "ES256", kid: "k1" }, payload)))
          assert.isTrue(isAnswer(exit), `claim ${field}`)
          answers++
        }
      }
      // The whole header or payload not an object at all.
      for (const value of hostileValues) {
        const isObject = typeof value === "object" && value !== null && !Array.isArray(value)
        assert.strictEqual(
          yield* reasonOf(links.verify(signRaw(key.privateKey, value, base))),
          isObject ? "WrongAlgorithm" : "Malformed"
        )
        const exit = yield* Effect.exit(links.verify(signRaw(key.privateKey, { alg: "ES256", kid: "k1" }, value)))
        assert.isTrue(isAnswer(exit) && Exit.isFailure(exit))
      }
      assert.strictEqual(answers, hostileValues.length * (headerFields.length + claimFields.length))
    })
  )

  it.effect.prop(
    "any JSON in any claim: a context or a typed refusal, never a defect",
    [Schema.String, Schema.Json],
    ([field, value]) =>
      Effect.gen(function* () {
        const key = keyPair("k1")
        const { links } = yield* setup([key.jwk], { replayProtection: true })
        const payload: Record<string, unknown> = claimsAt(yield* Clock.currentTimeMillis)
        Object.defineProperty(payload, field, { value, enumerable: true, configurable: true, writable: true })
        const exit = yield* Effect.exit(links.verify(signRaw(key.privateKey, { alg: "ES256", kid: "k1" }, payload)))
        assert.isTrue(isAnswer(exit))
        if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.dossierId, dossierId)
      }),
    { arbitrary: { runs: 60 } }
  )

  it.effect("the claims' types and ranges: each wrong one is Claims (or Expired / NotYetValid by its value)", () =>
    Effect.gen(function* () {
      const key = keyPair("k1")
      const { links } = yield* setup([key.jwk])
      const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
      const cases: ReadonlyArray<readonly [Record<string, unknown>, InvalidPartnerLink["reason"]]> = [
        [{ iat: "yesterday" }, "Claims"],
        [{ iat: null }, "Claims"],
        [{ nbf: "now" }, "Claims"],
        [{ exp: "soon" }, "Claims"],
        [{ exp: undefined }, "Claims"],
        [{ exp: 1e308, iat: now }, "Claims"], // not a date
        [{ nbf: -1e15 }, "Claims"],
        [{ nbf: -1.7e308 }, "Claims"],
        [{ iat: -1e15 }, "Claims"],
        [{ iat: 1e15 }, "Claims"],
        [{ exp: -1e15 }, "Claims"],
        [{ jti: 42 }, "Claims"],
        [{ jti: "j".repeat(257) }, "Claims"],
        [{ dossierId: "../../admin" }, "Claims"],
        [{ dossierId: 42 }, "Claims"],
        [{ dossierId: undefined }, "Claims"],
        [{ userId: { id: 1 } }, "Claims"],
        [{ userId: "u".repeat(257) }, "Claims"],
        [{ iat: undefined, exp: now + 3600 }, "Claims"], // no iat: exp bounds the age
        [{ exp: now - 60 }, "Expired"],
        [{ iat: now - 600, exp: now + 60 }, "Expired"], // older than maxAge
        [{ nbf: now + 120 }, "NotYetValid"],
        [{ iat: now + 120, exp: now + 400 }, "NotYetValid"]
      ]
      for (const [claims, expected] of cases) {
        const token = signRaw(key.privateKey, { alg: "ES256", kid: "k1" }, { ...claimsAt(now * 1000), ...claims })
        assert.strictEqual(yield* reasonOf(links.verify(token)), expected, JSON.stringify(claims))
      }
      // Numbers JSON.stringify cannot write: 1e400 is Infinity once parsed, -0, a huge integer.
      for (const text of [
        `{"dossierId":"${dossierId}","iat":${now},"exp":1e400}`,
        `{"dossierId":"${dossierId}","iat":1e400,"exp":${now + 300}}`
      ]) {
        assert.strictEqual(
          yield* reasonOf(links.verify(signRaw(key.privateKey, { alg: "ES256", kid: "k1" }, Buffer.from(text)))),
          "Claims"
        )
      }
      // Documented as optional: a link without iat whose exp is near verifies; a numeric userId is kept as text.
      const noIat = signRaw(key.privateKey, { alg: "ES256", kid: "k1" }, { dossierId, userId: 42, exp: now + 300 })
      const context = yield* links.verify(noIat)
      assert.strictEqual(context.userId, "42")
      assert.isUndefined(context.issuedAt)
    })
  )

  it.effect("a token longer than 8 KiB is refused before anything, the JWKS read included", () =>
    Effect.gen(function* () {
      const key = keyPair("k1")
      const { links, server } = yield* setup([key.jwk])
      const token = yield* link(key, { padding: "x".repeat(9000) })
      const error = (yield* Effect.flip(links.verify(token))) as InvalidPartnerLink
      assert.strictEqual(error.reason, "Malformed")
      assert.include(error.message, "8192")
      assert.lengthOf(server.requests, 0)
    })
  )

  it.effect("other spellings of a link are refused: whitespace, padding, stray bits", () =>
    Effect.gen(function* () {
      const key = keyPair("k1")
      const { links } = yield* setup([key.jwk])
      const token = yield* link(key)
      const [header, payload, signature] = token.split(".") as [string, string, string]
      const spellings = [
        `${header}.${payload.slice(0, 10)} ${payload.slice(10)}.${signature}`,
        `${header}.${payload.slice(0, 10)}\n${payload.slice(10)}.${signature}`,
        `${header}.${payload}.${signature}==`,
        `${header}.${payload}=.${signature}`,
        ` ${token}`,
        `${token}\n`
      ]
      for (const part of [header, payload, signature]) {
        const changed = strayBits(part)
        if (changed !== undefined) spellings.push(token.replace(part, changed))
      }
      assert.isAtLeast(spellings.length, 7, "the signature (64 bytes) always has stray bits to set")
      for (const spelling of spellings) {
        assert.notStrictEqual(spelling, token)
        assert.strictEqual(yield* reasonOf(links.verify(spelling)), "Malformed", JSON.stringify(spelling.slice(-8)))
      }
      assert.strictEqual((yield* links.verify(token)).dossierId, dossierId)
    })
  )

  it.effect("the signature's high-S twin is the same link: refused as replayed once the link was used", () =>
    Effect.gen(function* () {
      const key = keyPair("k1")
      const open = yield* setup([key.jwk])
      const token = yield* link(key)
      const twin = highSTwin(token)
      assert.notStrictEqual(twin, token)
      // Without replay protection both verify: the twin is a valid signature (téo's signer may write either).
      assert.strictEqual((yield* open.links.verify(twin)).dossierId, dossierId)
      const { links } = yield* setup([key.jwk], { replayProtection: true })
      assert.strictEqual((yield* links.verify(token)).dossierId, dossierId)
      assert.strictEqual(yield* reasonOf(links.verify(twin)), "Replayed")
      // And the other way round, for another link.
      const other = yield* link(key, { userId: "u-43" })
      assert.strictEqual((yield* links.verify(highSTwin(other))).userId, "u-43")
      assert.strictEqual(yield* reasonOf(links.verify(other)), "Replayed")
    })
  )

  it.effect("a JWKS that hangs: nothing cached, a typed error after jwksTimeout; cached keys never wait", () =>
    Effect.gen(function* () {
      const key = keyPair("k1")
      const { links, server } = yield* setup([key.jwk], { jwksTimeout: "3 seconds", jwksCacheTtl: "1 minute" })
      const hang = gate()
      yield* Effect.addFinalizer(() => Effect.sync(hang.open))
      server.reply = async () => {
        await hang.opened
        return { status: 503 }
      }
      const waiting = yield* Effect.forkChild(links.verify(yield* link(key)))
      yield* server.received(1)
      yield* TestClock.adjust("3 seconds")
      const error = yield* Effect.flip(Fiber.join(waiting))
      assert.instanceOf(error, PartnerLinkKeysUnavailable)
      assert.include(error.message, "no answer within 3s")
      // The keys come; then the cache is stale and the refresh hangs: a link whose kid is cached is answered at once.
      server.reply = () => ({ status: 200, json: { keys: [key.jwk] } })
      yield* TestClock.adjust("31 seconds") // past the cooldown
      assert.strictEqual((yield* links.verify(yield* link(key))).dossierId, dossierId)
      server.reply = async () => {
        await hang.opened
        return { status: 503 }
      }
      yield* TestClock.adjust("2 minutes")
      for (let i = 0; i < 5; i++) assert.strictEqual((yield* links.verify(yield* link(key))).dossierId, dossierId)
      assert.lengthOf(server.requests, 3, "one refresh in flight, not one per link")
    })
  )

  it.effect("an unknown kid while the JWKS fails: keys unavailable (retryable), not an unknown key", () =>
    Effect.gen(function* () {
      const key = keyPair("k1")
      const rotated = keyPair("k2")
      const { links, jwks } = yield* setup([key.jwk])
      assert.strictEqual((yield* links.verify(yield* link(key))).dossierId, dossierId)
      jwks.status = 503
      yield* TestClock.adjust("31 seconds")
      const during = yield* Effect.flip(links.verify(yield* link(rotated)))
      assert.instanceOf(during, PartnerLinkKeysUnavailable)
      assert.isTrue(during.isRetryable)
      // Within the cooldown the failure stands; the cached kid still verifies.
      assert.instanceOf(yield* Effect.flip(links.verify(yield* link(rotated))), PartnerLinkKeysUnavailable)
      assert.strictEqual((yield* links.verify(yield* link(key))).dossierId, dossierId)
      // Back, and past the cooldown: the rotated key is found.
      jwks.status = 200
      jwks.keys = [key.jwk, rotated.jwk]
      yield* TestClock.adjust("31 seconds")
      assert.strictEqual((yield* links.verify(yield* link(rotated))).dossierId, dossierId)
    })
  )

  it.effect("a zero clock tolerance is accepted; a zero cooldown is not", () =>
    Effect.gen(function* () {
      const key = keyPair("k1")
      const { links } = yield* setup([key.jwk], { clockTolerance: 0 })
      assert.strictEqual((yield* links.verify(yield* link(key))).dossierId, dossierId)
      const zero = yield* Effect.flip(
        Layer.build(
          PartnerLink.layer({ jwksUrl: "https://auth.teo.example/jwks.json", jwksCooldown: 0 }).pipe(
            Layer.provide(FetchHttpClient.layer)
          )
        )
      )
      assert.include(String(zero), "positive")
    }).pipe(Effect.scoped)
  )

  it.effect("a JWKS answering 503 with nothing cached: one read per cooldown, not one per link", () =>
    Effect.gen(function* () {
      const key = keyPair("k1")
      const { links, server, jwks } = yield* setup([key.jwk])
      jwks.status = 503
      for (let i = 0; i < 20; i++) {
        const error = yield* Effect.flip(links.verify(yield* link(key)))
        assert.instanceOf(error, PartnerLinkKeysUnavailable)
      }
      assert.lengthOf(server.requests, 1)
      jwks.status = 200
      yield* TestClock.adjust("31 seconds")
      assert.strictEqual((yield* links.verify(yield* link(key))).dossierId, dossierId)
      assert.lengthOf(server.requests, 2)
    })
  )

  it.effect("a JWKS that publishes a private key: that key is never used, an error is logged, a metric counts it", () =>
    Effect.provideService(
      Effect.gen(function* () {
        const key = keyPair("k1")
        const leaked = { ...key.privateKey.export({ format: "jwk" }), kid: "k1", alg: "ES256" }
        const [error, captured] = yield* capture(
          Effect.gen(function* () {
            const { links } = yield* setup([leaked])
            return yield* Effect.flip(links.verify(yield* link(key)))
          })
        )
        assert.strictEqual((error as InvalidPartnerLink).reason, "UnknownKey")
        assert.include(captured.logs.join("\n"), "PRIVATE key")
        const counted = yield* Metric.value(
          Metric.withAttributes(AuthMetrics.partnerLinkUnusableKeys, { problem: "PrivateKeyPublished" })
        )
        assert.isAtLeast(counted.count, 1)
      }),
      Metric.MetricRegistry,
      new Map()
    )
  )

  it.effect("two keys under one kid, or a kid-less link against several keys: AmbiguousKey", () =>
    Effect.gen(function* () {
      const key = keyPair("k1")
      const other = keyPair("k1")
      const { links } = yield* setup([key.jwk, other.jwk])
      assert.strictEqual(yield* reasonOf(links.verify(yield* link(key))), "AmbiguousKey")
      const two = yield* setup([key.jwk, { ...keyPair("k2").jwk }])
      const now = yield* Clock.currentTimeMillis
      const kidless = signRaw(key.privateKey, { alg: "ES256" }, claimsAt(now))
      assert.strictEqual(yield* reasonOf(two.links.verify(kidless)), "AmbiguousKey")
      // One key only: a kid-less link is verified with it.
      const one = yield* setup([key.jwk])
      assert.strictEqual((yield* one.links.verify(kidless)).dossierId, dossierId)
    })
  )
})
