/**
 * `teo dossiers list`: streams the dossiers, following téo's pages, as a
 * table that fits the terminal, JSON or NDJSON; a progress line on stderr
 * while it runs (on a terminal), and a summary with `--stats`.
 *
 * @since 0.1.0
 */
import { Dossiers } from "@teo-effect/api"
import { Clock, Console, Effect, Option, Schema, SchemaTransformation, Stream } from "effect"
import { Command, Flag } from "effect/cli"
import { Traffic } from "../Connection.js"
import * as Flags from "../Flags.js"
import { defaultDossierColumns, dossierColumns, json, table, tableWidth } from "../Output.js"
import { Progress } from "../Progress.js"
import { connected } from "../Root.js"

/** `--columns`: names of `dossierColumns`, comma-separated; an unknown one is refused, naming the known ones. */
const ColumnNames = Schema.String.pipe(
  Schema.decodeTo(
    Schema.Array(Schema.String).check(
      Schema.makeFilter((names: ReadonlyArray<string>) => {
        const unknown = names.filter((name) => !Object.hasOwn(dossierColumns, name))
        return unknown.length === 0
          ? true
          : `no column ${unknown.map((name) => JSON.stringify(name)).join(", ")}; the columns are ${Object.keys(dossierColumns).join(", ")}`
      })
    ),
    SchemaTransformation.transform({
      decode: (text: string): ReadonlyArray<string> => text.split(",").map((name) => name.trim()),
      encode: (names: ReadonlyArray<string>) => names.join(",")
    })
  )
)

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "list",
  {
    limit: Flags.positive("limit").pipe(Flag.withDescription("stop after N dossiers"), Flag.optional),
    pageSize: Flags.positive("page-size").pipe(
      Flag.withDescription(
        "dossiers per page (itemsPerPage); téo decides the maximum and may serve fewer (FakeTeo: at most 100)"
      ),
      Flag.optional
    ),
    format: Flags.format,
    stats: Flag.Boolean("stats").pipe(
      Flag.withDescription("end with a summary on stderr: dossiers, pages, token requests, time"),
      Flag.withDefault(false)
    ),
    columns: Flag.String("columns").pipe(
      Flag.withSchema(ColumnNames),
      Flag.withDescription(
        `the table's columns, comma-separated, from: ${Object.keys(dossierColumns).join(", ")} (default: ${defaultDossierColumns.join(",")})`
      ),
      Flag.optional
    )
  },
  ({ limit, pageSize, format, stats, columns }) =>
    connected(
      Effect.gen(function* () {
        const shown = Option.getOrElse(columns, () => defaultDossierColumns as ReadonlyArray<string>).map(
          (name) => dossierColumns[name as keyof typeof dossierColumns]
        )
        const dossiers = yield* Dossiers
        const traffic = yield* Traffic
        const progress = yield* Progress
        const started = yield* Clock.currentTimeMillis
        let count = 0
        const all = dossiers.list(Option.isSome(pageSize) ? { itemsPerPage: pageSize.value } : undefined).pipe(
          Option.isSome(limit) ? Stream.take(limit.value) : (stream) => stream,
          Stream.tap(() => {
            count++
            if (!progress.enabled || count % 30 !== 0) return Effect.void
            return Effect.flatMap(Clock.currentTimeMillis, (now) => {
              const seconds = Math.max(0.001, (now - started) / 1000)
              return progress.show(
                `${count} dossiers · ${traffic.apiRequests()} pages · ${Math.round(count / seconds)} dossiers/s…`
              )
            })
          })
        )
        // The progress line is erased before the data: the table must not start after it.
        if (format === "ndjson") {
          yield* Stream.runForEach(all, (dossier) => Console.log(JSON.stringify(dossier)))
          yield* progress.clear
        } else {
          const collected = yield* Stream.runCollect(all)
          yield* progress.clear
          yield* Console.log(format === "json" ? json(collected) : table(collected, shown, yield* tableWidth))
        }
        if (stats) {
          const seconds = ((yield* Clock.currentTimeMillis) - started) / 1000
          const pages = traffic.apiRequests()
          const tokens = traffic.tokenRequests()
          yield* Console.error(
            `${count} dossiers shown · ${pages} page${pages === 1 ? "" : "s"} fetched · ${tokens} token request${tokens === 1 ? "" : "s"} · ${seconds.toFixed(2)} s${traffic.embedded ? " (embedded FakeTeo)" : ""}`
          )
        }
      })
    )
).pipe(
  Command.withDescription("List dossiers, following téo's pages"),
  Command.withExamples([
    { command: "teo dossiers list --limit 20", description: "The first 20 dossiers as a table" },
    { command: "teo dossiers list --format ndjson > dossiers.ndjson", description: "Every dossier, one JSON per line" }
  ])
)
