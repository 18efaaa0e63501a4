/**
 * FakeTeo's two profiles (`rich`, `documented`), served on a socket or in
 * memory, and a start that cannot listen.
 */
import { createServer } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { Dossiers, Teo, TeoApiError, UnexpectedResponse } from "@teo-effect/api"
import { withoutJitter } from "@teo-effect/test-support"
import { FakeTeo, FakeTeoStartError, type RunningFakeTeo } from "@teo-effect/testing"
import { Effect, Exit, Layer, Stream } from "effect"
import { HttpClient } from "effect/http"

const tokenOf = async (fake: RunningFakeTeo): Promise<string> => {
  const response = await fetch(fake.tokenUrl, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `Basic ${Buffer.from(`${fake.env.TEO_CLIENT_ID}:${fake.env.TEO_CLIENT_SECRET}`).toString("base64")}`
    },
    body: `grant_type=client_credentials&scope=target-entity:${fake.env.TEO_ID}`
  })
  return ((await response.json()) as { access_token: string }).access_token
}

describe("the documented profile", () => {
  it("serves dossiers with the envelope and the guide's beneficiary fields only, null when empty", async () => {
    const fake = await FakeTeo.start({ profile: "documented" })
    try {
      const response = await fetch(`${fake.apiUrl}/production/dossiers`, {
        headers: { Authorization: `Bearer ${await tokenOf(fake)}`, Accept: "application/ld+json" }
      })
      const page = (await response.json()) as { "hydra:member": Array<Record<string, unknown>> }
      assert.lengthOf(page["hydra:member"], 30)
      for (const dossier of page["hydra:member"]) {
        assert.sameMembers(Object.keys(dossier), ["@id", "@type", "firstName", "lastName", "email", "phone"])
      }
      // The generated data has dossiers without a phone: the documented profile writes null, as API Platform does.
      assert.isTrue(page["hydra:member"].some((dossier) => dossier.phone === null))
    } finally {
      await fake.close()
    }
  })

  it("adds no header téo does not document (no Location on a creation, no Cache-Control on a token)", async () => {
    for (const profile of ["rich", "documented"] as const) {
      const fake = await FakeTeo.start({ profile })
      try {
        const tokenResponse = await fetch(fake.tokenUrl, {
          method: "POST",
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            Authorization: `Basic ${Buffer.from("fake-client:fake-secret").toString("base64")}`
          },
          body: "grant_type=client_credentials&scope=target-entity:fake-instance"
        })
        const { access_token } = (await tokenResponse.json()) as { access_token: string }
        const created = await fetch(`${fake.apiUrl}/production/dossiers`, {
          method: "POST",
          headers: { Authorization: `Bearer ${access_token}`, "Content-Type": "application/ld+json" },
          body: JSON.stringify({
            firstName: "Léa",
            lastName: "Dupont",
            email: "lea.dupont@example.fr",
            serviceId: fake.prestationIds[0]
          })
        })
        assert.strictEqual(created.status, 201)
        const dossier = (await created.json()) as Record<string, unknown>
        assert.strictEqual(dossier.lastName, "Dupont")
        assert.strictEqual(created.headers.has("location"), profile === "rich")
        assert.strictEqual(tokenResponse.headers.has("cache-control"), profile === "rich")
        assert.strictEqual("status" in dossier, profile === "rich")
      } finally {
        await fake.close()
      }
    }
  })

  it.effect("is read by the library as the rich one is", () =>
    Effect.gen(function* () {
      const all = yield* Stream.runCollect((yield* Dossiers).list())
      assert.lengthOf(all, 95)
      assert.isTrue(all.every((dossier) => typeof dossier.lastName === "string" && dossier.status === undefined))
    }).pipe(Effect.provide(inMemoryTeo({ profile: "documented" })))
  )
})

/** The library wired to an in-memory FakeTeo: no socket anywhere. */
const inMemoryTeo = (options: Parameters<typeof FakeTeo.layerInMemory>[0]) =>
  Layer.unwrap(
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      return Teo.layer({
        credentials: { ...fake.credentials, tokenUrl: fake.tokenUrl },
        api: { baseUrl: fake.apiUrl }
      })
    })
  ).pipe(Layer.provideMerge(FakeTeo.layerInMemory(options)))

