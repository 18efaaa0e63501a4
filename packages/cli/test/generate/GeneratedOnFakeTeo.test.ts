/**
 * The services `teo generate` writes, against FakeTeo serving the same
 * document's resources over a real socket: the document in API Platform 4's
 * shape (jobs, and locations that nest their parent), seeded from the
 * generated read Schemas, paged and filtered as the document declares, each
 * write checked with its Schema (422), 404 for what is not there.
 */
import { assert, describe, it } from "@effect/vitest"
import { TeoApi, type TeoApiError } from "@teo-effect/api"
import type { AuthError } from "@teo-effect/auth"
import { FakeTeo, FakeTeoResourceError, TeoTest } from "@teo-effect/testing"
import { Effect, Layer, Schema, Stream } from "effect"
import * as Jobs4 from "./generated/api-platform-4/index.js"

const reasonOf = (error: TeoApiError | AuthError) => (error._tag === "TeoApiError" ? error.reason._tag : error._tag)

const served = (options: Parameters<typeof TeoTest.layer>[0] = {}) =>
  Jobs4.layer.pipe(Layer.provideMerge(TeoTest.layer(options)))

describe("generated services on FakeTeo", () => {
  it.effect("list every seeded item across pages, each read with the generated Schema", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs4.Jobs
      const all = yield* Stream.runCollect(jobs.list())
      assert.strictEqual(all.length, 35)
      const page = yield* jobs.page({ page: 2 })
      assert.strictEqual(page.totalItems, 35)
      assert.strictEqual(page.member.length, 5)
      const [first] = all
      assert.isDefined(first)
      // Every field the read Schema declares, with a value it accepts.
      assert.strictEqual(first?.["@type"], "Job")
      assert.match(first?.["@id"] ?? "", /^\/api\/jobs\/[0-9a-f-]{36}$/)
      assert.include(["available", "assigned", "completed"], first?.status)
      assert.isString(first?.title)
      assert.isNumber(first?.priority)
      assert.isTrue(Schema.is(Jobs4.JobsItem)(first))
      // Locations nest their parent (a recursive Schema): seeded to a bounded depth.
      const locations = yield* Stream.runCollect((yield* Jobs4.Locations).list())
      assert.strictEqual(locations.length, 35)
      assert.isTrue(locations.every(Schema.is(Jobs4.LocationsItem)))
    }).pipe(Effect.provide(served({ fakeTeo: { resources: Jobs4.definitions } })))
  )

  it.effect("filters as the document declares (status, status[], priority[gte], order), and ignores the rest", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs4.Jobs
      const all = yield* Stream.runCollect(jobs.list())
      const assigned = yield* Stream.runCollect(jobs.list({ status: "assigned" }))
      assert.deepStrictEqual(
        assigned.map((job) => job["@id"]),
        all.filter((job) => job.status === "assigned").map((job) => job["@id"])
      )
      assert.isAbove(assigned.length, 0)
      const either = yield* Stream.runCollect(jobs.list({ "status[]": ["assigned", "completed"] }))
      assert.strictEqual(either.length, all.filter((job) => job.status !== "available").length)
      const urgent = yield* Stream.runCollect(jobs.list({ "priority[gte]": 30 }))
      assert.deepStrictEqual(
        urgent.map((job) => job.priority),
        all.map((job) => job.priority).filter((priority) => (priority ?? 0) >= 30)
      )
      const ordered = yield* Stream.runCollect(jobs.list({ "order[scheduledAt]": "desc" }))
      const dates = ordered.map((job) => job.scheduledAt ?? "")
      assert.deepStrictEqual(dates, [...dates].sort().reverse())
      // `title` is a field, but the document declares no filter on it: ignored, and logged as such.
      const page = yield* (yield* TeoApi).page("/api/jobs", Jobs4.JobsItem, { title: "nothing" })
      assert.strictEqual(page.totalItems, 35)
      const logged = yield* (yield* FakeTeo).requests
      assert.deepStrictEqual(logged.at(-1)?.ignored, ["title"])
    }).pipe(Effect.provide(served({ fakeTeo: { resources: Jobs4.definitions } })))
  )

  it.effect("create, get, update, remove; a write its Schema refuses is a 422 naming the field; 404 after", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs4.Jobs
      const created = yield* jobs.create({ title: "Inspect the boiler", location: "/api/locations/7", priority: 2 })
      assert.strictEqual(created.title, "Inspect the boiler")
      assert.strictEqual(created["@type"], "Job")
      assert.deepStrictEqual(yield* jobs.get(created["@id"]), created)
      const updated = yield* jobs.update(created["@id"], { status: "completed" })
      assert.strictEqual(updated.status, "completed")
      assert.strictEqual(updated.title, "Inspect the boiler")
      const refused = yield* Effect.flip(jobs.create({ title: "no location" } as never))
      assert.strictEqual(reasonOf(refused), "ValidationFailed")
      assert.include(refused.message, "location")
      const badPatch = yield* Effect.flip(jobs.update(created["@id"], { priority: "high" } as never))
      assert.strictEqual(reasonOf(badPatch), "ValidationFailed")
      assert.include(badPatch.message, "priority")
      yield* jobs.remove(created["@id"])
      assert.strictEqual(reasonOf(yield* Effect.flip(jobs.get(created["@id"]))), "NotFound")
      assert.strictEqual(reasonOf(yield* Effect.flip(jobs.remove(created["@id"]))), "NotFound")
      assert.strictEqual(reasonOf(yield* Effect.flip(jobs.get("no-such-job"))), "NotFound")
      // After a reset, the seeded items as they were.
      yield* (yield* FakeTeo).reset
      assert.strictEqual((yield* jobs.page()).totalItems, 35)
    }).pipe(Effect.provide(served({ fakeTeo: { resources: Jobs4.definitions } })))
  )

  it.effect("given items are served as given, and must decode with the read Schema", () =>
    Effect.gen(function* () {
      const given = [{ "@id": "/api/jobs/1", title: "Check the meters", status: "available" }]
      const jobs = yield* Effect.provide(
        Effect.gen(function* () {
          return yield* Stream.runCollect((yield* Jobs4.Jobs).list())
        }),
        served({ fakeTeo: { resources: [{ definition: Jobs4.Jobs.definition, items: given }] } })
      )
      assert.deepStrictEqual<ReadonlyArray<unknown>>(jobs, [
        { "@id": "/api/jobs/1", "@type": "Job", title: "Check the meters", status: "available" }
      ])
      const refused = yield* Effect.flip(
        Effect.provide(
          Effect.void,
          FakeTeo.layer({ resources: [{ definition: Jobs4.Jobs.definition, items: [{ status: "lost" }] }] })
        )
      )
      assert.instanceOf(refused, FakeTeoResourceError)
      assert.include(refused.message, "FakeTeo cannot serve /api/jobs: item 0 does not decode with its read Schema")
      assert.include(refused.message, "status")
      const outside = yield* Effect.flip(
        Effect.provide(Effect.void, FakeTeo.layer({ resources: [{ ...Jobs4.Jobs.definition, collection: "/jobs" }] }))
      )
      assert.include(outside.message, "FakeTeo cannot serve /jobs: a collection is a path under /api")
    })
  )
})
