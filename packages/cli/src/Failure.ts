/**
 * How `teo` ends when something goes wrong: an exit code by kind of failure,
 * a message, and a hint in French and English after téo's own error table.
 * Never a stack trace, never the secret or the token.
 *
 * @since 0.1.0
 */
import type { TeoApiError } from "@teo-effect/api"
import { type AuthError, configErrorMessage } from "@teo-effect/auth"
import { Cause, Config, Predicate, Schema } from "effect"

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

const isTagged = (u: unknown): u is { readonly _tag: string; readonly message: string } =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && Predicate.hasProperty(u, "message")

const violationsOf = (error: Extract<TeoApiError, { _tag: "ValidationFailed" }>) =>
  error.violations.map((violation) => `  ${violation.propertyPath}: ${violation.message}`).join("\n")

/** The options `teo` builds from its flags and environment, by the names a person sets. */
const settingNames = {
  clientId: "TEO_CLIENT_ID (or --client-id)",
  clientSecret: "TEO_CLIENT_SECRET (or --client-secret-file)",
  teoId: "TEO_ID (or --teo-id)",
  tokenUrl: "TEO_AUTH_URL (or --auth-url)",
  baseUrl: "TEO_API_URL (or --api-url)"
}

/** The exit code and the hint (French / English) of each typed failure that needs no more than its tag. */
const byTag = {
  InvalidClient: [
    ExitCode.authentication,
    "Identifiants incorrects : vérifiez CLIENT_ID et CLIENT_SECRET. / Wrong credentials: check TEO_CLIENT_ID and TEO_CLIENT_SECRET."
  ],
  InvalidScope: [
    ExitCode.authentication,
    "TEO_ID invalide : vérifiez l'identifiant de votre instance. / Invalid TEO_ID: check your instance's id."
  ],
  ExpiredToken: [
    ExitCode.authentication,
    "Token expiré : relancez la commande pour en obtenir un nouveau. / Expired token: run the command again to get a new one."
  ],
  RequestFailed: [
    ExitCode.network,
    "API téo injoignable : vérifiez le réseau et TEO_API_URL. / téo's API unreachable: check the network and TEO_API_URL."
  ],
  Unauthorized: [
    ExitCode.authentication,
    "Token refusé : révoqué ou d'un autre environnement. / Token refused: revoked, or from another environment."
  ],
  NotFound: [ExitCode.api, "Introuvable : vérifiez l'identifiant. / Not found: check the id."],
  DossierNotFound: [
    ExitCode.api,
    "Introuvable : vérifiez le numéro du dossier. / Not found: check the dossier's number."
  ],
  Forbidden: [ExitCode.api, "Accès refusé : vérifiez TEO_ID. / Access denied: check TEO_ID."],
  RateLimited: [ExitCode.api, "Trop de requêtes : réessayez plus tard. / Too many requests: try again later."],
  BadRequest: [ExitCode.api],
  ServerError: [ExitCode.api],
  UnexpectedResponse: [ExitCode.api],
  FakeTeoUnreachable: [
    ExitCode.network,
    "FakeTeo injoignable : lancez `teo fake-server` dans un autre terminal. / FakeTeo unreachable: run `teo fake-server` in another terminal."
  ],
  FakeTeoUnexpectedAnswer: [
    ExitCode.api,
    "Réponse inattendue : ce n'est pas un FakeTeo, vérifiez --fake-url et TEO_AUTH_URL. / Unexpected answer: not a FakeTeo, check --fake-url and TEO_AUTH_URL."
  ],
  FakeTeoStartError: [
    ExitCode.usage,
    "Port occupé : choisissez-en un autre avec --port (0 : n'importe lequel). / Port taken: choose another with --port (0: any free one)."
  ]
} as const

/**
 * The report of a typed failure of teo-effect, a configuration error or a
 * usage error.
 *
 * @since 0.1.0
 */
export const reportOf = (error: unknown): Report => {
  if (error instanceof UsageError) return { code: ExitCode.usage, message: error.message }
  if (error instanceof Config.ConfigError) {
    return {
      code: ExitCode.usage,
      message: `invalid configuration: ${configErrorMessage(error, settingNames)}`,
      hint: "Vérifiez les variables TEO_* et les options. / Check the TEO_* variables and the flags."
    }
  }
  if (!isTagged(error)) return { code: ExitCode.unexpected, message: "unexpected error" }
  const tagged = error as AuthError | TeoApiError | { readonly _tag: string; readonly message: string }
  if (tagged._tag === "TokenRequestFailed") {
    const failed = tagged as Extract<AuthError, { _tag: "TokenRequestFailed" }>
    const network = failed.reason === "Transport" || failed.reason === "Timeout"
    return {
      code: network ? ExitCode.network : ExitCode.authentication,
      message: failed.message,
      hint: network
        ? "Serveur d'authentification injoignable : vérifiez le réseau et TEO_AUTH_URL. / Auth server unreachable: check the network and TEO_AUTH_URL."
        : "Réponse inattendue du serveur d'authentification : vérifiez TEO_AUTH_URL. / Unexpected answer from the auth server: check TEO_AUTH_URL."
    }
  }
  if (tagged._tag === "ValidationFailed") {
    const failed = tagged as Extract<TeoApiError, { _tag: "ValidationFailed" }>
    return {
      code: failed.status === undefined ? ExitCode.usage : ExitCode.api,
      message: `données invalides / invalid data:\n${violationsOf(failed)}`
    }
  }
  const known = byTag[tagged._tag as keyof typeof byTag] as readonly [number, string?] | undefined
  if (known === undefined) return { code: ExitCode.unexpected, message: tagged.message }
  const [code, hint] = known
  return hint === undefined ? { code, message: tagged.message } : { code, message: tagged.message, hint }
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
