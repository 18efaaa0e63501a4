/**
 * Everything this package assumes about téo's API that téo does not document.
 *
 * téo's public documentation names the endpoints `GET /api/production/dossiers`
 * and `GET /api/production/dossiers/{dossierId}`, the JSON-LD media type and
 * the Hydra error body; it does not document field names, the create
 * endpoint, filters, rate limits or headers. What follows is inferred from
 * téo's user documentation and from API Platform's conventions (téo's API
 * shows API Platform's signature). Each assumption is kept here, in one place,
 * so that it is easy to check and to change when téo documents more.
 *
 * @since 0.1.0
 */

/**
 * Path of the dossiers collection, from the API base. Documented.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const dossiersPath = "/production/dossiers"

/**
 * ASSUMED: dossiers are created by `POST` on the collection, as API Platform
 * does; téo's guide only shows a web form that creates one.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const createDossierPath = dossiersPath

/**
 * ASSUMED: the fields a dossier may carry, with names guessed from téo's user
 * documentation (beneficiary's name, birth date, email, phone; number, order
 * number; creation, start and end dates; status; prestation), and what each
 * holds. All optional and nullable (API Platform writes `null` for empty
 * fields); dates as téo sends them (ISO 8601 strings, not parsed); relations as
 * IRIs or embedded objects. Fields not listed here are kept on the decoded
 * dossier as they came. `Dossier`'s Schema is built from this table.
 *
 * @since 0.1.0
 * @category fields
 */
export const dossierFieldKinds = {
  firstName: "string",
  lastName: "string",
  birthDate: "string",
  email: "string",
  phone: "string",
  number: "string or number",
  orderNumber: "string",
  status: "string",
  createdAt: "string",
  startDate: "string",
  endDate: "string",
  service: "IRI or object"
} as const

/**
 * ASSUMED: the keys of a new dossier on the wire are those of téo's web form
 * guide — `firstName`, `lastName`, `email`, `phone`, `serviceId` — sent as is.
 *
 * @since 0.1.0
 * @category fields
 */
export const newDossierKeys = ["firstName", "lastName", "email", "phone", "serviceId"] as const

/**
 * 401 messages that mean "expired", from téo's documentation (`Expired token`,
 * `Token has expired`) and from the JWT library API Platform usually runs
 * (`Expired JWT Token`). Compared case-insensitively.
 *
 * @since 0.1.0
 * @category errors
 */
export const expiredTokenMessages = ["expired token", "token has expired", "expired jwt token"] as const

/**
 * ASSUMED: headers that may carry a request id for téo's support, in the
 * order they are looked for.
 *
 * @since 0.1.0
 * @category errors
 */
export const requestIdHeaders = ["x-request-id", "request-id", "x-correlation-id"] as const

/**
 * ASSUMED: the prestations (the services a dossier is opened for, whose UUID
 * a new dossier's `serviceId` names) are a collection beside the dossiers, as
 * API Platform would expose the relation a dossier's `service` IRI points to.
 * téo's documentation names no prestations endpoint.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const prestationsPath = "/production/prestations"

/**
 * ASSUMED: a page of a collection is chosen by the query parameter `page`
 * (API Platform's default, `page=1` the first), and téo's `last` and `next`
 * links differ only by it. A whole-collection read takes the page numbers
 * of the pages after the first from téo's own `last` link (or `next` link
 * and `totalItems`), changing this parameter only; when téo's links do not
 * have it, or differ otherwise, the read follows the `next` links one page
 * after the other.
 *
 * @since 0.3.0
 * @category endpoints
 */
export const pageParameter = "page"

/**
 * ASSUMED: the API's OpenAPI document is at `/docs.jsonopenapi` under the
 * API's base (`/api/docs.jsonopenapi`), where API Platform publishes it, and
 * it can be read without a token, as API Platform serves it by default. téo
 * documents neither; `teo generate` reads it again with the téo token on a
 * 401 or 403, and FakeTeo serves its document of téo's two known resources
 * there.
 *
 * @since 0.4.0
 * @category endpoints
 */
export const openApiDocumentPath = "/docs.jsonopenapi"
