/**
 * `teo dossiers list`'s progress line, in process: `main` with a recording
 * `Progress` and console, on the embedded FakeTeo (95 dossiers). The line
 * follows the count, and is erased before the data is printed.
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, it } from "@effect/vitest"
import { main, Progress } from "@teo-effect/cli"
import { Console, Effect, Layer } from "effect"

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
  it.live("every 30 dossiers, then erased before the table", () =>
    Effect.gen(function* () {
      const { code, events } = yield* run(["--fake", "dossiers", "list", "--format", "json"])
      assert.strictEqual(code, 0)
      const progress = events.filter((event) => event.startsWith("progress"))
      assert.deepStrictEqual(
        progress.map((event) => event.split(" · ")[0]),
        ["progress 30 dossiers", "progress 60 dossiers", "progress 90 dossiers"]
      )
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
})
