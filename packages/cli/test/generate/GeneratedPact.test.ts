/**
 * Contracts for a generated resource, end to end: the consumer side written
 * with `TeoPact.listResource` / `getResource` / `createResource` for the
 * generated `Jobs` (API Platform 4's shape) and exercised by the generated
 * service on Pact's mock server; then that pact verified by Pact's Verifier
 * against FakeTeo serving the same document's resources. The builders refuse
 * what the document does not declare.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PactV4, Verifier } from "@pact-foundation/pact"
import { FakeTeo, TeoTest } from "@teo-effect/testing"
import { TeoPact, TeoStates } from "@teo-effect/testing/pact"
import { Effect, Layer, Stream } from "effect"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import * as Jobs4 from "./generated/api-platform-4/index.js"

const dir = mkdtempSync(join(tmpdir(), "teo-generated-pact-"))
const logLevel = "error" as const
const pact = new PactV4({ consumer: "my-app", provider: "jobs-api", dir, logLevel })
const token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJleGFtcGxlIn0.ZXhhbXBsZQ"
const jobs = Jobs4.Jobs.definition

/** The generated `Jobs` on the mock server, with an example token (the token has its own contract). */
const withJobs = <A, E>(url: string, use: (service: Jobs4.Jobs["Service"]) => Effect.Effect<A, E>) =>
  Effect.runPromise(
    Effect.flatMap(Effect.service(Jobs4.Jobs), use).pipe(
      Effect.provide(Jobs4.Jobs.layer.pipe(Layer.provide(TeoTest.layerAt(url, { token }))))
    )
  )

