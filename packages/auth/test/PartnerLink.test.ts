/**
 * `PartnerLink.verify` against a JWKS served on loopback, with tokens signed
 * by `jose` as téo would sign them (ES256) — and as an attacker would.
 */
import { createHmac, generateKeyPairSync } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import {
  configErrorMessage,
  InvalidPartnerLink,
  PartnerLink,
  PartnerLinkKeysUnavailable,
  type PartnerLinkOptions
} from "@teo-effect/auth"
import { makeScriptedServer } from "@teo-effect/test-support"
import { Cause, Clock, Config, ConfigProvider, Context, Effect, Layer, Scope } from "effect"
import { FetchHttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose"

const dossierId = "0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b"

/** An ES256 key with its public JWK (kid set). */
const esKey = (kid: string) =>
  Effect.promise(async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true })
    return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" } as JWK }
  })

type Key = Effect.Success<ReturnType<typeof esKey>>

/** A token signed with `key`, issued at the test clock's now; `claims` override the defaults. */
const sign = (key: Key, claims: Record<string, unknown> = {}, header: { kid?: string } = {}) =>
  Effect.flatMap(Clock.currentTimeMillis, (millis) =>
    Effect.promise(() => {
      const now = Math.floor(millis / 1000)
      return new SignJWT({ dossierId, userId: "u-42", ...claims })
        .setProtectedHeader({ alg: "ES256", kid: header.kid ?? key.kid })
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(key.privateKey)
    })
  )

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")

