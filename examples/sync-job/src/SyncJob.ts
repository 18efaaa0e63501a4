/**
 * The nightly sync a téo customer writes: every dossier into a CSV file, read
 * with `Dossiers.pages` (the pages after the first concurrently, emitted in
 * téo's order). After each page the file and a checkpoint (the page's
 * `cursor`: where a later read starts) are on disk, so a run that fails —
 * téo down, network gone — resumes where it stopped instead of starting over.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { type Dossier, Dossiers, type TeoApiError } from "@teo-effect/api"
import type { AuthError } from "@teo-effect/auth"
import { Console, Effect, Schema, Stream } from "effect"

export interface SyncOptions {
  /** The CSV file to write. */
  readonly output: string
  /** The checkpoint file; removed when the sync completes. */
  readonly checkpoint: string
  /** Dossiers per page (téo's maximum is 100). */
  readonly pageSize?: number
}

export interface SyncSummary {
  readonly dossiers: number
  readonly pages: number
  readonly resumed: boolean
  readonly seconds: number
}

/** The checkpoint file cannot be read, or is not one this job wrote: the run does not start. */
export class CheckpointUnreadable extends Schema.TaggedError<CheckpointUnreadable>()("CheckpointUnreadable", {
  path: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `the checkpoint ${this.path} is not one this job wrote (${this.detail}); remove it to sync from the start`
  }
}

const columns = ["id", "number", "lastName", "firstName", "email", "status", "startDate", "endDate"] as const

const csvCell = (value: unknown): string => {
  const text = value === undefined || value === null ? "" : String(value)
  return /[",\n;]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

const row = (dossier: Dossier): string =>
  [
    dossier["@id"],
    dossier.number,
    dossier.lastName,
    dossier.firstName,
    dossier.email,
    dossier.status,
    dossier.startDate,
    dossier.endDate
  ]
    .map(csvCell)
    .join(",")

const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * What is on disk after a page: the dossiers and pages written so far, and
 * the cursor of the first page not read yet — `null` once the read is
 * complete (the CSV is then only waiting to be published).
 */
const Checkpoint = Schema.Struct({
  cursor: Schema.NullOr(Schema.String.check(Schema.isNonEmpty())),
  dossiers: Count,
  pages: Count
})
type Checkpoint = typeof Checkpoint.Type

const decodeCheckpoint = Schema.decodeUnknownEffect(Schema.fromJsonString(Checkpoint))

/** The checkpoint at `path`, when there is one; one that cannot be read or decoded is `CheckpointUnreadable`. */
const readCheckpoint = (path: string): Effect.Effect<Checkpoint | undefined, CheckpointUnreadable> =>
  existsSync(path)
    ? Effect.try({
        try: () => readFileSync(path, "utf8"),
        catch: (cause) => new CheckpointUnreadable({ path, detail: String(cause) })
      }).pipe(
        Effect.flatMap(decodeCheckpoint),
        Effect.mapError((error) =>
          error._tag === "SchemaError" ? new CheckpointUnreadable({ path, detail: error.message }) : error
        )
      )
    : Effect.succeed(undefined)

/**
 * Syncs every dossier into `options.output`, resuming from `options.checkpoint`
 * when it exists. The rows go to `<output>.partial` while the run lasts, and
 * the file is renamed to `output` once every page is in: a run that fails
 * leaves the last complete CSV as it was.
 */
export const sync = (
  options: SyncOptions
): Effect.Effect<SyncSummary, TeoApiError | AuthError | CheckpointUnreadable, Dossiers> =>
  Effect.gen(function* () {
    const dossiers = yield* Dossiers
    const started = Date.now()
    const saved = yield* readCheckpoint(options.checkpoint)
    const partial = `${options.output}.partial`
    if (saved === undefined) writeFileSync(partial, `${columns.join(",")}\n`)
    else yield* Console.error(`resuming after ${saved.dossiers} dossiers (${saved.pages} pages)`)
    const before = { dossiers: saved?.dossiers ?? 0, pages: saved?.pages ?? 0 }
    // Where this run stands, as the checkpoint says it after each page.
    const done = { ...before }
    // A checkpoint whose cursor is null: every page was written, only the publishing was left.
    const written = saved?.cursor === null
    if (!written) {
      yield* dossiers.pages({ itemsPerPage: options.pageSize ?? 100 }, { from: saved?.cursor ?? undefined }).pipe(
        Stream.runForEach(({ items, progress, cursor }) =>
          Effect.suspend(() => {
            appendFileSync(partial, items.map((dossier) => `${row(dossier)}\n`).join(""))
            done.dossiers = before.dossiers + progress.items
            done.pages = before.pages + progress.pages
            const checkpoint: Checkpoint = { cursor: cursor ?? null, ...done }
            writeFileSync(options.checkpoint, JSON.stringify(checkpoint))
            const of = (total: number | undefined) => (total === undefined ? "" : `/${total}`)
            // This read's pages count from where it started; the run's, from the first page.
            const totalPages = progress.totalPages === undefined ? undefined : before.pages + progress.totalPages
            return Console.error(
              `${done.dossiers}${of(progress.totalItems)} dossiers, ${done.pages}${of(totalPages)} pages`
            )
          })
        )
      )
    }
    renameSync(partial, options.output)
    rmSync(options.checkpoint, { force: true })
    const summary = { ...done, resumed: saved !== undefined, seconds: (Date.now() - started) / 1000 }
    yield* Console.error(
      `synced ${summary.dossiers} dossiers in ${summary.pages} pages, ${summary.seconds.toFixed(1)} s${summary.resumed ? " (resumed)" : ""}`
    )
    return summary
  })
