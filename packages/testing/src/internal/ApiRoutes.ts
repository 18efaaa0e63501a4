/**
 * FakeTeo's API (`/api`), as API Platform serves it: the bearer token
 * checked as téo documents, the entrypoint, the dossiers (list with filters
 * and order, one, create) and the prestations, in JSON-LD / Hydra, in the
 * profile and key style configured.
 *
 * @internal
 */
import { NewDossier, newDossierViolations } from "@teo-effect/api"
import { Effect, Option, Ref, Schema } from "effect"
import { HttpRouter, type HttpServerRequest } from "effect/http"
import type { FakeDossier, FakePrestation } from "../FakeData.js"
import { type Answer, hydraError, json, methodNotAllowed, rateLimited, unprocessable } from "./Answers.js"
import type { Fake, Handler } from "./Fake.js"
import * as FakeState from "./FakeState.js"

/** The beneficiary fields of téo's guide to creating a dossier (docs/teo-api.md §3). */
const documentedFields = ["firstName", "lastName", "email", "phone"] as const

/** A create's body: a JSON object, or API Platform's 400 `Syntax error`. */
const decodeBody = Schema.decodeUnknownOption(Schema.fromJsonString(Schema.Record(Schema.String, Schema.Unknown)))
const decodeNewDossier = Schema.decodeUnknownOption(NewDossier)

/** The route's `:id` when it has a UUID's shape, lower-cased as téo's ids are; otherwise nothing is found. */
const pathId = HttpRouter.schemaPathParams(Schema.Struct({ id: Schema.String.check(Schema.isGUID()) })).pipe(
  Effect.map(({ id }) => id.toLowerCase()),
  Effect.orElseSucceed(() => undefined)
)

const dossierIri = (id: string) => `/api/production/dossiers/${id}`
const prestationIri = (id: string) => `/api/production/prestations/${id}`

