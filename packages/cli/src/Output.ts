/**
 * What `teo` prints on stdout: tables that fit the terminal, JSON, NDJSON.
 * Everything else goes to stderr.
 *
 * @since 0.1.0
 */
import type { Dossier } from "@teo-effect/api"

/**
 * The output formats of `teo dossiers list`.
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

const columns: ReadonlyArray<{
  readonly title: string
  readonly value: (dossier: Dossier) => unknown
  readonly shrink: boolean
}> = [
  { title: "Numéro", value: (dossier) => dossier.number, shrink: false },
  { title: "Nom", value: (dossier) => dossier.lastName, shrink: true },
  { title: "Prénom", value: (dossier) => dossier.firstName, shrink: true },
  { title: "Statut", value: (dossier) => dossier.status, shrink: false },
  { title: "Début", value: (dossier) => dossier.startDate, shrink: false },
  { title: "Email", value: (dossier) => dossier.email, shrink: true }
]

const text = (value: unknown): string => (value === undefined || value === null ? "" : String(value))

const padOrCut = (value: string, width: number): string =>
  value.length <= width ? value.padEnd(width) : `${value.slice(0, Math.max(0, width - 1))}…`

/**
 * Dossiers as a table at most `width` characters wide: the columns that can
 * shrink (names, email) are cut with "…" when needed.
 *
 * @since 0.1.0
 */
export const table = (dossiers: ReadonlyArray<Dossier>, width: number): string => {
  const rows = dossiers.map((dossier) => columns.map((column) => text(column.value(dossier))))
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
