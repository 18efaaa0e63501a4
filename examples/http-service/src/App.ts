/**
 * The app as a web handler (`Request` → `Response`), for tests and for any
 * host that speaks the Fetch API.
 */
import type { Dossiers } from "@teo-effect/api"
import { Layer } from "effect"
import { HttpRouter } from "effect/http"
import { Routes } from "./Routes.ts"

/** The routes with `teo` provided, as a web handler. */
export const makeApp = (teo: Layer.Layer<Dossiers, unknown>) =>
  HttpRouter.toWebHandler(Routes.pipe(Layer.provide(teo)), { disableLogger: true })
