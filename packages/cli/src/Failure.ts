/**
 * How `teo` ends when something goes wrong: an exit code by kind of failure,
 * a message, and a hint in French and English after téo's own error table.
 * Never a stack trace, never the secret or the token.
 *
 * @since 0.1.0
 */
import type { TeoApiError, TeoApiErrorReason } from "@teo-effect/api"
import { configErrorMessage } from "@teo-effect/auth"
import type { FakeTeoCommand } from "@teo-effect/testing"
import { Cause, Match, Predicate, Schema } from "effect"
import type { Command } from "effect/cli"
import type { command } from "./Teo.js"

/**
 * The exit codes of `teo`.
 *
 * @since 0.1.0
 * @category constants
 */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  authentication: 3,
  api: 4,
  network: 5
} as const

/**
 * A usage mistake found after parsing (conflicting or incomplete settings).
 *
 * @since 0.1.0
 * @category errors
 */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", {
  message: Schema.String
}) {}

/**
 * No dossier has the number asked for (`teo dossiers get D-…`): not found,
 * as a UUID téo does not have is — the same exit code.
 *
 * @since 0.2.0
 * @category errors
 */
export class DossierNotFound extends Schema.TaggedError<DossierNotFound>()("DossierNotFound", {
  number: Schema.String
}) {
  override get message(): string {
    return `no dossier is numbered ${JSON.stringify(this.number)}`
  }
}

/**
 * What to print and which code to exit with.
 *
 * @since 0.1.0
 * @category models
 */
export interface Report {
  readonly code: number
  readonly message: string
  readonly hint?: string
}

/**
 * Every typed failure a `teo` command can end with: the errors of the
 * commands in `Teo.ts` (as effect/cli gathers them), and those of the real
 * `teo fake-server` from `@teo-effect/testing`, which `Teo.ts` types as its
 * stand-in. A new error in a command is a compile error in `byTag` below, a
 * new reason of `TeoApiError` one in `byReason`.
 * effect/cli's own `CliError` is handled in `Teo.main`, before this.
 */
type Failure = Command.Error<typeof command> | Command.Error<ReturnType<typeof FakeTeoCommand.make>>

/** The report of each kind of failure, by its tag: the table of `teo`'s exit codes and hints. */
type Handlers = { readonly [Tag in Failure["_tag"]]: (failure: Extract<Failure, { readonly _tag: Tag }>) => Report }

/** The exit code and the message, without a hint. */
const plain =
  (code: number) =>
  (failure: { readonly message: string }): Report => ({ code, message: failure.message })

/** The exit code, the message and a hint in French and English. */
const hinted =
  (code: number, hint: string) =>
  (failure: { readonly message: string }): Report => ({ code, message: failure.message, hint })

const violationsOf = (failure: {
  readonly violations: ReadonlyArray<{ readonly propertyPath: string; readonly message: string }>
}) => failure.violations.map((violation) => `  ${violation.propertyPath}: ${violation.message}`).join("\n")

/** The options `teo` builds from its flags and environment, by the names a person sets. */
const settingNames = {
  clientId: "TEO_CLIENT_ID (or --client-id)",
  clientSecret: "TEO_CLIENT_SECRET (or --client-secret-file)",
  teoId: "TEO_ID (or --teo-id)",
  tokenUrl: "TEO_AUTH_URL (or --auth-url)",
  baseUrl: "TEO_API_URL (or --api-url)",
  // The same settings as read from the environment (TeoConfig), by the variable's name.
  TEO_CLIENT_ID: "TEO_CLIENT_ID (or --client-id)",
  TEO_CLIENT_SECRET: "TEO_CLIENT_SECRET (or --client-secret-file)",
  TEO_ID: "TEO_ID (or --teo-id)",
  TEO_AUTH_URL: "TEO_AUTH_URL (or --auth-url)",
  TEO_API_URL: "TEO_API_URL (or --api-url)"
}

const authServerUnreachable = hinted(
  ExitCode.network,
  "Serveur d'authentification injoignable : vérifiez le réseau et TEO_AUTH_URL. / Auth server unreachable: check the network and TEO_AUTH_URL."
)

const authServerUnexpected = hinted(
  ExitCode.authentication,
  "Réponse inattendue du serveur d'authentification : vérifiez TEO_AUTH_URL. / Unexpected answer from the auth server: check TEO_AUTH_URL."
)

/** A token request that failed, by its reason: not reached is a network failure, anything else authentication. */
const tokenRequestFailed = Match.type<Extract<Failure, { readonly _tag: "TokenRequestFailed" }>>().pipe(
  Match.discriminatorsExhaustive("reason")({
    Transport: authServerUnreachable,
    Timeout: authServerUnreachable,
    ServerError: authServerUnexpected,
    RateLimited: authServerUnexpected,
    UnexpectedStatus: authServerUnexpected,
    OAuthError: authServerUnexpected,
    InvalidResponse: authServerUnexpected
  })
)

/**
 * The exit code and hint of a failed API call, by its reason; the message is
 * the error's own (the call, then the reason), but for `ValidationFailed`.
 */
