/**
 * The app as a web handler (`Request` → `Response`), for tests and for any
 * host that speaks the Fetch API.
 */
import type { Dossiers } from "@teo-effect/api"
import type { PartnerLink } from "@teo-effect/auth"
import { Layer } from "effect"
import { HttpRouter } from "effect/http"
import { Routes } from "./Routes.ts"

/** The routes with téo's services provided, as a web handler. */
export const makeApp = (services: Layer.Layer<Dossiers | PartnerLink, unknown>) =>
  HttpRouter.toWebHandler(Routes.pipe(Layer.provide(services)), { disableLogger: true })
