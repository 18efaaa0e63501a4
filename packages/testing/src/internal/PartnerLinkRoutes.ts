import { DateTime, Effect, Option, Ref, Schema } from "effect"
import { HttpServerResponse } from "effect/http"
import { json, methodNotAllowed } from "./Answers.js"
import type { Fake, Handler } from "./Fake.js"

/**
 * What a partner link carries; each absent field has `partnerLink`'s
 * default.
 */
export interface PartnerLinkClaims {
  readonly dossierId?: string
  readonly userId?: string
  readonly ttlSeconds?: number
  readonly claims?: Readonly<Record<string, unknown>>
}

/**
 * A partner link's token, signed with FakeTeo's current key: `dossierId`
 * (default: the first instance's first dossier), `userId` (default
 * `fake-user`), valid `ttlSeconds` (default 300, téo's 5 minutes).
 */
export const partnerLink = (
  fake: Fake,
  link: PartnerLinkClaims
): Effect.Effect<{ readonly token: string; readonly dossierId: string; readonly userId: string }> =>
  Effect.gen(function* () {
    const teoId = fake.config.clients[0]?.teoIds[0] ?? ""
    const dossierId = link.dossierId ?? (yield* Ref.get(fake.state)).instances.get(teoId)?.dossiers[0]?.id ?? ""
    const userId = link.userId ?? "fake-user"
    const token = yield* Effect.promise(() =>
      fake.partnerKeys.sign({ dossierId, userId, ...link.claims }, link.ttlSeconds ?? 300, fake.config.now())
    )
    return { token, dossierId, userId }
  })

/** The body of `POST /_fake/partner-links`: each field optional; the dossier by id or by number. */
const PartnerLinkBody = Schema.Struct({
  dossierId: Schema.optionalKey(Schema.NonEmptyString),
  dossierNumber: Schema.optionalKey(Schema.NonEmptyString),
  userId: Schema.optionalKey(Schema.NonEmptyString),
  ttl: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 86_400 })))
})
const decodePartnerLinkBody = Schema.decodeUnknownOption(Schema.fromJsonString(PartnerLinkBody))

/** The JWKS and the control for `fake`. */
export const partnerLinkRoutes = (fake: Fake) => {
  const { config, state } = fake
  /** The partner-link keys (ASSUMED path; neither counted nor subject to faults). */
  const jwks = Effect.sync(() =>
    HttpServerResponse.text(JSON.stringify(fake.partnerKeys.jwks()), {
      contentType: "application/jwk-set+json",
      headers: { "cache-control": "max-age=300" }
    })
  )

  /**
   * FakeTeo's own control, not téo's (téo issues links from its interface):
   * a partner link for `{ dossierId?, dossierNumber?, userId?, ttl? }` (seconds), for `teo
   * partner-link`. An unknown dossier is refused: a link to it would only
   * fail later, in the partner's application.
   */
  const issuePartnerLink: Handler = (_request, _url, body) =>
    Effect.gen(function* () {
      const decoded = decodePartnerLinkBody(body.trim() === "" ? "{}" : body)
      if (Option.isNone(decoded)) {
        return json(400, {
          error: "invalid_request",
          message:
            "the body must be JSON: { dossierId?: string, dossierNumber?: string, userId?: string, ttl?: seconds from 1 to 86400 }"
        })
      }
      const { dossierNumber, ...link } = decoded.value
      const { instances } = yield* Ref.get(state)
      const dossiers = [...instances.values()].flatMap((instance) => instance.dossiers)
      if (dossierNumber !== undefined) {
        const numbered = dossiers.find((dossier) => String(dossier.number) === dossierNumber)
        if (numbered === undefined) {
          return json(404, { error: "unknown_dossier", message: `FakeTeo has no dossier numbered ${dossierNumber}` })
        }
        return yield* issue({ ...link, dossierId: numbered.id })
      }
      if (link.dossierId !== undefined && !dossiers.some((dossier) => dossier.id === link.dossierId)) {
        return json(404, { error: "unknown_dossier", message: `FakeTeo has no dossier ${link.dossierId}` })
      }
      return yield* issue(link)
    })

  const issue = (link: Omit<PartnerLinkClaims, "ttlSeconds" | "claims"> & { readonly ttl?: number }) =>
    Effect.gen(function* () {
      const ttlSeconds = link.ttl ?? 300
      const issued = yield* partnerLink(fake, { ...link, ttlSeconds })
      return json(201, {
        ...issued,
        expiresAt: DateTime.formatIso(DateTime.makeUnsafe(config.now() + ttlSeconds * 1000))
      })
    })
  /** Another method than POST: named with the control's path as declared, whatever the slashes asked. */
  const partnerLinkNotAllowed: Handler = (request) =>
    Effect.succeed(methodNotAllowed(request.method, "/_fake/partner-links"))
  return { jwks, issuePartnerLink, partnerLinkNotAllowed }
}
