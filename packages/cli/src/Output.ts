/**
 * What `teo` prints on stdout: tables that fit the terminal (and the width
 * they may take), JSON, NDJSON.
 * Everything else goes to stderr.
 *
 * @since 0.1.0
 */
import type { Dossier, Prestation } from "@teo-effect/api"
import { Effect, Terminal } from "effect"

/**
 * The output formats of `teo dossiers list` and `teo prestations list`.
 *
 * @since 0.1.0
 * @category models
 */
export const formats = ["table", "json", "ndjson"] as const

/**
 * @since 0.1.0
 * @category models
 */
export type Format = (typeof formats)[number]

/**
 * A column of a table: its title, how to read a row's cell, whether it may be
 * cut to fit the terminal.
 *
 * @since 0.1.0
 * @category models
 */
export interface Column<A> {
  readonly title: string
  readonly value: (row: A) => unknown
  readonly shrink: boolean
}

/** The UUID at the end of an IRI (`/api/production/dossiers/<uuid>`). */
const uuidOf = (iri: string): string => iri.split("/").at(-1) ?? iri

/**
 * The columns `teo dossiers list --columns` can show, by name.
 *
 * @since 0.1.0
 * @category columns
 */
export const dossierColumns = {
  id: { title: "UUID", value: (dossier) => uuidOf(dossier["@id"]), shrink: false },
  number: { title: "Numéro", value: (dossier) => dossier.number, shrink: false },
  lastName: { title: "Nom", value: (dossier) => dossier.lastName, shrink: true },
  firstName: { title: "Prénom", value: (dossier) => dossier.firstName, shrink: true },
  status: { title: "Statut", value: (dossier) => dossier.status, shrink: false },
  startDate: { title: "Début", value: (dossier) => dossier.startDate, shrink: false },
  endDate: { title: "Fin", value: (dossier) => dossier.endDate, shrink: false },
  email: { title: "Email", value: (dossier) => dossier.email, shrink: true },
  phone: { title: "Téléphone", value: (dossier) => dossier.phone, shrink: false },
  service: {
    title: "Prestation",
    value: (dossier) => (typeof dossier.service === "string" ? uuidOf(dossier.service) : undefined),
    shrink: false
  }
} satisfies Record<string, Column<Dossier>>

/**
 * The columns of `teo dossiers list` without `--columns`.
 *
 * @since 0.1.0
 * @category columns
 */
export const defaultDossierColumns: ReadonlyArray<keyof typeof dossierColumns> = [
  "number",
  "lastName",
  "firstName",
  "status",
  "startDate",
  "email"
]

/**
 * The columns of `teo prestations list`: the UUID a new dossier's
 * `--service-id` takes, and the name.
 *
 * @since 0.1.0
 * @category columns
 */
export const prestationColumns: ReadonlyArray<Column<Prestation>> = [
  { title: "UUID", value: (prestation) => uuidOf(prestation["@id"]), shrink: false },
  { title: "Nom", value: (prestation) => prestation.name, shrink: true }
]

const text = (value: unknown): string => (value === undefined || value === null ? "" : String(value))

const padOrCut = (value: string, width: number): string =>
  value.length <= width ? value.padEnd(width) : `${value.slice(0, Math.max(0, width - 1))}…`

/**
 * Rows as a table at most `width` characters wide: the columns that can
 * shrink (names, email) are cut with "…" when needed.
 *
 * @since 0.1.0
 */
export const table = <A>(items: ReadonlyArray<A>, columns: ReadonlyArray<Column<A>>, width: number): string => {
  const rows = items.map((item) => columns.map((column) => text(column.value(item))))
  const widths = columns.map((column, index) =>
    Math.max(column.title.length, ...rows.map((row) => row[index]?.length ?? 0))
  )
  const gap = 2
  let total = widths.reduce((sum, w) => sum + w, 0) + gap * (widths.length - 1)
  // Shrink the widest shrinkable column, one character at a time, down to its title's width.
  while (total > width) {
    let widest = -1
    columns.forEach((column, index) => {
      const current = widths[index] ?? 0
      if (
        column.shrink &&
        current > Math.max(column.title.length, 6) &&
        (widest < 0 || current > (widths[widest] ?? 0))
      ) {
        widest = index
      }
    })
    if (widest < 0) break
    widths[widest] = (widths[widest] ?? 0) - 1
    total--
  }
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, index) => padOrCut(cell, widths[index] ?? 0))
      .join(" ".repeat(gap))
      .trimEnd()
  return [line(columns.map((column) => column.title)), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)].join(
    "\n"
  )
}

/**
 * Pretty JSON for humans and tools alike.
 *
 * @since 0.1.0
 */
export const json = (value: unknown): string => JSON.stringify(value, null, 2)

/**
 * The width a table may take: the terminal's, or 120 columns when stdout is
 * not a terminal (a file, a pipe).
 *
 * @since 0.1.0
 */
export const tableWidth: Effect.Effect<number, never, Terminal.Terminal> = Effect.flatMap(
  Effect.service(Terminal.Terminal),
  (terminal) => Effect.map(terminal.columns, (columns) => (columns > 0 ? columns : 120))
)
