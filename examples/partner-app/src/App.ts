/**
 * The app as a web handler (`Request` → `Response`), for tests and for any
 * host that speaks the Fetch API.
 */
import type { Dossiers } from "@teo-effect/api"
import { type PartnerLink, PartnerLinkHttp } from "@teo-effect/auth"
import { Layer } from "effect"
import { HttpRouter } from "effect/http"
import { Routes } from "./Routes.ts"

/**
 * The routes with téo's services provided, as a web handler, the token kept
 * out of traces as in `main.ts`; `edge` adds what the host gives every
 * request (a logger, a tracer).
 */
export const makeApp = (
  services: Layer.Layer<Dossiers | PartnerLink, unknown>,
  edge: Layer.Layer<never> = Layer.empty
) =>
  HttpRouter.toWebHandler(
    Routes.pipe(Layer.provide(services), Layer.provideMerge(Layer.merge(PartnerLinkHttp.layerRedactToken(), edge))),
    { disableLogger: true }
  )