const byReason = Match.type<TeoApiErrorReason>().pipe(
  Match.tagsExhaustive({
    RequestFailed: () =>
      hinted(
        ExitCode.network,
        "API téo injoignable : vérifiez le réseau et TEO_API_URL. / téo's API unreachable: check the network and TEO_API_URL."
      ),
    Unauthorized: () =>
      hinted(
        ExitCode.authentication,
        "Token refusé : révoqué ou d'un autre environnement. / Token refused: revoked, or from another environment."
      ),
    // Checked before sending (no status): the data given is wrong, a usage error.
    ValidationFailed:
      (reason) =>
      (_: TeoApiError): Report => ({
        code: reason.status === undefined ? ExitCode.usage : ExitCode.api,
        // Without violations, téo's own text (its description), so that the 422 is not left unexplained.
        message: `données invalides / invalid data:\n${
          reason.violations.length > 0 ? violationsOf(reason) : `  ${reason.description ?? "(téo gave no details)"}`
        }`
      }),
    NotFound: () => hinted(ExitCode.api, "Introuvable : vérifiez l'identifiant. / Not found: check the id."),
    Forbidden: () => hinted(ExitCode.api, "Accès refusé : vérifiez TEO_ID. / Access denied: check TEO_ID."),
    RateLimited: () =>
      hinted(ExitCode.api, "Trop de requêtes : réessayez plus tard. / Too many requests: try again later."),
    BadRequest: () => plain(ExitCode.api),
    ServerError: () => plain(ExitCode.api),
    UnexpectedResponse: () => plain(ExitCode.api)
  })
)

const byTag: Handlers = {
  UsageError: plain(ExitCode.usage),
  ConfigError: (error) => ({
    code: ExitCode.usage,
    message: `invalid configuration: ${configErrorMessage(error, settingNames)}`,
    hint: "Vérifiez les variables TEO_* et les options. / Check the TEO_* variables and the flags."
  }),
  InvalidClient: hinted(
    ExitCode.authentication,
    "Identifiants incorrects : vérifiez CLIENT_ID et CLIENT_SECRET. / Wrong credentials: check TEO_CLIENT_ID and TEO_CLIENT_SECRET."
  ),
  InvalidScope: hinted(
    ExitCode.authentication,
    "TEO_ID invalide : vérifiez l'identifiant de votre instance. / Invalid TEO_ID: check your instance's id."
  ),
  ExpiredToken: hinted(
    ExitCode.authentication,
    "Token expiré : relancez la commande pour en obtenir un nouveau. / Expired token: run the command again to get a new one."
  ),
  TokenRequestFailed: tokenRequestFailed,
  TeoApiError: (error) => byReason(error.reason)(error),
  DossierNotFound: hinted(
    ExitCode.api,
    "Introuvable : vérifiez le numéro du dossier. / Not found: check the dossier's number."
  ),
  FakeTeoUnreachable: hinted(
    ExitCode.network,
    "FakeTeo injoignable : lancez `teo fake-server` dans un autre terminal. / FakeTeo unreachable: run `teo fake-server` in another terminal."
  ),
  FakeTeoUnexpectedAnswer: hinted(
    ExitCode.api,
    "Réponse inattendue : ce n'est pas un FakeTeo, vérifiez --fake-url et TEO_AUTH_URL. / Unexpected answer: not a FakeTeo, check --fake-url and TEO_AUTH_URL."
  ),
  FakeTeoStartError: hinted(
    ExitCode.usage,
    "Port occupé : choisissez-en un autre avec --port (0 : n'importe lequel). / Port taken: choose another with --port (0: any free one)."
  ),
  FakeTeoResourceError: hinted(
    ExitCode.usage,
    "Ressource non servie : vérifiez sa définition. / Resource not served: check its definition."
  ),
  GenerateError: hinted(
    ExitCode.usage,
    "Document illisible : vérifiez l'endroit indiqué. / Unreadable document: check the place named."
  ),
  // Installed but broken: nothing the command line can fix.
  TestingLoadFailed: plain(ExitCode.unexpected)
}

const reportOfFailure = Match.type<Failure>().pipe(Match.tagsExhaustive(byTag))

/** A tagged failure, with a message: one of teo-effect's errors, or someone else's. */
const isTagged = (u: unknown): u is { readonly _tag: string; readonly message: unknown } =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && Predicate.hasProperty(u, "message")

/** One of the failures `byTag` has a report for. */
const isFailure = (tagged: { readonly _tag: string }): tagged is Failure => Object.hasOwn(byTag, tagged._tag)

/**
 * The report of a typed failure of teo-effect, a configuration error or a
 * usage error.
 *
 * @since 0.1.0
 */
export const reportOf = (error: unknown): Report => {
  if (!isTagged(error)) return { code: ExitCode.unexpected, message: "unexpected error" }
  return isFailure(error) ? reportOfFailure(error) : { code: ExitCode.unexpected, message: String(error.message) }
}

/**
 * The report of a failed run: its first typed failure, or an unexpected one.
 *
 * @since 0.1.0
 */
export const reportOfCause = (cause: Cause.Cause<unknown>): Report => {
  const failure = cause.reasons.find(Cause.isFailReason)
  if (failure !== undefined) return reportOf(failure.error)
  const defect = cause.reasons.find(Cause.isDieReason)
  if (defect !== undefined && defect.defect instanceof UsageError) return reportOf(defect.defect)
  return { code: ExitCode.unexpected, message: "unexpected error (set TEO_DEBUG=1 for details)" }
}