describe("in memory", () => {
  it.effect("answers the library with the same routes, state and faults", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      const dossiers = yield* Dossiers
      assert.strictEqual(fake.url, "https://fake-teo.invalid")
      assert.strictEqual((yield* dossiers.page()).totalItems, 95)
      // A reset is a failed request, retried (at once: no backoff drawn); a malformed body is an UnexpectedResponse.
      yield* fake.failNext("api", 1, "reset")
      assert.isTrue(Exit.isSuccess(yield* Effect.exit(withoutJitter(dossiers.page()))))
      yield* fake.failNext("api", 1, "malformed")
      const malformed = yield* Effect.flip(dossiers.page())
      assert.instanceOf(malformed, TeoApiError)
      assert.instanceOf(malformed.reason, UnexpectedResponse)
      const stats = yield* fake.stats
      assert.strictEqual(stats.tokenRequests, 1)
      assert.deepStrictEqual(stats.apiByStatus, { "200": 3, reset: 1 })
    }).pipe(Effect.provide(inMemoryTeo({})))
  )

  it.effect("is reached only through its HttpClient", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get("https://fake-teo.invalid/api/production/dossiers")
      assert.strictEqual(response.status, 401)
    }).pipe(Effect.provide(FakeTeo.layerInMemory()))
  )
})

describe("start", () => {
  it("fails with a FakeTeoStartError naming the port when it is taken", async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const error = await FakeTeo.start({ port }).then(
        () => undefined,
        (error: unknown) => error
      )
      assert.instanceOf(error, FakeTeoStartError)
      assert.strictEqual(
        (error as FakeTeoStartError).message,
        `FakeTeo could not listen on 127.0.0.1:${port}: the port is in use (choose another, or 0 for any free one)`
      )
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()))
    }
  })
})

describe("filters, order and prestations", () => {
  const get = async (fake: RunningFakeTeo, path: string) => {
    const response = await fetch(`${fake.apiUrl}${path}`, {
      headers: { Authorization: `Bearer ${await tokenOf(fake)}` }
    })
    return (await response.json()) as { "hydra:totalItems": number; "hydra:member": Array<Record<string, unknown>> }
  }

  it("filters dossiers by exact field values and orders them, as API Platform's filters do; says what it ignored", async () => {
    const fake = await FakeTeo.start()
    try {
      const all = await get(fake, "/production/dossiers?itemsPerPage=100")
      const done = all["hydra:member"].filter((dossier) => dossier.status === "Terminé")
      assert.isAbove(done.length, 0)
      const filtered = await get(fake, "/production/dossiers?itemsPerPage=100&status=Terminé")
      assert.strictEqual(filtered["hydra:totalItems"], done.length)
      assert.isTrue(filtered["hydra:member"].every((dossier) => dossier.status === "Terminé"))
      const first = all["hydra:member"][0]
      const byNumber = await get(fake, `/production/dossiers?number=${String(first?.number)}`)
      assert.deepStrictEqual(
        byNumber["hydra:member"].map((dossier) => dossier["@id"]),
        [first?.["@id"]]
      )
      const ordered = await get(fake, "/production/dossiers?itemsPerPage=100&order[lastName]=desc")
      const names = ordered["hydra:member"].map((dossier) => String(dossier.lastName))
      assert.deepStrictEqual(
        names,
        [...names].sort((a, b) => b.localeCompare(a, "fr"))
      )
      const ignoring = await get(fake, "/production/dossiers?colour=blue")
      assert.strictEqual(ignoring["hydra:totalItems"], 95)
      assert.deepStrictEqual(fake.requests().at(-1)?.ignored, ["colour"])
    } finally {
      await fake.close()
    }
  })

  it("in the documented profile, a filter on a field it does not serve is ignored, and said so", async () => {
    const fake = await FakeTeo.start({ profile: "documented" })
    try {
      const page = await get(fake, "/production/dossiers?status=Terminé")
      assert.strictEqual(page["hydra:totalItems"], 95)
      assert.deepStrictEqual(fake.requests().at(-1)?.ignored, ["status"])
    } finally {
      await fake.close()
    }
  })

  it("lists its prestations, the serviceIds a new dossier needs, and serves each", async () => {
    const fake = await FakeTeo.start()
    try {
      const page = await get(fake, "/production/prestations")
      assert.deepStrictEqual(
        page["hydra:member"].map((item) => String(item["@id"]).split("/").at(-1)),
        [...fake.prestationIds]
      )
      assert.isTrue(page["hydra:member"].every((item) => typeof item.name === "string"))
      const one = await get(fake, `/production/prestations/${fake.prestationIds[0]}`)
      assert.strictEqual((one as unknown as Record<string, unknown>)["@type"], "Prestation")
    } finally {
      await fake.close()
    }
  })
})