beforeAll(() => {
  // The Verifier's proxy ignores NO_PROXY: a proxy in the environment makes verification time out.
  for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"]) delete process.env[name]
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("a generated resource's contract", () => {
  it("the builders refuse what the document does not declare, naming it", () => {
    // A pact of its own: interactions left without a request are never run.
    const refusals = new PactV4({ consumer: "my-app", provider: "refusals", dir, logLevel })
    const interaction = () => refusals.addInteraction().given(TeoStates.items).uponReceiving("refused")
    assert.throws(
      () => TeoPact.listResource(interaction(), { definition: jobs, token, item: { salary: 3 } }),
      'TeoPact.listResource: Job declares no field "salary"'
    )
    assert.throws(
      () => TeoPact.listResource(interaction(), { definition: jobs, token, query: { title: "x" } }),
      'TeoPact.listResource: /api/jobs declares no query parameter "title"'
    )
    assert.throws(
      () => TeoPact.getResource(interaction(), { definition: jobs, token, id: "1", item: { status: "lost" } }),
      "TeoPact.getResource: its read Schema refuses the Job given (status:"
    )
    assert.throws(
      () => TeoPact.createResource(interaction(), { definition: jobs, token, input: { title: "no location" } }),
      "TeoPact.createResource: the create Schema of /api/jobs refuses the input (location:"
    )
    assert.throws(
      () =>
        TeoPact.createResource(interaction(), {
          definition: jobs,
          token,
          input: { title: "t", location: "/api/locations/1", salary: 3 }
        }),
      'TeoPact.createResource: the create Schema of /api/jobs declares no field "salary"'
    )
    for (const id of ["..", ".", "/api/locations/1"]) {
      assert.throws(
        () => TeoPact.getResource(interaction(), { definition: jobs, token, id }),
        `TeoPact.getResource: ${JSON.stringify(id)} names no item of /api/jobs`
      )
    }
    assert.throws(
      () => TeoPact.getResource(interaction(), { definition: jobs, token, id: "1", idFromState: "}${x" }),
      "TeoPact.getResource: idFromState is the name of a value"
    )
    assert.throws(
      () => TeoPact.listResource(interaction(), { definition: jobs, token, item: ["title"] as never }),
      "TeoPact.listResource: item is an object of the fields your code reads"
    )
    assert.throws(
      () => TeoPact.listResource(interaction(), { definition: jobs, token, item: { "@type": "Other" } }),
      "TeoPact.listResource: an item's @id and @type come from its definition"
    )
  })

  it("list, get, create: written by the consumer, verified against FakeTeo serving the document", async () => {
    const collection = { collection: jobs.collection }
    await TeoPact.listResource(
      pact
        .addInteraction()
        .given(TeoStates.items, { ...collection, atLeast: 1 })
        .uponReceiving("the available jobs"),
      {
        definition: jobs,
        token,
        query: { status: "available" },
        item: { title: "Check the meters", status: "available" }
      }
    ).executeTest(async (mockServer) => {
      const available = await withJobs(mockServer.url, (service) =>
        Stream.runCollect(service.list({ status: "available" }))
      )
      assert.isAbove(available.length, 0)
      assert.isTrue(available.every((job) => job.status === "available"))
    })
    await TeoPact.getResource(pact.addInteraction().given(TeoStates.item, collection).uponReceiving("a job"), {
      definition: jobs,
      token,
      id: "1",
      idFromState: "id",
      item: { title: "Check the meters" }
    }).executeTest(async (mockServer) => {
      const job = await withJobs(mockServer.url, (service) => service.get("1"))
      assert.strictEqual(job.title, "Check the meters")
    })
    const input = { title: "Inspect the boiler", location: "/api/locations/7" }
    await TeoPact.createResource(pact.addInteraction().given(TeoStates.items, collection).uponReceiving("a new job"), {
      definition: jobs,
      token,
      input,
      item: { title: "Inspect the boiler" }
    }).executeTest(async (mockServer) => {
      const created = await withJobs(mockServer.url, (service) => service.create(input))
      assert.strictEqual(created.title, "Inspect the boiler")
    })

    const written = JSON.parse(readFileSync(join(dir, "my-app-jobs-api.json"), "utf8")) as {
      interactions: ReadonlyArray<{ request: { path: string } }>
    }
    assert.deepStrictEqual(written.interactions.map((interaction) => interaction.request.path).sort(), [
      "/api/jobs",
      "/api/jobs",
      "/api/jobs/1"
    ])

    // The provider: FakeTeo serving the document's resources, with the two states a provider sets up.
    const fake = await FakeTeo.start({ resources: Jobs4.definitions })
    try {
      const bearer = (
        (await (
          await fetch(fake.tokenUrl, {
            method: "POST",
            headers: {
              "Content-Type": "application/x-www-form-urlencoded",
              Authorization: `Basic ${Buffer.from("fake-client:fake-secret").toString("base64")}`
            },
            body: "grant_type=client_credentials&scope=target-entity:fake-instance"
          })
        ).json()) as { access_token: string }
      ).access_token
      const firstId = async () => {
        const page = (await (
          await fetch(`${fake.url}${jobs.collection}?itemsPerPage=1`, {
            headers: { Authorization: `Bearer ${bearer}` }
          })
        ).json()) as { "hydra:member": ReadonlyArray<{ "@id": string }> }
        return page["hydra:member"][0]?.["@id"].split("/").at(-1) ?? ""
      }
      await new Verifier({
        provider: "jobs-api",
        providerBaseUrl: fake.url,
        pactUrls: [join(dir, "my-app-jobs-api.json")],
        stateHandlers: {
          [TeoStates.items]: async () => undefined,
          [TeoStates.item]: async () => ({ id: await firstId() })
        },
        requestFilter: (req, _res, next) => {
          req.headers.authorization = `Bearer ${bearer}`
          next()
        },
        logLevel
      }).verifyProvider()
      // The Verifier's create reached FakeTeo, which kept the job.
      assert.strictEqual(
        fake
          .requests()
          .filter((request) => request.method === "POST")
          .at(-1)?.status,
        201
      )
    } finally {
      await fake.close()
    }
  })
})
