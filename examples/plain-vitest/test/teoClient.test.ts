/**
 * A project without Effect: plain vitest, FakeTeo as a Promise, and a Pact
 * contract written with the TeoPact builders.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PactV4 } from "@pact-foundation/pact"
import { FakeTeo, type RunningFakeTeo } from "@teo-effect/testing"
import { TeoPact, TeoStates } from "@teo-effect/testing/pact"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeTeoClient } from "../src/teoClient.ts"

// Against both FakeTeo profiles: the rich one, and the one that serves only what téo documents.
describe.each(["rich", "documented"] as const)("against FakeTeo (%s profile)", (profile) => {
  let fake: RunningFakeTeo
  beforeAll(async () => {
    fake = await FakeTeo.start({ dossiers: 12, profile })
  })
  afterAll(() => fake.close())

  it("lists dossier names with one token", async () => {
    const client = makeTeoClient(fake.env)
    expect(await client.dossierNames(5)).toHaveLength(5)
    expect(await client.dossierNames(30)).toHaveLength(12)
    expect(fake.stats().tokenRequests).toBe(1)
  })

  it("reports téo's failures", async () => {
    const client = makeTeoClient(fake.env)
    fake.failNext("api", 1, "503")
    await expect(client.dossierNames(5)).rejects.toThrow("HTTP 503")
  })
})

describe("a Pact contract with téo's API", () => {
  const token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFpbi1hcHAifQ.c2lnbmF0dXJl"
  const pact = new PactV4({
    consumer: "plain-app",
    provider: "teo-api",
    dir: mkdtempSync(join(tmpdir(), "pacts-")),
    logLevel: (process.env.PACT_LOG_LEVEL ?? "error") as "error"
  })

  it("reads a page of dossiers", () =>
    TeoPact.listDossiers(
      pact.addInteraction().given(TeoStates.dossiers, { atLeast: 5 }).uponReceiving("a page of 5 dossiers"),
      // Only the fields this client reads: téo documents no field name.
      { token, query: { itemsPerPage: "5" }, dossier: { lastName: "Martin", firstName: "Camille" } }
    ).executeTest(async (mockServer) => {
      // The contract is about the API: the example token stands in for the token request.
      const client = makeTeoClient(
        {
          TEO_CLIENT_ID: "plain-app",
          TEO_CLIENT_SECRET: "unused",
          TEO_ID: "unused",
          TEO_AUTH_URL: "unused",
          TEO_API_URL: `${mockServer.url}/api`
        },
        { token: async () => token }
      )
      const names = await client.dossierNames(5)
      expect(names).toContain("Martin Camille")
    }))
})