/** A JWKS server and a `PartnerLink` on it. */
const setup = (keys: Array<JWK>, options: PartnerLinkOptions = {}) =>
  Effect.gen(function* () {
    const server = yield* makeScriptedServer
    const jwks = { keys, down: false }
    server.reply = () => (jwks.down ? { status: 503, text: "down" } : { status: 200, json: { keys: jwks.keys } })
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

const refusal = <E>(effect: Effect.Effect<unknown, E>) => Effect.flip(effect)

describe("PartnerLink.verify", () => {
  it.effect("a valid link gives its context: dossier, user, dates, every claim", () =>
    Effect.gen(function* () {
      const key = yield* esKey("k1")
      const { links } = yield* setup([key.jwk])
      const context = yield* links.verify(yield* sign(key, { role: "conseiller" }))
      assert.strictEqual(context.dossierId, dossierId)
      assert.strictEqual(context.userId, "u-42")
      assert.strictEqual(context.claims.role, "conseiller")
      assert.strictEqual(context.expiresAt.epochMilliseconds, (context.issuedAt?.epochMilliseconds ?? 0) + 300_000)
    })
  )

  it.effect("expired, not yet valid, too old: each says so", () =>
    Effect.gen(function* () {
      const key = yield* esKey("k1")
      const { links } = yield* setup([key.jwk])
      const token = yield* sign(key)
      yield* TestClock.adjust("6 minutes")
      const expired = yield* refusal(links.verify(token))
      assert.instanceOf(expired, InvalidPartnerLink)
      assert.strictEqual((expired as InvalidPartnerLink).reason, "Expired")
      const future = yield* sign(key, { nbf: Math.floor((yield* Clock.currentTimeMillis) / 1000) + 120 })
      assert.strictEqual(((yield* refusal(links.verify(future))) as InvalidPartnerLink).reason, "NotYetValid")
    })
  )

  it.effect("the wrong algorithms are refused from the header: none, HS256 with the public key, RS256", () =>
    Effect.gen(function* () {
      const key = yield* esKey("k1")
      const { links, server } = yield* setup([key.jwk])
      const claims = b64({ dossierId, exp: 4_000_000_000 })
      const none = `${b64({ alg: "none", kid: "k1" })}.${claims}.`
      const hsInput = `${b64({ alg: "HS256", kid: "k1" })}.${claims}`
      const hs = `${hsInput}.${createHmac("sha256", JSON.stringify(key.jwk)).update(hsInput).digest("base64url")}`
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
      const rs = yield* Effect.promise(() =>
        new SignJWT({ dossierId })
          .setProtectedHeader({ alg: "RS256", kid: "k1" })
          .setExpirationTime("5m")
          .sign(privateKey)
      )
      for (const token of [none, hs, rs]) {
        const error = (yield* refusal(links.verify(token))) as InvalidPartnerLink
        assert.strictEqual(error.reason, "WrongAlgorithm")
        assert.notInclude(error.message, token)
      }
      assert.lengthOf(server.requests, 0, "the keys were not even read")
    })
  )

  it.effect("signed by another key under a known kid: a bad signature", () =>
    Effect.gen(function* () {
      const key = yield* esKey("k1")
      const impostor = yield* esKey("k1")
      const { links } = yield* setup([key.jwk])
      assert.strictEqual(
        ((yield* refusal(links.verify(yield* sign(impostor)))) as InvalidPartnerLink).reason,
        "BadSignature"
      )
    })
  )

  it.effect("an unknown kid: the JWKS read again once, then refused; a rotation is picked up", () =>
    Effect.gen(function* () {
      const old = yield* esKey("k1")
      const next = yield* esKey("k2")
      const { links, server, jwks } = yield* setup([old.jwk])
      yield* links.verify(yield* sign(old))
      yield* TestClock.adjust("31 seconds") // past the cooldown that follows any read
      const unknown = (yield* refusal(links.verify(yield* sign(next)))) as InvalidPartnerLink
      assert.strictEqual(unknown.reason, "UnknownKey")
      assert.lengthOf(server.requests, 2, "one read, and one refresh for the unknown kid")
      // Rotation: téo publishes both keys; past the cooldown, the new kid is found and the old one still works.
      jwks.keys = [old.jwk, next.jwk]
      yield* TestClock.adjust("31 seconds")
      assert.strictEqual((yield* links.verify(yield* sign(next))).dossierId, dossierId)
      assert.strictEqual((yield* links.verify(yield* sign(old))).dossierId, dossierId)
    })
  )

  it.effect("1,000 forged tokens with random kids: at most one JWKS read per cooldown", () =>
    Effect.gen(function* () {
      const key = yield* esKey("k1")
      const forger = yield* esKey("forged")
      const { links, server } = yield* setup([key.jwk])
      yield* links.verify(yield* sign(key))
      yield* TestClock.adjust("31 seconds") // past the cooldown: the first forged kid may trigger one read
      for (let i = 0; i < 1000; i++) {
        const forged = yield* sign(forger, {}, { kid: `kid-${i}-${Math.random()}` })
        yield* Effect.ignore(links.verify(forged))
      }
      assert.lengthOf(server.requests, 2, "the first read, and one refresh for 1,000 unknown kids")
    })
  )

  it.effect("the JWKS endpoint down: cached keys keep working; with nothing cached, a typed error", () =>
    Effect.gen(function* () {
      const key = yield* esKey("k1")
      const { links, jwks } = yield* setup([key.jwk], { jwksCacheTtl: "1 minute" })
      yield* links.verify(yield* sign(key))
      jwks.down = true
      yield* TestClock.adjust("2 minutes") // the cache is stale, the refresh fails: the cached keys serve
      assert.strictEqual((yield* links.verify(yield* sign(key))).dossierId, dossierId)
      const cold = yield* setup([key.jwk])
      cold.jwks.down = true
      const error = yield* refusal(cold.links.verify(yield* sign(key)))
      assert.instanceOf(error, PartnerLinkKeysUnavailable)
      assert.isTrue((error as PartnerLinkKeysUnavailable).isRetryable)
    })
  )

  it.effect(
    "a hostile JWKS (a key that does not import, an RSA key under the kid): an unknown key, read again after the cooldown",
    () =>
      Effect.gen(function* () {
        const key = yield* esKey("k1")
        const token = yield* sign(key)
        const { jwks, links } = yield* setup([])
        // The kid is there, the key is not an EC P-256 public key.
        jwks.keys = [{ kid: "k1", kty: "EC", crv: "P-256", x: "AA", y: "AA" }]
        const broken = yield* Effect.exit(links.verify(token))
        assert.isTrue(broken._tag === "Failure" && !Cause.hasDies(broken.cause), "a typed failure")
        assert.strictEqual(((yield* Effect.flip(links.verify(token))) as InvalidPartnerLink).reason, "UnknownKey")
        // An RSA key under the kid: ES256 cannot be verified with it.
        jwks.keys = [{ kid: "k1", kty: "RSA", n: "AQAB", e: "AQAB" }]
        yield* TestClock.adjust("1 minute")
        const rsa = yield* Effect.exit(links.verify(token))
        assert.isTrue(rsa._tag === "Failure" && !Cause.hasDies(rsa.cause))
        assert.strictEqual(((yield* Effect.flip(links.verify(token))) as InvalidPartnerLink).reason, "UnknownKey")
        // Once téo serves the real key again (after the cooldown), the same link verifies.
        jwks.keys = [key.jwk]
        yield* TestClock.adjust("1 minute")
        assert.strictEqual((yield* links.verify(token)).dossierId, dossierId)
      })
  )

  it.effect("the JWKS URL: https, or http on this machine only — keys read in clear could be swapped", () =>
    Effect.gen(function* () {
      const build = (options: PartnerLinkOptions) =>
        Effect.flip(Layer.build(PartnerLink.layer(options).pipe(Layer.provide(FetchHttpClient.layer))))
      const clear = yield* build({ jwksUrl: "http://auth.teo.example/.well-known/jwks.json" })
      assert.include(configErrorMessage(clear), "must use https")
      const notUrl = yield* build({ jwksUrl: "auth.teoapp.fr/jwks" })
      assert.include(configErrorMessage(notUrl), "must be an absolute http(s) URL")
      // Allowed explicitly, or on loopback.
      yield* Layer.build(
        PartnerLink.layer({ jwksUrl: "http://auth.teo.example/jwks.json", allowPlainHttp: true }).pipe(
          Layer.provide(FetchHttpClient.layer)
        )
      )
      yield* Layer.build(
        PartnerLink.layer({ jwksUrl: "http://127.0.0.1:4010/.well-known/jwks.json" }).pipe(
          Layer.provide(FetchHttpClient.layer)
        )
      )
    }).pipe(Effect.scoped)
  )

  it.effect("layerConfig: the JWKS from TEO_PARTNER_JWKS_URL; a wrong one names the variable", () =>
    Effect.gen(function* () {
      const key = yield* esKey("k1")
      const server = yield* makeScriptedServer
      server.reply = () => ({ status: 200, json: { keys: [key.jwk] } })
      const withEnv = (env: Record<string, string>) =>
        PartnerLink.layerConfig().pipe(
          Layer.provide(FetchHttpClient.layer),
          Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))
        )
      const context = yield* Layer.build(withEnv({ TEO_PARTNER_JWKS_URL: `${server.origin}/.well-known/jwks.json` }))
      const verified = yield* Context.get(context, PartnerLink).verify(yield* sign(key))
      assert.strictEqual(verified.dossierId, dossierId)
      assert.strictEqual(server.requests[0]?.url, "/.well-known/jwks.json")
      const wrong = yield* Effect.flip(Layer.build(withEnv({ TEO_PARTNER_JWKS_URL: "http://teo.example/jwks" })))
      assert.include(configErrorMessage(wrong), "TEO_PARTNER_JWKS_URL")
      assert.include(configErrorMessage(wrong), "must use https")
      // The JWKS URL from a Config of the application's instead of the variable.
      const own = PartnerLink.layerConfig({ jwksUrl: Config.String("MY_JWKS") }).pipe(
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: { MY_JWKS: `${server.origin}/mine.json` } })))
      )
      const mine = yield* Context.get(yield* Layer.build(own), PartnerLink).verify(yield* sign(key))
      assert.strictEqual(mine.dossierId, dossierId)
      assert.strictEqual(server.requests.at(-1)?.url, "/mine.json")
    }).pipe(Effect.scoped)
  )

  it.effect("replay protection: a link used once is refused the second time", () =>
    Effect.gen(function* () {
      const key = yield* esKey("k1")
      const { links } = yield* setup([key.jwk], { replayProtection: true })
      const token = yield* sign(key, { jti: "link-1" })
      yield* links.verify(token)
      assert.strictEqual(((yield* refusal(links.verify(token))) as InvalidPartnerLink).reason, "Replayed")
    })
  )

  it.effect("random strings and broken tokens are refused as malformed, never a defect", () =>
    Effect.gen(function* () {
      const key = yield* esKey("k1")
      const { links } = yield* setup([key.jwk])
      const inputs = [
        "",
        "a",
        "a.b",
        "a.b.c",
        "...",
        `${b64({ alg: "ES256", kid: "k1" })}.not-json.sig`,
        `${b64({ alg: "ES256", kid: "k1" })}.${b64({ dossierId })}.`,
        ...Array.from({ length: 200 }, (_, i) =>
          Array.from({ length: (i % 40) + 1 }, () => String.fromCharCode(32 + Math.floor(Math.random() * 95))).join("")
        )
      ]
      for (const input of inputs) {
        const exit = yield* Effect.exit(links.verify(input))
        assert.isTrue(exit._tag === "Failure" && exit.cause.reasons.every((reason) => reason._tag === "Fail"), input)
      }
    })
  )
})
