/**
 * The sync job against FakeTeo: a full run, a run that fails half way and
 * resumes from its checkpoint's cursor without losing or duplicating a
 * dossier, and a checkpoint that is not the job's refused before any request.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { FakeTeo, TeoTest } from "@teo-effect/testing"
import { Effect, Exit } from "effect"
import { CheckpointUnreadable, sync } from "../src/SyncJob.ts"

const files = () => {
  const dir = mkdtempSync(join(tmpdir(), "sync-job-"))
  return { output: join(dir, "dossiers.csv"), checkpoint: join(dir, "checkpoint.json") }
}

const lines = (path: string) => readFileSync(path, "utf8").trimEnd().split("\n")

// Against both FakeTeo profiles: the rich one, and the one that serves only what téo documents.
describe.each(["rich", "documented"] as const)("sync job (%s profile)", (profile) => {
  it.effect("writes every dossier to the CSV file, with a header, and removes its checkpoint", () =>
    Effect.gen(function* () {
      const paths = files()
      const summary = yield* sync({ ...paths, pageSize: 30 })
      assert.deepStrictEqual(
        { dossiers: summary.dossiers, pages: summary.pages, resumed: summary.resumed },
        {
          dossiers: 95,
          pages: 4,
          resumed: false
        }
      )
      const csv = lines(paths.output)
      assert.strictEqual(csv[0], "id,number,lastName,firstName,email,status,startDate,endDate")
      assert.lengthOf(csv, 96)
      assert.isFalse(existsSync(paths.checkpoint))
    }).pipe(Effect.provide(TeoTest.layer({ fakeTeo: { profile }, teoApi: { retry: false } })))
  )

  it.effect("resumes after a failure without losing or repeating a dossier", () =>
    Effect.gen(function* () {
      const paths = files()
      const fake = yield* FakeTeo
      // téo lets two pages through, then rate-limits for an hour: the run fails after page 2.
      yield* fake.configure({ rateLimit: { requests: 2, window: "1 hour" } })
      const failed = yield* Effect.exit(sync({ ...paths, pageSize: 30 }))
      assert.isTrue(Exit.isFailure(failed))
      // The rows so far are in the partial file; no CSV is published until the run completes.
      assert.lengthOf(lines(`${paths.output}.partial`), 61)
      assert.isFalse(existsSync(paths.output))
      // The checkpoint: the rows written, and the cursor of the first page not read.
      const checkpoint = JSON.parse(readFileSync(paths.checkpoint, "utf8"))
      assert.deepInclude(checkpoint, { dossiers: 60, pages: 2 })
      assert.match(checkpoint.cursor, /[?&]page=3(&|$)/)

      // téo is back: the next run resumes at page 3.
      yield* fake.configure({ rateLimit: null })
      const summary = yield* sync({ ...paths, pageSize: 30 })
      assert.isTrue(summary.resumed)
      assert.deepStrictEqual({ dossiers: summary.dossiers, pages: summary.pages }, { dossiers: 95, pages: 4 })
      const ids = lines(paths.output)
        .slice(1)
        .map((line) => line.split(",")[0])
      assert.lengthOf(ids, 95)
      assert.strictEqual(new Set(ids).size, 95, "no dossier repeated")
      assert.isFalse(existsSync(paths.checkpoint))
      assert.isFalse(existsSync(`${paths.output}.partial`))
    }).pipe(Effect.provide(TeoTest.layer({ fakeTeo: { profile }, teoApi: { retry: false } })))
  )

  it.effect("leaves the last complete CSV as it was when a new run fails on its first page", () =>
    Effect.gen(function* () {
      const paths = files()
      yield* sync({ ...paths, pageSize: 30 })
      const complete = readFileSync(paths.output, "utf8")
      const fake = yield* FakeTeo
      yield* fake.failNext("api", 1, "500")
      const failed = yield* Effect.exit(sync({ ...paths, pageSize: 30 }))
      assert.isTrue(Exit.isFailure(failed))
      assert.strictEqual(readFileSync(paths.output, "utf8"), complete)
      assert.lengthOf(lines(paths.output), 96)
    }).pipe(Effect.provide(TeoTest.layer({ fakeTeo: { profile }, teoApi: { retry: false } })))
  )

  it.effect("a checkpoint with a null cursor (every page written, the run stopped before publishing) publishes", () =>
    Effect.gen(function* () {
      const paths = files()
      const rows =
        "id,number,lastName,firstName,email,status,startDate,endDate\n/api/production/dossiers/1,D-1,A,B,,,,\n"
      writeFileSync(`${paths.output}.partial`, rows)
      writeFileSync(paths.checkpoint, JSON.stringify({ cursor: null, dossiers: 1, pages: 1 }))
      const summary = yield* sync({ ...paths, pageSize: 30 })
      assert.deepInclude(summary, { dossiers: 1, pages: 1, resumed: true })
      assert.strictEqual(readFileSync(paths.output, "utf8"), rows)
      assert.isFalse(existsSync(paths.checkpoint))
      assert.lengthOf(yield* (yield* FakeTeo).requests, 0, "nothing left to read")
    }).pipe(Effect.provide(TeoTest.layer({ fakeTeo: { profile }, teoApi: { retry: false } })))
  )

  it.effect("refuses a checkpoint it did not write, naming the file, before any request", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      // Garbage, and the checkpoint of an earlier version of the job (a `next` link, no `cursor`).
      for (const text of ["{not json", '{"next":"/api/production/dossiers?page=3","dossiers":60,"pages":2}']) {
        const paths = files()
        writeFileSync(paths.checkpoint, text)
        const failed = yield* Effect.flip(sync({ ...paths, pageSize: 30 }))
        assert.instanceOf(failed, CheckpointUnreadable)
        assert.include(failed.message, `the checkpoint ${paths.checkpoint} is not one this job wrote`)
        assert.include(failed.message, "remove it to sync from the start")
        assert.isTrue(existsSync(paths.checkpoint), "left for the user to look at")
        assert.isFalse(existsSync(`${paths.output}.partial`))
        assert.isFalse(existsSync(paths.output))
      }
      assert.lengthOf(yield* fake.requests, 0)
    }).pipe(Effect.provide(TeoTest.layer({ fakeTeo: { profile }, teoApi: { retry: false } })))
  )
})

describe("sync job, as a program", () => {
  it("says which variable is missing, in a sentence, exit 1", async () => {
    const { spawnSync } = await import("node:child_process")
    const main = fileURLToPath(new URL("../src/main.ts", import.meta.url))
    const dir = mkdtempSync(join(tmpdir(), "sync-job-main-"))
    const run = spawnSync(process.execPath, [main, join(dir, "dossiers.csv")], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "" },
      timeout: 60_000
    })
    assert.strictEqual(run.status, 1)
    assert.match(run.stderr, /^sync not started: .*TEO_CLIENT_ID/m)
    assert.notInclude(run.stderr, "Cause(")
    assert.isFalse(existsSync(join(dir, "dossiers.csv")))
  })
})
