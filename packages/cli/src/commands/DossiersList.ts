/**
 * `teo dossiers list`: streams the dossiers, in téo's order, as a table that
 * fits the terminal, JSON or NDJSON — read with `Dossiers.pages`, the pages
 * after the first concurrently once téo says how many there are; a progress
 * line on stderr after each page (on a terminal), and a summary with
 * `--stats`.
 *
 * @since 0.1.0
 */
import { Dossiers, type ReadProgress } from "@teo-effect/api"
import { Array as Arr, Clock, Console, Effect, Option, Schema, SchemaTransformation, Stream } from "effect"
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

/**
 * The progress line after a page: pages read and dossiers, each out of its
 * total when téo gave one, and the rate since the command started
 * (`page 12/100 · 360/3000 dossiers · 2400 dossiers/s…`).
 *
 * @since 0.3.0
 * @category formatting
 */
export const progressLine = (progress: ReadProgress, elapsedMillis: number): string => {
  const of = (total: number | undefined) => (total === undefined ? "" : `/${total}`)
  const rate = Math.round(progress.items / Math.max(0.001, elapsedMillis / 1000))
  return `page ${progress.pages}${of(progress.totalPages)} · ${progress.items}${of(progress.totalItems)} dossiers · ${rate} dossiers/s…`
}

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
        const query = Option.isSome(pageSize) ? { itemsPerPage: pageSize.value } : undefined
        const all = dossiers
          // A bounded read fetches a page only once the one before is consumed: the stream cut at
          // the bound, no more pages than the concurrent window are read past it.
          .pages(query, Option.isSome(take) ? { prefetch: 0 } : undefined)
          .pipe(
            Stream.tap((page) =>
              progress.enabled
                ? Effect.flatMap(Clock.currentTimeMillis, (now) =>
                    progress.show(progressLine(page.progress, now - started))
                  )
                : Effect.void
            ),
            Stream.map((page) => page.items),
            Stream.filter(Arr.isReadonlyArrayNonEmpty),
            Stream.flattenArray,
            Option.isSome(take) ? Stream.take(take.value) : (stream) => stream
          )
        // The progress line is erased before the data: the table must not start after it.
        const count = yield* Effect.gen(function* () {
          if (format === "ndjson") {
            const printed = yield* Stream.runFoldEffect(
              all,
              () => 0,
              (n, dossier) => Effect.as(Console.log(JSON.stringify(dossier)), n + 1)
            )
            yield* progress.clear
            return printed
          }
          const read = yield* Stream.runCollect(all)
          const cut = bounded && read.length > tableDefaultLimit
          const collected = cut ? read.slice(0, tableDefaultLimit) : read
          yield* progress.clear
          yield* Console.log(format === "json" ? json(collected) : table(collected, shown, yield* tableWidth))
          if (cut) {
            yield* Console.error(
              `the first ${tableDefaultLimit} dossiers are shown, and there are more: --limit N for another number, --format ndjson for all of them`
            )
          }
          return collected.length
        })
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
