/**
 * FakeTeo's partner links, verified by `@teo-effect/auth`'s `PartnerLink`
 * against FakeTeo's JWKS, over HTTP.
 */
import { assert, describe, it } from "@effect/vitest"
import { InvalidPartnerLink, PartnerLink } from "@teo-effect/auth"
import { FakeTeo } from "@teo-effect/testing"
import { Effect, Layer } from "effect"
import { FetchHttpClient } from "effect/http"
import { TestClock } from "effect/testing"

/** FakeTeo, and a `PartnerLink` that trusts its JWKS. */
const withLinks = Layer.unwrap(
  Effect.map(Effect.service(FakeTeo), (fake) =>
    PartnerLink.layer({ jwksUrl: fake.jwksUrl, jwksCooldown: "1 second" }).pipe(Layer.provide(FetchHttpClient.layer))
  )
).pipe(Layer.provideMerge(FakeTeo.layer()))

describe("FakeTeo's partner links", () => {
  it.effect("verify: the dossier, the user and the claims asked for", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      const links = yield* PartnerLink
      const token = yield* fake.partnerLink({ dossierId: "d-1", userId: "u-1", claims: { role: "conseiller" } })
      const context = yield* links.verify(token)
      assert.strictEqual(context.dossierId, "d-1")
      assert.strictEqual(context.userId, "u-1")
      assert.strictEqual(context.claims.role, "conseiller")
      assert.strictEqual(context.claims.iss, "fake-teo")
    }).pipe(Effect.provide(withLinks))
  )

  it.effect("a rotation: the old key stays valid during the overlap, the new one is picked up", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      const links = yield* PartnerLink
      const before = yield* fake.partnerLink()
      yield* links.verify(before)
      yield* fake.rotatePartnerKeys
      yield* TestClock.adjust("1 second") // past the JWKS cooldown
      const after = yield* fake.partnerLink()
      assert.strictEqual((yield* links.verify(after)).dossierId.length > 0, true)
      assert.strictEqual((yield* links.verify(before)).dossierId.length > 0, true)
    }).pipe(Effect.provide(withLinks))
  )

  it.effect("a link past its ttl is refused as expired", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      const links = yield* PartnerLink
      const token = yield* fake.partnerLink({ ttl: "1 second" })
      yield* TestClock.adjust("2 minutes")
      const error = yield* Effect.flip(links.verify(token))
      assert.instanceOf(error, InvalidPartnerLink)
      assert.strictEqual((error as InvalidPartnerLink).reason, "Expired")
    }).pipe(Effect.provide(withLinks))
  )
})
