/**
 * `teo prestations list`: the prestations — the UUIDs a new dossier's
 * `--service-id` takes — as a table, JSON or NDJSON (an assumed endpoint,
 * `/api/production/prestations`).
 *
 * @since 0.1.0
 */
import { Prestations } from "@teo-effect/api"
import { Console, Effect, Stream } from "effect"
import { Command } from "effect/cli"
import * as Flags from "../Flags.js"
import { json, prestationColumns, table, tableWidth } from "../Output.js"
import { connected } from "../Root.js"

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("list", { format: Flags.format }, ({ format }) =>
  connected(
    Effect.gen(function* () {
      const all = (yield* Prestations).list()
      if (format === "ndjson") {
        yield* Stream.runForEach(all, (prestation) => Console.log(JSON.stringify(prestation)))
      } else {
        const collected = yield* Stream.runCollect(all)
        yield* Console.log(format === "json" ? json(collected) : table(collected, prestationColumns, yield* tableWidth))
      }
    })
  )
).pipe(
  Command.withDescription("List the prestations: the UUIDs `teo dossiers create --service-id` takes"),
  Command.withExamples([{ command: "teo prestations list", description: "UUID and name of each prestation" }])
)
