/**
 * The service's routes, on top of teo-effect:
 *
 * - `GET /dossiers` — the first dossiers, as a short JSON list;
 * - `POST /inscriptions` — a web form (URL-encoded or JSON) that creates a dossier in téo, as in
 *   téo's guide to creating dossiers from a form: 201 with the new dossier's id, or 422 with
 *   téo's French messages, field by field.
 */
import { Dossiers } from "@teo-effect/api"
import { Effect, Layer, Schema } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"

/** The form's fields, named as in téo's guide. */
const Inscription = Schema.Struct({
  firstName: Schema.String,
  lastName: Schema.String,
  email: Schema.String,
  phone: Schema.optionalKey(Schema.String),
  serviceId: Schema.String
})

const failure = (status: number, body: unknown) => HttpServerResponse.json(body, { status })

const listDossiers = (dossiers: Dossiers["Service"]) =>
  Effect.gen(function* () {
    const page = yield* dossiers.page({ itemsPerPage: 20 })
    return yield* HttpServerResponse.json({
      total: page.totalItems,
      dossiers: page.member.map((dossier) => ({
        id: dossier["@id"],
        name: `${dossier.lastName ?? ""} ${dossier.firstName ?? ""}`.trim(),
        status: dossier.status
      }))
    })
  }).pipe(Effect.catch((error) => failure(502, { error: error.message })))

const createInscription = (dossiers: Dossiers["Service"]) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const form = (request.headers["content-type"] ?? "").includes("application/json")
      ? yield* HttpServerRequest.schemaBodyJson(Inscription)
      : yield* HttpServerRequest.schemaBodyUrlParams(Inscription)
    const created = yield* dossiers.create(form)
    return yield* HttpServerResponse.json({ id: created["@id"] }, { status: 201 })
  }).pipe(
    Effect.catchReason("TeoApiError", "ValidationFailed", (reason) =>
      failure(422, {
        violations: reason.violations.map((violation) => ({
          field: violation.propertyPath,
          message: violation.message
        }))
      })
    ),
    Effect.catchTags({
      SchemaError: (error) => failure(400, { error: `invalid form: ${error.message}` }),
      HttpServerError: () => failure(400, { error: "unreadable body" })
    }),
    Effect.catch((error) => failure(502, { error: error.message }))
  )

/** The routes; building them needs `Dossiers`, handling a request needs nothing more. */
export const Routes = Layer.unwrap(
  Effect.map(Effect.service(Dossiers), (dossiers) =>
    HttpRouter.addAll([
      HttpRouter.route("GET", "/dossiers", listDossiers(dossiers)),
      HttpRouter.route("POST", "/inscriptions", createInscription(dossiers))
    ])
  )
)
