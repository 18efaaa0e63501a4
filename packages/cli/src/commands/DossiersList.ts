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
/** A column of the table (`ColumnNames` has refused every other name already). */
const isColumn = (name: string): name is keyof typeof dossierColumns => Object.hasOwn(dossierColumns, name)

const ColumnNames = Schema.String.pipe(
  Schema.decodeTo(
    Schema.Array(Schema.String).check(
      Schema.makeFilter((names: ReadonlyArray<string>) => {
        const unknown = names.filter((name) => !isColumn(name))
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

/** The dossiers a table shows without `--limit`: a table is for reading; ndjson and json have no bound. */
const tableDefaultLimit = 100

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "list",
  {
    limit: Flags.positive("limit").pipe(
      Flag.withDescription(`stop after N dossiers (default: all; ${tableDefaultLimit} for a table)`),
      Flag.optional
    ),
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
        const shown = Option.getOrElse(
          Option.map(columns, (names) => names.filter(isColumn)),
          () => defaultDossierColumns
        ).map((name) => dossierColumns[name])
        // A table is for reading: bounded by default (one more read, to tell whether the bound cut it).
        const bounded = format === "table" && Option.isNone(limit)
        const take = Option.isSome(limit)
          ? Option.some(limit.value)
          : bounded
            ? Option.some(tableDefaultLimit + 1)
            : Option.none()
        const dossiers = yield* Dossiers
        const traffic = yield* Traffic
        const progress = yield* Progress
        const started = yield* Clock.currentTimeMillis
        let count = 0
        const all = dossiers.list(Option.isSome(pageSize) ? { itemsPerPage: pageSize.value } : undefined).pipe(
          Option.isSome(take) ? Stream.take(take.value) : (stream) => stream,
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
          const read = yield* Stream.runCollect(all)
          const cut = bounded && read.length > tableDefaultLimit
          const collected = cut ? read.slice(0, tableDefaultLimit) : read
          if (cut) count = tableDefaultLimit
          yield* progress.clear
          yield* Console.log(format === "json" ? json(collected) : table(collected, shown, yield* tableWidth))
          if (cut) {
            yield* Console.error(
              `the first ${tableDefaultLimit} dossiers are shown, and there are more: --limit N for another number, --format ndjson for all of them`
            )
          }
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
