/**
 * The real @teo-effect/auth and @teo-effect/api against FakeTeo over HTTP:
 * what a user's integration test looks like with `TeoTest.layer`. Where a
 * retry waits, the test awaits that wait's start (`watchingSleeps`) and moves
 * the clock by exactly its length; retries with no wait to check are made at
 * once (`withoutJitter`) — never clock steps against socket I/O.
 */
import { assert, describe, it } from "@effect/vitest"
import { Dossiers, type Iri, Prestations, TeoApiError, UnexpectedResponse, ValidationFailed } from "@teo-effect/api"
import { AccessToken, InvalidClient, InvalidScope, TeoCredentials } from "@teo-effect/auth"
import { watchingSleeps, withoutJitter } from "@teo-effect/test-support"
import { FakeTeo, TeoTest } from "@teo-effect/testing"
import { Duration, Effect, Exit, Fiber, Layer, Redacted, Stream } from "effect"
import { FetchHttpClient } from "effect/http"
import { TestClock } from "effect/testing"

describe("TeoTest.layer against FakeTeo", () => {
  it.effect("lists all 95 dossiers over 4 pages with one token", () =>
    Effect.gen(function* () {
      const dossiers = yield* Dossiers
      const all = yield* Stream.runCollect(dossiers.list())
      assert.lengthOf(all, 95)
      assert.strictEqual(new Set(all.map((dossier) => dossier["@id"])).size, 95)
      const stats = yield* (yield* FakeTeo).stats
      assert.strictEqual(stats.apiRequests, 4)
      assert.strictEqual(stats.tokenRequests, 1)
    }).pipe(Effect.provide(TeoTest.layer()))
  )

  it.effect("serves the unprefixed key style as well", () =>
    Effect.gen(function* () {
      const all = yield* Stream.runCollect((yield* Dossiers).list({ itemsPerPage: 10 }))
      assert.lengthOf(all, 25)
    }).pipe(Effect.provide(TeoTest.layer({ fakeTeo: { dossiers: 25, keyStyle: "unprefixed" } })))
  )

  it.effect("many concurrent calls cost one token request", () =>
    Effect.gen(function* () {
      const dossiers = yield* Dossiers
      yield* Effect.all(
        Array.from({ length: 50 }, () => dossiers.page({ itemsPerPage: 5 })),
        { concurrency: "unbounded", discard: true }
      )
      assert.strictEqual((yield* (yield* FakeTeo).stats).tokenRequests, 1)
    }).pipe(Effect.provide(TeoTest.layer()))
  )

  it.effect("an expired token is refreshed transparently (test clock shared with FakeTeo)", () =>
    Effect.gen(function* () {
      const dossiers = yield* Dossiers
      const fake = yield* FakeTeo
      yield* dossiers.page()
      yield* TestClock.adjust("600 seconds")
      yield* dossiers.page()
      const stats = yield* fake.stats
      assert.strictEqual(stats.tokensIssued, 2)
      assert.deepStrictEqual(stats.apiByStatus, { "200": 2 })
    }).pipe(Effect.provide(TeoTest.layer()))
  )

  it.effect("a token téo expired early: 401, one fresh token, success", () =>
    Effect.gen(function* () {
      const dossiers = yield* Dossiers
      const fake = yield* FakeTeo
      yield* dossiers.page()
      yield* fake.expireTokens
      yield* dossiers.page()
      const stats = yield* fake.stats
      assert.strictEqual(stats.tokensIssued, 2)
      assert.deepStrictEqual(stats.apiByStatus, { "200": 2, "401": 1 })
    }).pipe(Effect.provide(TeoTest.layer()))
  )

  it.effect("a revoked token: 401, one fresh token, success", () =>
    Effect.gen(function* () {
      const dossiers = yield* Dossiers
      const fake = yield* FakeTeo
      yield* dossiers.page()
      yield* fake.revokeTokens
      yield* dossiers.page()
      const stats = yield* fake.stats
      assert.strictEqual(stats.tokensIssued, 2)
      assert.deepStrictEqual(stats.apiByStatus, { "200": 2, "401": 1 })
    }).pipe(Effect.provide(TeoTest.layer()))
  )

  it.effect("honours the rate limit's Retry-After", () =>
    watchingSleeps((sleeps) =>
      Effect.gen(function* () {
        const dossiers = yield* Dossiers
        const fake = yield* FakeTeo
        const page = dossiers.page({ itemsPerPage: 1 })
        // The token, and the first of the window's 2 requests.
        yield* page
        const fiber = yield* Effect.forkChild(Effect.all([page, page]))
        // The third is refused: Retry-After is the rest of the 10 s window, all of it at 0 s (the backoff drawn is
        // shorter). The call waits that long, then tries again.
        const waited = yield* sleeps.next((duration) => Duration.toMillis(duration) === 10_000)
        yield* TestClock.adjust(waited)
        const exit = yield* Fiber.await(fiber)
        assert.isTrue(Exit.isSuccess(exit))
        const stats = yield* fake.stats
        assert.strictEqual(stats.apiByStatus["200"], 3)
        assert.isAtLeast(stats.apiByStatus["429"] ?? 0, 1)
        const requests = yield* fake.requests
        const limited = requests.find((request) => request.status === 429)
        const after = requests.filter((request) => request.status === 200).at(-1)
        assert.isAtLeast((after?.at ?? 0) - (limited?.at ?? 0), 1000, "waited for Retry-After")
      })
    ).pipe(Effect.provide(TeoTest.layer({ fakeTeo: { rateLimit: { requests: 2, window: "10 seconds" } } })))
  )

  it.effect("a 500 on a GET is retried", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      yield* fake.failNext("api", 1, "500")
      // Retried at once (no backoff drawn): nothing to time against the socket.
      assert.isTrue(Exit.isSuccess(yield* Effect.exit(withoutJitter((yield* Dossiers).page()))))
      assert.deepStrictEqual((yield* fake.stats).apiByStatus, { "200": 1, "500": 1 })
    }).pipe(Effect.provide(TeoTest.layer()))
  )

  it.effect("a reset connection on a GET is retried; a malformed body is an UnexpectedResponse", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      const dossiers = yield* Dossiers
      yield* fake.failNext("api", 1, "reset")
      // Retried at once (no backoff drawn): nothing to time against the socket.
      assert.isTrue(Exit.isSuccess(yield* Effect.exit(withoutJitter(dossiers.page()))))
      yield* fake.failNext("api", 1, "malformed")
      const error = yield* Effect.flip(dossiers.page())
      assert.instanceOf(error, TeoApiError)
      assert.instanceOf(error.reason, UnexpectedResponse)
    }).pipe(Effect.provide(TeoTest.layer()))
  )

  it.effect("lists the prestations: the serviceIds a new dossier can take", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      const prestations = yield* Stream.runCollect((yield* Prestations).list())
      assert.deepStrictEqual(
        prestations.map((prestation) => prestation["@id"].split("/").at(-1)),
        [...fake.prestationIds]
      )
      const first = prestations[0]
      assert.isDefined(first)
      const created = yield* (yield* Dossiers).create({
        firstName: "Léa",
        lastName: "Dupont",
        email: "lea.dupont@example.fr",
        serviceId: first?.["@id"].split("/").at(-1) ?? ""
      })
      assert.strictEqual(created.service, first?.["@id"])
      assert.strictEqual((yield* (yield* Prestations).get(first?.["@id"] ?? ("" as Iri))).name, first?.name)
    }).pipe(Effect.provide(TeoTest.layer()))
  )

  it.effect("creates a dossier and reads it back", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      const dossiers = yield* Dossiers
      const created = yield* dossiers.create({
        firstName: "Léa",
        lastName: "Dupont",
        email: "lea.dupont@example.fr",
        serviceId: fake.prestationIds[0] ?? ""
      })
      assert.strictEqual(created.status, "Prévisionnel")
      const again = yield* dossiers.get(created["@id"])
      assert.strictEqual(again.lastName, "Dupont")
      assert.strictEqual((yield* dossiers.page()).totalItems, 96)
    }).pipe(Effect.provide(TeoTest.layer()))
  )

  it.effect("bad input fails with ValidationFailed and téo's French messages (before sending, or from téo)", () =>
    Effect.gen(function* () {
      const dossiers = yield* Dossiers
      const local = yield* Effect.flip(
        dossiers.create({ firstName: "Léa", lastName: "Dupont", email: "pas-un-email", serviceId: "x" })
      )
      assert.instanceOf(local, TeoApiError)
      assert.instanceOf(local.reason, ValidationFailed)
      assert.includeMembers(
        local.reason.violations.map((violation) => violation.message),
        ["Cette valeur n'est pas une adresse email valide."]
      )
      const remote = yield* Effect.flip(
        dossiers.create({
          firstName: "Léa",
          lastName: "Dupont",
          email: "lea@example.fr",
          serviceId: "5f1d7a3e-2b4c-4d6e-8f90-a1b2c3d4e5f6"
        })
      )
      assert.instanceOf(remote, TeoApiError)
      assert.instanceOf(remote.reason, ValidationFailed)
      assert.strictEqual(remote.reason.status, 422)
      assert.deepStrictEqual(
        remote.reason.violations.map((violation) => [violation.propertyPath, violation.message]),
        [["serviceId", "Cette prestation n'existe pas."]]
      )
    }).pipe(Effect.provide(TeoTest.layer()))
  )

  it.effect("the request log shows the Authorization scheme only", () =>
    Effect.gen(function* () {
      yield* (yield* Dossiers).page()
      const requests = yield* (yield* FakeTeo).requests
      assert.deepStrictEqual(
        requests.map((request) => request.authorization),
        ["Basic <redacted>", "Bearer <redacted>"]
      )
      assert.notInclude(JSON.stringify(requests), "fake-secret")
    }).pipe(Effect.provide(TeoTest.layer()))
  )
})

describe("wrong credentials against FakeTeo", () => {
  const withCredentials = (clientSecret: string, teoId: string) =>
    Layer.unwrap(
      Effect.map(Effect.service(FakeTeo), (fake) =>
        AccessToken.layer().pipe(
          Layer.provide(
            TeoCredentials.layer({
              clientId: fake.credentials.clientId,
              clientSecret: Redacted.make(clientSecret),
              teoId,
              tokenUrl: fake.tokenUrl
            })
          ),
          Layer.provide(FetchHttpClient.layer)
        )
      )
    ).pipe(Layer.provide(FakeTeo.layer()))

  it.effect("a wrong secret is InvalidClient", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip((yield* AccessToken).get)
      assert.instanceOf(error, InvalidClient)
    }).pipe(Effect.provide(withCredentials("wrong-secret", "fake-instance")))
  )

  it.effect("a wrong TEO_ID is InvalidScope", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip((yield* AccessToken).get)
      assert.instanceOf(error, InvalidScope)
    }).pipe(Effect.provide(withCredentials("fake-secret", "another-instance")))
  )
})
