/**
 * The nightly sync a téo customer writes: every dossier into a CSV file, page
 * by page. After each page the file and a checkpoint (the next page's link)
 * are on disk, so a run that fails — téo down, network gone — resumes where it
 * stopped instead of starting over.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { Dossier, Dossiers, TeoApi, type TeoApiError } from "@teo-effect/api"
import type { AuthError } from "@teo-effect/auth"
import { Console, Effect } from "effect"

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

interface Checkpoint {
  readonly next: string
  readonly dossiers: number
  readonly pages: number
}

/**
 * Syncs every dossier into `options.output`, resuming from `options.checkpoint`
 * when it exists. The rows go to `<output>.partial` while the run lasts, and
 * the file is renamed to `output` once every page is in: a run that fails
 * leaves the last complete CSV as it was.
 */
export const sync = (options: SyncOptions): Effect.Effect<SyncSummary, TeoApiError | AuthError, Dossiers | TeoApi> =>
  Effect.gen(function* () {
    const api = yield* TeoApi
    const dossiers = yield* Dossiers
    const started = Date.now()
    const saved: Checkpoint | undefined = existsSync(options.checkpoint)
      ? (JSON.parse(readFileSync(options.checkpoint, "utf8")) as Checkpoint)
      : undefined
    const partial = `${options.output}.partial`
    if (saved === undefined) writeFileSync(partial, `${columns.join(",")}\n`)
    let next: string | undefined = saved?.next
    let count = saved?.dossiers ?? 0
    let pages = saved?.pages ?? 0
    if (saved !== undefined) yield* Console.error(`resuming after ${count} dossiers (${pages} pages)`)
    do {
      const page =
        next === undefined
          ? yield* dossiers.page({ itemsPerPage: options.pageSize ?? 100 })
          : yield* api.page(next, Dossier)
      appendFileSync(partial, page.member.map((dossier) => `${row(dossier)}\n`).join(""))
      count += page.member.length
      pages++
      next = page.view?.next
      if (next !== undefined) writeFileSync(options.checkpoint, JSON.stringify({ next, dossiers: count, pages }))
      yield* Console.error(
        `${count}${page.totalItems === undefined ? "" : `/${page.totalItems}`} dossiers, ${pages} pages`
      )
    } while (next !== undefined)
    renameSync(partial, options.output)
    rmSync(options.checkpoint, { force: true })
    const summary = { dossiers: count, pages, resumed: saved !== undefined, seconds: (Date.now() - started) / 1000 }
    yield* Console.error(
      `synced ${summary.dossiers} dossiers in ${summary.pages} pages, ${summary.seconds.toFixed(1)} s${summary.resumed ? " (resumed)" : ""}`
    )
    return summary
  })
