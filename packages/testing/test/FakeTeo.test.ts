/**
 * FakeTeo's own controls: its data, faults per side, rate limit, reset, stats.
 */
import { assert, describe, it } from "@effect/vitest"
import { dossierStatuses, FakeTeo, makeDossiers, makePrestations, type RunningFakeTeo } from "@teo-effect/testing"

const tokenRequest = (fake: RunningFakeTeo) =>
  fetch(fake.tokenUrl, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `Basic ${Buffer.from("fake-client:fake-secret").toString("base64")}`
    },
    body: "grant_type=client_credentials&scope=target-entity:fake-instance"
  })

const withFake = async <A>(
  options: Parameters<typeof FakeTeo.start>[0],
  body: (fake: RunningFakeTeo, token: () => Promise<string>) => Promise<A>
): Promise<A> => {
  const fake = await FakeTeo.start(options)
  try {
    const token = async () => ((await (await tokenRequest(fake)).json()) as { access_token: string }).access_token
    return await body(fake, token)
  } finally {
    await fake.close()
  }
}

const list = (fake: RunningFakeTeo, token: string) =>
  fetch(`${fake.apiUrl}/production/dossiers`, { headers: { Authorization: `Bearer ${token}` } })

const create = (fake: RunningFakeTeo, token: string, lastName = "Dupont") =>
  fetch(`${fake.apiUrl}/production/dossiers`, {
    method: "POST",
    headers: { "Content-Type": "application/ld+json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ firstName: "Léa", lastName, email: "lea@example.fr", serviceId: fake.prestationIds[0] })
  })

/** The IRIs of three dossiers created on a FakeTeo of `seed`, and each one read back. */
const createdIris = (seed: number) =>
  withFake({ seed, dossiers: 2 }, async (fake, token) => {
    const bearer = await token()
    const iris: Array<string> = []
    for (const lastName of ["Martin", "Petit", "Durand"]) {
      const response = await create(fake, bearer, lastName)
      assert.strictEqual(response.status, 201)
      const iri = ((await response.json()) as { "@id": string })["@id"]
      assert.strictEqual(response.headers.get("location"), iri)
      const read = await fetch(`${fake.url}${iri}`, { headers: { Authorization: `Bearer ${bearer}` } })
      assert.strictEqual(((await read.json()) as { lastName: string }).lastName, lastName)
      iris.push(iri)
    }
    return iris
  })

describe("data", () => {
  it("is deterministic, realistic and sized as asked", () => {
    const prestations = makePrestations("seed")
    const a = makeDossiers("seed", 95, prestations)
    const b = makeDossiers("seed", 95, prestations)
    assert.deepStrictEqual(a, b)
    assert.notDeepEqual(makeDossiers("other", 95, prestations), a)
    assert.lengthOf(a, 95)
    for (const dossier of a) {
      assert.match(dossier.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      assert.include(dossierStatuses, dossier.status as (typeof dossierStatuses)[number])
      assert.match(String(dossier.email), /^[a-z]+\.[a-z]+\d+@example\.fr$/)
      assert.isTrue(
        prestations.some((prestation) => dossier.service === `/api/production/prestations/${prestation.id}`)
      )
    }
    assert.strictEqual(new Set(a.map((dossier) => dossier.id)).size, 95)
  })

  it("a created dossier's id is drawn from the seed: the same seed and requests give the same ids", async () => {
    const first = await createdIris(7)
    assert.lengthOf(first, 3)
    for (const iri of first) {
      assert.match(
        iri,
        /^\/api\/production\/dossiers\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
      )
    }
    assert.strictEqual(new Set(first).size, 3)
    assert.deepStrictEqual(await createdIris(7), first)
    const other = await createdIris(8)
    assert.isTrue(other.every((iri) => !first.includes(iri)))
  })

  it("takes custom dossiers", () =>
    withFake(
      { dossiers: { "fake-instance": [{ id: "0b6c6f0e-8f1a-4c5e-9d2b-000000000001", lastName: "Seul" }] } },
      async (fake, token) => {
        const body = (await (await list(fake, await token())).json()) as Record<string, unknown>
        assert.strictEqual(body["hydra:totalItems"], 1)
        assert.strictEqual((body["hydra:member"] as Array<Record<string, unknown>>)[0]?.lastName, "Seul")
      }
    ))
})

describe("faults", () => {
  it("errorRate 1 on the API: 500 or 503; the token endpoint is unaffected", () =>
    withFake({ faults: { api: { errorRate: 1 } } }, async (fake, token) => {
      const statuses = new Set<number>()
      const bearer = await token()
      for (let i = 0; i < 12; i++) statuses.add((await list(fake, bearer)).status)
      assert.deepStrictEqual([...statuses].sort(), [500, 503])
      assert.strictEqual(fake.stats().tokenRequests, 1)
    }))

  it("resetRate 1 on the token endpoint: the connection is reset", () =>
    withFake({ faults: { token: { resetRate: 1 } } }, async (fake) => {
      const error = await tokenRequest(fake).then(
        () => undefined,
        (cause: unknown) => cause
      )
      assert.instanceOf(error, Error)
      assert.deepStrictEqual(
        fake.requests().map((request) => request.status),
        ["reset"]
      )
    }))

  it("malformedRate 1: a 200 whose JSON is cut short", () =>
    withFake({ faults: { api: { malformedRate: 1 } } }, async (fake, token) => {
      const response = await list(fake, await token())
      assert.strictEqual(response.status, 200)
      const text = await response.text()
      assert.throws(() => JSON.parse(text))
    }))

  it("slowBody: the body still arrives whole", () =>
    withFake({ faults: { api: { slowBody: 5 } } }, async (fake, token) => {
      const body = (await (await list(fake, await token())).json()) as Record<string, unknown>
      assert.lengthOf(body["hydra:member"] as Array<unknown>, 30)
    }))

  it("failNext injects exact failures, then the fake behaves again", () =>
    withFake({}, async (fake, token) => {
      const bearer = await token()
      fake.failNext("api", 2, "503")
      assert.strictEqual((await list(fake, bearer)).status, 503)
      assert.strictEqual((await list(fake, bearer)).status, 503)
      assert.strictEqual((await list(fake, bearer)).status, 200)
      assert.deepStrictEqual(fake.stats().apiByStatus, { "200": 1, "503": 2 })
    }))
})

describe("rate limit and controls", () => {
  it("answers 429 with Retry-After beyond the limit", () =>
    withFake({ rateLimit: { requests: 2, window: "1 minute" } }, async (fake, token) => {
      const bearer = await token()
      assert.strictEqual((await list(fake, bearer)).status, 200)
      assert.strictEqual((await list(fake, bearer)).status, 200)
      const limited = await list(fake, bearer)
      assert.strictEqual(limited.status, 429)
      const retryAfter = Number(limited.headers.get("retry-after"))
      assert.isAtLeast(retryAfter, 1)
      assert.isAtMost(retryAfter, 60)
    }))

  it("reset forgets stats, expiries and created dossiers", () =>
    withFake({ dossiers: 3 }, async (fake, token) => {
      const bearer = await token()
      assert.strictEqual((await create(fake, bearer)).status, 201)
      fake.expireTokens()
      assert.strictEqual((await list(fake, bearer)).status, 401)
      fake.reset()
      assert.deepStrictEqual(fake.stats(), { tokenRequests: 0, tokensIssued: 1, apiRequests: 0, apiByStatus: {} })
      const body = (await (await list(fake, bearer)).json()) as Record<string, unknown>
      assert.strictEqual(body["hydra:totalItems"], 3)
    }))

  it("env points a client at the fake", () =>
    withFake({}, async (fake) => {
      assert.deepStrictEqual(fake.env, {
        TEO_CLIENT_ID: "fake-client",
        TEO_CLIENT_SECRET: "fake-secret",
        TEO_ID: "fake-instance",
        TEO_AUTH_URL: fake.tokenUrl,
        TEO_API_URL: fake.apiUrl,
        TEO_PARTNER_JWKS_URL: `${fake.url}/.well-known/jwks.json`
      })
    }))
})
