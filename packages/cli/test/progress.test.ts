/**
 * `teo dossiers list`'s progress line, in process: `main` with a recording
 * `Progress` and console, on the embedded FakeTeo (95 dossiers). The line
 * follows the read page by page — pages and dossiers out of their totals —
 * and is erased before the data is printed; a `--limit` cuts the read.
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, it } from "@effect/vitest"
import { main, Progress } from "@teo-effect/cli"
import { Console, Effect, Layer } from "effect"
import { progressLine } from "../src/commands/DossiersList.js"

/** Runs `teo args` with every progress update, stdout and stderr line recorded, in order. */
const run = (args: ReadonlyArray<string>, enabled = true) =>
  Effect.gen(function* () {
    const events: Array<string> = []
    const recording = Object.assign(Object.create(console) as Console.Console, {
      log: (...parts: ReadonlyArray<unknown>) => events.push(`stdout ${parts.join(" ")}`),
      error: (...parts: ReadonlyArray<unknown>) => events.push(`stderr ${parts.join(" ")}`)
    })
    const progress = Layer.succeed(
      Progress,
      Progress.of({
        enabled,
        show: (line) => Effect.sync(() => events.push(`progress ${line}`)),
        clear: Effect.sync(() => events.push("clear"))
      })
    )
    const code = yield* main(args).pipe(
      Effect.provide(Layer.merge(NodeServices.layer, progress)),
      Effect.provideService(Console.Console, recording)
    )
    return { code, events }
  })

describe("the progress line", () => {
  it.live("after each page: pages and dossiers out of their totals, then erased before the table", () =>
    Effect.gen(function* () {
      const { code, events } = yield* run(["--fake", "dossiers", "list", "--format", "json"])
      assert.strictEqual(code, 0)
      const progress = events.filter((event) => event.startsWith("progress"))
      // 95 dossiers, 30 a page: 4 pages.
      assert.deepStrictEqual(
        progress.map((event) => event.split(" · ").slice(0, 2).join(" · ")),
        [
          "progress page 1/4 · 30/95 dossiers",
          "progress page 2/4 · 60/95 dossiers",
          "progress page 3/4 · 90/95 dossiers",
          "progress page 4/4 · 95/95 dossiers"
        ]
      )
      for (const event of progress) assert.match(event, / · \d+ dossiers\/s…$/)
      const cleared = events.indexOf("clear")
      const data = events.findIndex((event) => event.startsWith("stdout"))
      assert.isAbove(cleared, events.lastIndexOf(progress.at(-1) ?? ""))
      assert.isAbove(data, cleared, "the data comes after the progress line is erased")
      assert.lengthOf(JSON.parse(events[data]?.slice("stdout ".length) ?? "[]"), 95)
    })
  )

  it.live("none when stderr is not a terminal", () =>
    Effect.gen(function* () {
      const { code, events } = yield* run(["--fake", "dossiers", "list", "--format", "ndjson"], false)
      assert.strictEqual(code, 0)
      assert.isFalse(events.some((event) => event.startsWith("progress")))
      assert.lengthOf(
        events.filter((event) => event.startsWith("stdout")),
        95
      )
    })
  )

  it.live("--limit cuts the read: no page past the one that reaches it is shown, none read past the window", () =>
    Effect.gen(function* () {
      // 5 a page: 19 pages; 7 dossiers are in the first 2.
      const { code, events } = yield* run([
        "--fake",
        "dossiers",
        "list",
        "--limit",
        "7",
        "--page-size",
        "5",
        "--format",
        "json",
        "--stats"
      ])
      assert.strictEqual(code, 0)
      assert.deepStrictEqual(
        events.filter((event) => event.startsWith("progress")).map((event) => event.split(" · ")[0]),
        ["progress page 1/19", "progress page 2/19"]
      )
      const summary = events.find((event) => event.startsWith("stderr 7 dossiers shown"))
      const fetched = Number(/ · (\d+) pages? fetched · /.exec(summary ?? "")?.[1])
      // The first page, then at most the window of 16 (the layer's concurrency) while page 2 is consumed.
      assert.isAtLeast(fetched, 2)
      assert.isAtMost(fetched, 17)
    })
  )

  it.live("--limit within the first page: that page alone is read", () =>
    Effect.gen(function* () {
      const { code, events } = yield* run([
        "--fake",
        "dossiers",
        "list",
        "--limit",
        "3",
        "--format",
        "ndjson",
        "--stats"
      ])
      assert.strictEqual(code, 0)
      assert.lengthOf(
        events.filter((event) => event.startsWith("stdout")),
        3
      )
      assert.deepStrictEqual(
        events.filter((event) => event.startsWith("progress")).map((event) => event.split(" · ")[0]),
        ["progress page 1/4"]
      )
      assert.isDefined(events.find((event) => event.startsWith("stderr 3 dossiers shown · 1 page fetched · ")))
    })
  )
})

describe("progressLine", () => {
  it("pages and dossiers out of their totals, and the rate", () => {
    assert.strictEqual(
      progressLine({ pages: 12, totalPages: 100, items: 360, totalItems: 3000 }, 150),
      "page 12/100 · 360/3000 dossiers · 2400 dossiers/s…"
    )
  })

  it("without the totals téo did not give", () => {
    assert.strictEqual(
      progressLine({ pages: 3, totalPages: undefined, items: 90, totalItems: undefined }, 2000),
      "page 3 · 90 dossiers · 45 dossiers/s…"
    )
    assert.strictEqual(
      progressLine({ pages: 3, totalPages: undefined, items: 90, totalItems: 95 }, 0),
      "page 3 · 90/95 dossiers · 90000 dossiers/s…"
    )
  })
})
