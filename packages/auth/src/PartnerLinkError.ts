/**
 * Why a partner link was refused. None repeats the token.
 *
 * @since 0.2.0
 */
import { Schema } from "effect"

const hints = {
  Malformed:
    "it is not a JWT as téo signs them (three canonical base64url parts, a JSON header and claims, at most 8 KiB): check how the link was read",
  WrongAlgorithm: "only ES256 is accepted (téo's partner links are ES256): a token with another algorithm is refused",
  UnknownKey:
    "no key of téo's JWKS has its kid (read again for it, at most once per cooldown): check jwksUrl (sandbox or production?)",
  AmbiguousKey:
    "several keys of téo's JWKS match it (one kid twice, or no kid and several keys): téo's JWKS is at fault",
  BadSignature: "its signature does not verify with téo's key: it was not issued by téo, or was altered",
  Expired: "it has expired (téo's links live 5 minutes by default): open the link from téo again",
  NotYetValid: "it is not valid yet (nbf/iat in the future): check this machine's clock",
  Claims:
    "a claim is missing, of the wrong type, or wrong (exp, nbf, iat, jti, the dossier, the user, issuer, audience)",
  Replayed: "it was already used once: partner links are single-use here (replay protection)"
} as const

/**
 * A partner link that does not verify: `reason` says which check refused
 * it, the message says what to check.
 *
 * @since 0.2.0
 * @category errors
 */
export class InvalidPartnerLink extends Schema.TaggedError<InvalidPartnerLink>()("InvalidPartnerLink", {
  reason: Schema.Literals([
    "Malformed",
    "WrongAlgorithm",
    "UnknownKey",
    "AmbiguousKey",
    "BadSignature",
    "Expired",
    "NotYetValid",
    "Claims",
    "Replayed"
  ]),
  detail: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return `the partner link is refused (${this.reason}): ${hints[this.reason]}${this.detail === undefined ? "" : ` — ${this.detail}`}`
  }

  /**
   * Never: the same token would be refused again.
   *
   * @since 0.2.0
   */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * téo's JWKS could not be read and no key is cached: nothing can be verified
 * yet.
 *
 * @since 0.2.0
 * @category errors
 */
export class PartnerLinkKeysUnavailable extends Schema.TaggedError<PartnerLinkKeysUnavailable>()(
  "PartnerLinkKeysUnavailable",
  { jwksUrl: Schema.String, detail: Schema.String }
) {
  override get message(): string {
    return `téo's partner-link keys are unavailable at ${this.jwksUrl}: ${this.detail}`
  }

  /**
   * Yes: the JWKS endpoint may answer later.
   *
   * @since 0.2.0
   */
  get isRetryable(): boolean {
    return true
  }
}

/**
 * Why `PartnerLink.verify` refused a link: the link is invalid, or téo's keys could not be read.
 *
 * @since 0.2.0
 * @category errors
 */
export type PartnerLinkError = InvalidPartnerLink | PartnerLinkKeysUnavailable
