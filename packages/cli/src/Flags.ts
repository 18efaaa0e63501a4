/**
 * The flags more than one command takes: the connection flags (on the root
 * command, inherited by every subcommand), the output format of the lists,
 * positive integers, and a reference to a dossier.
 *
 * @since 0.1.0
 */
import { DossierId, Iri } from "@teo-effect/api"
import { Schema } from "effect"
import { Flag } from "effect/cli"
import { formats } from "./Output.js"

/**
 * Where and as whom `teo` connects; each falls back to its `TEO_*` variable.
 *
 * @since 0.1.0
 * @category flags
 */
export const connection = {
  clientId: Flag.String("client-id").pipe(Flag.withDescription("CLIENT_ID (default: TEO_CLIENT_ID)"), Flag.optional),
  clientSecret: Flag.Redacted("client-secret").pipe(
    Flag.withDescription(
      "CLIENT_SECRET on the command line: avoid it, prefer TEO_CLIENT_SECRET or --client-secret-file"
    ),
    Flag.optional
  ),
  clientSecretFile: Flag.String("client-secret-file").pipe(
    Flag.withDescription("a file holding CLIENT_SECRET"),
    Flag.optional
  ),
  teoId: Flag.String("teo-id").pipe(Flag.withDescription("TEO_ID, the téo instance (default: TEO_ID)"), Flag.optional),
  authUrl: Flag.String("auth-url").pipe(
    Flag.withDescription("the token endpoint (default: TEO_AUTH_URL, else téo's)"),
    Flag.optional
  ),
  apiUrl: Flag.String("api-url").pipe(
    Flag.withDescription("the API's base URL (default: TEO_API_URL, else https://teoapp.fr/api)"),
    Flag.optional
  ),
  fake: Flag.Boolean("fake").pipe(
    Flag.withDescription("answer from an embedded FakeTeo (generated data), credentials or not; also TEO_FAKE=1"),
    Flag.withDefault(false)
  )
}

/**
 * `--format table|json|ndjson`, table by default.
 *
 * @since 0.1.0
 * @category flags
 */
export const format = Flag.Literals("format", formats).pipe(
  Flag.withDescription("output format (default: table)"),
  Flag.withDefault("table")
)

/**
 * An integer flag that must be greater than 0.
 *
 * @since 0.1.0
 * @category flags
 */
export const positive = (name: string) =>
  Flag.Int(name).pipe(Flag.withSchema(Schema.Int.check(Schema.isGreaterThan(0))))

/**
 * A dossier's UUID or IRI.
 *
 * @since 0.2.0
 */
export const isIdOrIri = Schema.is(Schema.Union([DossierId, Iri]))

/**
 * A UUID, an IRI, or a dossier number as téo shows it (`D-2025-0001`): one
 * word without a slash, with a digit in it (ASSUMED: téo documents no
 * numbering; a word without digits, `hello`, is no number).
 *
 * @since 0.2.0
 */
export const DossierRef = Schema.String.check(
  Schema.makeFilter(
    (text: string) =>
      isIdOrIri(text) || /^[^\s/]*\d[^\s/]*$/.test(text) || `not a dossier UUID, IRI or number: ${JSON.stringify(text)}`
  )
)