/** The API's handlers for `fake`. */
export const apiRoutes = (fake: Fake) => {
  const { config, state } = fake
  /** The instance a bearer token opens, or the 401 téo answers (docs/teo-api.md §4). */
  const authenticate = (
    request: HttpServerRequest.HttpServerRequest,
    current: FakeState.FakeState
  ): { readonly teoId: string } | Answer => {
    const header = request.headers.authorization
    if (header === undefined || header.trim() === "") return hydraError(401, "No authorization header found")
    const claims = fake.signer.verify(/^Bearer\s+(.+)$/i.exec(header)?.[1] ?? "")
    if (claims === undefined || claims.number <= current.revokedUpTo) return hydraError(401, "Invalid token")
    if (claims.number <= current.expiredUpTo || claims.exp * 1000 <= config.now()) {
      return hydraError(401, "Expired token")
    }
    return { teoId: claims.teoId }
  }

  type ApiHandler = (
    request: HttpServerRequest.HttpServerRequest,
    url: URL,
    body: string,
    teoId: string
  ) => Effect.Effect<Answer, never, HttpRouter.RouteContext>

  /** What every API request meets before its route: content negotiation, the token, the rate limit. */
  const api =
    (handle: ApiHandler): Handler =>
    (request, url, body) => {
      const accept = request.headers.accept
      if (accept !== undefined && !/application\/ld\+json|application\/json|\*\/\*/.test(accept)) {
        return Effect.succeed(
          hydraError(
            406,
            `Requested format "${accept}" is not supported. Supported MIME types are "application/ld+json", "application/json".`
          )
        )
      }
      return Effect.flatMap(
        Ref.modify(state, (current): readonly [Answer | string, FakeState.FakeState] => {
          const auth = authenticate(request, current)
          if (!("teoId" in auth)) return [auth, current]
          const [wait, next] = FakeState.spend(current, config.now())
          if (wait !== undefined) return [rateLimited(wait), next]
          if (!next.instances.has(auth.teoId)) return [hydraError(403, "Access Denied."), next]
          return [auth.teoId, next]
        }),
        (outcome) => (typeof outcome === "string" ? handle(request, url, body, outcome) : Effect.succeed(outcome))
      )
    }

  const resource = (dossier: FakeDossier): Record<string, unknown> => {
    const { id, ...fields } = dossier
    const kept =
      config.profile === "rich"
        ? fields
        : Object.fromEntries(documentedFields.map((field) => [field, fields[field] ?? null]))
    return { "@id": dossierIri(id), "@type": "Dossier", ...kept }
  }

  const instanceOf = (teoId: string) => Effect.map(Ref.get(state), (current) => current.instances.get(teoId))

  const entrypoint = api(() =>
    Effect.succeed(
      json(200, {
        "@context": "/api/contexts/Entrypoint",
        "@id": "/api",
        "@type": "Entrypoint",
        dossier: "/api/production/dossiers",
        prestation: "/api/production/prestations"
      })
    )
  )

  /** A known path asked with another method: API Platform's 405, the path as asked. */
  const notAllowed = api((request, url) => Effect.succeed(methodNotAllowed(request.method, url.pathname)))

  /**
   * A page of a collection, as API Platform serves one: `page`, `itemsPerPage`
   * (30 by default, at most 100), the exact-match filters of its search filter
   * on the fields of its items (`?status=Terminé`, `?number=D-2025-0001`,
   * `?status[]=a&status[]=b`), `exists[field]`, `field[gt|gte|lt|lte]` and
   * `order[field]=asc|desc`; with `declared`, only the parameters it holds.
   * Any other parameter is ignored, and said so in the request log
   * (`ignored`).
   */
  const list = <A extends object>(
    url: URL,
    path: string,
    context: string,
    items: ReadonlyArray<A>,
    render: (item: A) => Readonly<Record<string, unknown>>,
    declared?: ReadonlySet<string>
  ): Answer => {
    // As PHP reads a query: a repeated key keeps its last value. A generated resource takes
    // `itemsPerPage` only when its document declares it (API Platform's default leaves it off).
    const lastOf = (name: string) => url.searchParams.getAll(name).at(-1)
    const perPageAsked = declared === undefined || declared.has("itemsPerPage") ? lastOf("itemsPerPage") : undefined
    const page = url.searchParams.has("page") ? Number(lastOf("page")) : 1
    const perPage = perPageAsked === undefined ? 30 : Number(perPageAsked)
    if (!Number.isInteger(page) || page < 1) return hydraError(400, "Page should not be less than 1")
    if (!Number.isInteger(perPage) || perPage < 0) {
      return hydraError(400, "Item per page parameter should not be less than 0")
    }
    // The fields items are served with (as rendered: the documented profile serves fewer).
    const fields = new Set(items.slice(0, 100).flatMap((item) => Object.keys(render(item))))
    const fieldOf = (item: A, field: string) => render(item)[field]
    const ignored: Array<string> = []
    const filters: Array<(item: A) => boolean> = []
    const orders: Array<readonly [string, 1 | -1]> = []
    // A repeated key keeps its last value, `key[]` keeps them all.
    const grouped = new Map<string, Array<string>>()
    for (const [name, value] of url.searchParams) grouped.set(name, [...(grouped.get(name) ?? []), value])
    for (const [name, values] of grouped) {
      if (name === "page" || (name === "itemsPerPage" && perPageAsked !== undefined)) continue
      const value = values[values.length - 1] ?? ""
      const ordered = /^order\[(.+)\]$/.exec(name)?.[1]
      const exists = /^exists\[(.+)\]$/.exec(name)?.[1]
      const range = /^(.+)\[(gt|gte|lt|lte)\]$/.exec(name)
      const field = name.endsWith("[]") ? name.slice(0, -2) : name
      const known = (candidate: string) => fields.has(candidate) && candidate !== "@id" && candidate !== "@type"
      if (declared !== undefined && !declared.has(name)) {
        ignored.push(name)
      } else if (ordered !== undefined) {
        const direction = value.toLowerCase()
        if (known(ordered) && (direction === "asc" || direction === "desc")) {
          orders.push([ordered, direction === "asc" ? 1 : -1])
        } else ignored.push(name)
      } else if (exists !== undefined && known(exists) && ["true", "false", "1", "0"].includes(value)) {
        const wanted = value === "true" || value === "1"
        filters.push((item) => (fieldOf(item, exists) !== null && fieldOf(item, exists) !== undefined) === wanted)
      } else if (range !== undefined && range !== null && known(range[1] ?? "") && Number.isFinite(Number(value))) {
        const [, rangeField = "", operator] = range
        const bound = Number(value)
        filters.push((item) => {
          const found = Number(fieldOf(item, rangeField))
          if (!Number.isFinite(found)) return false
          return operator === "gt"
            ? found > bound
            : operator === "gte"
              ? found >= bound
              : operator === "lt"
                ? found < bound
                : found <= bound
        })
      } else if (known(field)) {
        const wanted = name.endsWith("[]") ? values : [value]
        filters.push((item) => {
          const found = fieldOf(item, field)
          return found !== null && found !== undefined && wanted.includes(String(found))
        })
      } else {
        ignored.push(name)
      }
    }
    const filtered = filters.length === 0 ? items : items.filter((item) => filters.every((keep) => keep(item)))
    const selected =
      orders.length === 0
        ? filtered
        : [...filtered].sort((a, b) => {
            for (const [field, direction] of orders) {
              const [x, y] = [fieldOf(a, field), fieldOf(b, field)]
              const order =
                typeof x === "number" && typeof y === "number"
                  ? x - y
                  : String(x ?? "").localeCompare(String(y ?? ""), "fr")
              if (order !== 0) return order * direction
            }
            return 0
          })
    const itemsPerPage = Math.min(perPage, 100)
    const total = selected.length
    const last = Math.max(1, Math.ceil(total / Math.max(itemsPerPage, 1)))
    const members = selected.slice((page - 1) * itemsPerPage, page * itemsPerPage).map(render)
    const link = (n: number) => {
      const params = new URLSearchParams(url.searchParams)
      params.set("page", String(n))
      return `${path}?${params.toString()}`
    }
    const prefixed = config.keyStyle === "prefixed"
    const key = (name: string) => (prefixed ? `hydra:${name}` : name)
    return {
      ...json(200, {
        "@context": context,
        "@id": path,
        "@type": key("Collection"),
        [key("totalItems")]: total,
        [key("member")]: members,
        [key("view")]: {
          "@id": link(page),
          "@type": key("PartialCollectionView"),
          [key("first")]: link(1),
          [key("last")]: link(last),
          ...(page > 1 ? { [key("previous")]: link(page - 1) } : {}),
          ...(page < last ? { [key("next")]: link(page + 1) } : {})
        }
      }),
      ignored
    }
  }

  const prestation = (item: FakePrestation): Record<string, unknown> => ({
    "@id": prestationIri(item.id),
    "@type": "Prestation",
    name: item.name
  })

  const create = api((request, _url, body, teoId) => {
    const type = request.headers["content-type"] ?? ""
    if (!/application\/(ld\+)?json/.test(type)) {
      return Effect.succeed(
        hydraError(
          415,
          `The content-type "${type}" is not supported. Supported MIME types are "application/ld+json", "application/json".`
        )
      )
    }
    const decoded = decodeBody(body)
    if (Option.isNone(decoded)) return Effect.succeed(hydraError(400, "Syntax error"))
    const fields = decoded.value
    return Ref.modify(state, (current): readonly [Answer, FakeState.FakeState] => {
      const instance = current.instances.get(teoId)
      const input = decodeNewDossier(fields)
      // The rules and messages of @teo-effect/api's `NewDossier`, then the one only téo can check.
      const violations: Array<{ propertyPath: string; message: string }> = newDossierViolations(fields).map(
        (violation) => ({ propertyPath: violation.propertyPath, message: violation.message })
      )
      const serviceId = fields.serviceId
      if (
        typeof serviceId === "string" &&
        !violations.some((violation) => violation.propertyPath === "serviceId") &&
        !instance?.prestations.some((prestation) => prestation.id === serviceId)
      ) {
        violations.push({ propertyPath: "serviceId", message: "Cette prestation n'existe pas." })
      }
      if (violations.length > 0 || instance === undefined || Option.isNone(input)) {
        return [unprocessable(violations), current]
      }
      const now = config.now()
      const dossier: FakeDossier = {
        id: fake.newId(),
        number: `D-${new Date(now).getUTCFullYear()}-${String(instance.dossiers.length + 1).padStart(4, "0")}`,
        orderNumber: null,
        firstName: input.value.firstName.trim(),
        lastName: input.value.lastName.trim(),
        email: input.value.email,
        phone: input.value.phone ?? null,
        status: "Prévisionnel",
        createdAt: new Date(now).toISOString(),
        service: prestationIri(input.value.serviceId)
      }
      return [
        json(
          201,
          { "@context": "/api/contexts/Dossier", ...resource(dossier) },
          config.profile === "rich" ? { location: dossierIri(dossier.id) } : {}
        ),
        FakeState.addDossier(current, teoId, dossier)
      ]
    })
  })

  type Items<A> = (instance: FakeState.Instance | undefined) => ReadonlyArray<A>

  /** A collection of the token's instance, paged and filtered (`list`). */
  const collection = <A extends object>(
    path: string,
    context: string,
    itemsOf: Items<A>,
    render: (item: A) => Record<string, unknown>
  ) =>
    api((_request, url, _body, teoId) =>
      Effect.map(instanceOf(teoId), (instance) => list(url, path, context, itemsOf(instance), render))
    )

  /** One item of the token's instance, by the route's `:id`; API Platform's 404 when there is none. */
  const item = <A extends { readonly id: string }>(
    context: string,
    itemsOf: Items<A>,
    render: (item: A) => Record<string, unknown>
  ) =>
    api((_request, _url, _body, teoId) =>
      Effect.map(Effect.all([instanceOf(teoId), pathId]), ([instance, id]): Answer => {
        const found = itemsOf(instance).find((candidate) => candidate.id === id)
        return found === undefined ? hydraError(404, "Not Found") : json(200, { "@context": context, ...render(found) })
      })
    )

  const dossiersOf: Items<FakeDossier> = (instance) => instance?.dossiers ?? []
  const prestationsOf: Items<FakePrestation> = (instance) => instance?.prestations ?? []
  const dossiers = collection("/api/production/dossiers", "/api/contexts/Dossier", dossiersOf, resource)
  const dossier = item("/api/contexts/Dossier", dossiersOf, resource)
  const prestations = collection("/api/production/prestations", "/api/contexts/Prestation", prestationsOf, prestation)
  const onePrestation = item("/api/contexts/Prestation", prestationsOf, prestation)

  const unknown = api((request, url) =>
    Effect.succeed(hydraError(404, `No route found for "${request.method} ${url.pathname.replace(/\/$/, "")}"`))
  )
  return { api, list, entrypoint, dossiers, create, dossier, prestations, onePrestation, notAllowed, unknown }
}
