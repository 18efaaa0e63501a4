/**
 * The pages of the partner application: the dossier a partner link is
 * about, and the short pages for a dossier that does not exist or a téo
 * that does not answer. Every value from téo is escaped: a name is text,
 * never markup.
 */
import type { Dossier } from "@teo-effect/api"
import type { PartnerContext } from "@teo-effect/auth"
import { HttpServerResponse } from "effect/http"

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

const html = (status: number, title: string, body: string) =>
  HttpServerResponse.text(
    `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`,
    { status, contentType: "text/html; charset=utf-8" }
  )

/** A field of the dossier as téo sent it: text, a number, or absent (`null` too, as téo sends empty fields). */
const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined

/** The dossier, with the beneficiary fields téo documents and the ones it may add. */
export const dossierPage = (dossier: Dossier, context: PartnerContext) => {
  const name = [text(dossier.firstName), text(dossier.lastName)].filter((part) => part !== undefined).join(" ")
  const rows: ReadonlyArray<readonly [string, string | undefined]> = [
    ["Bénéficiaire", name === "" ? undefined : name],
    ["Email", text(dossier.email)],
    ["Téléphone", text(dossier.phone)],
    ["Numéro", text(dossier.number)],
    ["Statut", text(dossier.status)]
  ]
  const shown = rows.filter((row): row is readonly [string, string] => row[1] !== undefined)
  return html(
    200,
    `Dossier ${name}`,
    `<h1>Dossier ${escapeHtml(name)}</h1><dl>${shown
      .map(([label, value]) => `<dt>${label}</dt><dd>${escapeHtml(value)}</dd>`)
      .join("")}</dl><p>Ouvert depuis téo${
      context.userId === undefined ? "" : ` par l'utilisateur ${escapeHtml(context.userId)}`
    } ; ce lien expire à ${escapeHtml(new Date(context.expiresAt.epochMilliseconds).toISOString())}.</p>`
  )
}

/** The dossier of the link is not (or no longer) in téo. */
export const notFoundPage = () =>
  html(
    404,
    "Dossier introuvable",
    `<p>Ce dossier n'existe pas (ou plus) dans téo.</p><p lang="en">This dossier does not exist (any more) in téo.</p>`
  )

/** téo did not answer as expected: nothing about the details (they are logged). */
export const unavailablePage = () =>
  html(
    502,
    "téo indisponible",
    `<p>téo ne répond pas pour le moment : réessayez dans un instant.</p><p lang="en">téo is not answering for the moment: try again shortly.</p>`
  )
