/**
 * The application's one route, `GET /teo`: where téo sends a user who
 * follows the partner link. `PartnerLinkHttp.authenticated` reads the token
 * (`?token=`) and verifies it; the dossier is then read from téo's API with
 * the application's own credentials — the link is not an API token.
 *
 * - a valid link: 200, the dossier's page;
 * - no token, a forged, expired or already used link: 401, a short page in
 *   French and English (from `PartnerLinkHttp`);
 * - a dossier téo does not have: 404; téo failing: 502 (the error logged).
 */
import { DossierId, Dossiers } from "@teo-effect/api"
import { PartnerLink, PartnerLinkHttp } from "@teo-effect/auth"
import { Effect, Layer, Option, Schema } from "effect"
import { HttpRouter } from "effect/http"
import { dossierPage, notFoundPage, unavailablePage } from "./DossierPage.ts"

/** The routes; building them needs `PartnerLink` and `Dossiers`, handling a request nothing more. */
export const Routes = Layer.unwrap(
  Effect.gen(function* () {
    const links = yield* PartnerLink
    const dossiers = yield* Dossiers
    return HttpRouter.add(
      "GET",
      "/teo",
      PartnerLinkHttp.authenticated(links, (context) => {
        const id = Schema.decodeUnknownOption(DossierId)(context.dossierId)
        if (Option.isNone(id)) return Effect.succeed(notFoundPage())
        return dossiers.get(id.value).pipe(
          Effect.map((dossier) => dossierPage(dossier, context)),
          Effect.catchReason("TeoApiError", "NotFound", () => Effect.succeed(notFoundPage())),
          Effect.catch((error) =>
            Effect.as(Effect.logError("téo failed while reading the dossier", error.message), unavailablePage())
          )
        )
      })
    )
  })
)
