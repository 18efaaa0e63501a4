/**
 * Partner links on the partner's side of the redirect: an `effect/http`
 * handler that reads the token from the request's query (parameter `token`
 * by default: ASSUMED, téo's page names none), verifies it with `PartnerLink`
 * and runs the route with the `PartnerContext` — or answers 401 with a short
 * page, in French and English, that says why (never the token, never a stack
 * trace); 503 when téo's keys cannot be read. `layerRedactToken` keeps the
 * token out of the server's spans (`url.full`, `url.query`).
 *
 * @since 0.2.0
 */
import { Effect, Layer, Option } from "effect"
import { HttpServerRequest, HttpServerResponse, UrlParams } from "effect/http"
import { partnerLinkParameter } from "./Assumptions.js"
import type { PartnerContext, PartnerLink } from "./PartnerLink.js"

/**
 * The query parameter `authenticated` reads the token from by default:
 * `token` (ASSUMED: téo's page names none; see `Assumptions.ts`).
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultParameter: string = partnerLinkParameter

/**
 * Adds the token's query parameters (`token` by default) to `effect/http`'s
 * redacted parameter names (`UrlParams.CurrentRedactedNames`, keeping the
 * names already there), so that the server's spans and errors record
 * `?token=REDACTED`, never the link — also for the near-misses a link may
 * arrive as (`??token=`, `token[]=`, another case). Provide it once to the
 * HTTP server's layer (`HttpRouter.serve(…)`), with every parameter your
 * routes read: two such layers merged side by side replace each other.
 * `authenticated` warns once per route when its parameter is not redacted.
 *
 * @example
 * ```ts
 * import { PartnerLinkHttp } from "@teo-effect/auth"
 * import { Layer } from "effect"
 * import { HttpRouter } from "effect/http"
 *
 * declare const Routes: Layer.Layer<never, never, HttpRouter.HttpRouter>
 *
 * const App = HttpRouter.serve(Routes).pipe(Layer.provide(PartnerLinkHttp.layerRedactToken()))
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerRedactToken = (options: { readonly parameters?: ReadonlyArray<string> } = {}): Layer.Layer<never> =>
  Layer.effect(
    UrlParams.CurrentRedactedNames,
    Effect.map(Effect.service(UrlParams.CurrentRedactedNames), (names) => [
      ...names,
      ...(options.parameters ?? [defaultParameter]).map(
        (parameter) => new RegExp(`^\\?*${parameter.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\[\\])?$`, "i")
      )
    ])
  )

const page = (status: number, fr: string, en: string) =>
  HttpServerResponse.text(
    `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>téo</title></head><body>` +
      `<p>${fr}</p><p lang="en">${en}</p></body></html>`,
    { status, contentType: "text/html; charset=utf-8" }
  )

/** The parameter's first value in the request's URL; none when the URL does not even parse. */
const tokenOf = (url: string, parameter: string): string | null => {
  try {
    return new URL(url, "http://partner.invalid").searchParams.get(parameter)
  } catch {
    return null
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

/**
 * The route `handle`, for requests that carry a valid partner link, verified
 * by `links` (the `PartnerLink` service, taken once when the routes are
 * built: its JWKS cache lives as long as the application).
 *
 * @example
 * ```ts
 * import { PartnerLink, PartnerLinkHttp } from "@teo-effect/auth"
 * import { Effect, Layer } from "effect"
 * import { HttpRouter, HttpServerResponse } from "effect/http"
 *
 * const Welcome = Layer.unwrap(
 *   Effect.map(Effect.service(PartnerLink), (links) =>
 *     HttpRouter.add(
 *       "GET",
 *       "/teo",
 *       PartnerLinkHttp.authenticated(links, (context) =>
 *         Effect.succeed(HttpServerResponse.text(`dossier ${context.dossierId}`))
 *       )
 *     )
 *   )
 * )
 * ```
 *
 * @since 0.2.0
 * @category handlers
 */
export const authenticated = <E, R>(
  links: PartnerLink["Service"],
  handle: (context: PartnerContext) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>,
  options: { readonly parameter?: string } = {}
): Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest> => {
  // Said once per route: a warning per request would flood the logs.
  let warnedUnredacted = false
  return Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const parameter = options.parameter ?? defaultParameter
    if (!warnedUnredacted && !UrlParams.isRedactedName(parameter, yield* UrlParams.CurrentRedactedNames)) {
      warnedUnredacted = true
      yield* Effect.logWarning(
        `téo partner links: the query parameter "${parameter}" is not redacted, so traces may record the links' tokens: provide PartnerLinkHttp.layerRedactToken() to the HTTP server`
      )
    }
    const token = Option.fromNullishOr(tokenOf(request.url, parameter))
    if (Option.isNone(token) || token.value === "") {
      return page(
        401,
        "Ce lien doit être ouvert depuis téo : le jeton du lien partenaire manque.",
        "Open this link from téo: the partner link's token is missing."
      )
    }
    return yield* links.verify(token.value).pipe(
      Effect.matchEffect({
        onFailure: (error) =>
          // Logged for whoever watches the application: the reason, never the token.
          Effect.as(
            Effect.logWarning(error.message).pipe(
              Effect.annotateLogs(
                error._tag === "InvalidPartnerLink" ? { reason: error.reason } : { jwksUrl: error.jwksUrl }
              )
            ),
            error._tag === "PartnerLinkKeysUnavailable"
              ? page(
                  503,
                  "Les clés de téo sont momentanément indisponibles : réessayez dans un instant.",
                  "téo's keys are unavailable for the moment: try again shortly."
                )
              : page(
                  401,
                  `Ce lien partenaire est refusé (${escapeHtml(error.reason)}) : ouvrez-le à nouveau depuis téo.`,
                  `This partner link is refused (${escapeHtml(error.reason)}): open it again from téo.`
                )
          ),
        onSuccess: handle
      })
    )
  })
}
