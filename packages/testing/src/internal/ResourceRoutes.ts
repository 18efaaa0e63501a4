/**
 * FakeTeo's routes for a generated resource, from its definition: the list
 * (paged, with the query parameters the document declares), one item, and
 * the writes the document declares — each write checked with its Schema
 * (422 with the violations), 404 for an item that is not there, as API
 * Platform answers.
 *
 * @internal
 */
import type { Resource } from "@teo-effect/api"
import { Effect, Option, Ref, Schema } from "effect"
import { HttpRouter } from "effect/http"
import { type Answer, hydraError, json, unprocessable } from "./Answers.js"
import type { apiRoutes } from "./ApiRoutes.js"
import type { Fake, Handler } from "./Fake.js"
import * as FakeState from "./FakeState.js"
import { iriOf, type ResourceItem, validate } from "./ResourceItems.js"

const decodeBody = Schema.decodeUnknownOption(Schema.fromJsonString(Schema.Record(Schema.String, Schema.Unknown)))

/** PHP's `json_decode` nests at most 512 levels: deeper is a syntax error there, and here. */
const maxNesting = 512

/** Whether `text`'s JSON nests deeper than `maxNesting` (brackets outside strings). */
const tooDeep = (text: string): boolean => {
  let depth = 0
  let inString = false
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index)
    if (inString) {
      if (char === 92) index++
      else if (char === 34) inString = false
    } else if (char === 34) inString = true
    else if (char === 91 || char === 123) {
      if (++depth > maxNesting) return true
    } else if (char === 93 || char === 125) depth--
  }
  return false
}

const pathId = HttpRouter.schemaPathParams(Schema.Struct({ id: Schema.String })).pipe(
  Effect.map(({ id }) => id),
  Effect.orElseSucceed(() => "")
)

const unsupported = (type: string, supported: string): Answer =>
  hydraError(415, `The content-type "${type}" is not supported. Supported MIME types are ${supported}.`)

/** The route's path of the item template: `/api/jobs/{id}` → `/api/jobs/:id`. */
export const itemRoute = (definition: Resource.Definition): `/${string}` =>
  definition.item.replace(/\{[^}]*\}/, ":id") as `/${string}`

/** The handlers of `definition`'s collection and item, by method; only the operations it declares. */
export const resourceRoutes = (
  fake: Fake,
  shared: Pick<ReturnType<typeof apiRoutes>, "api" | "list">,
  definition: Resource.Definition
): {
  readonly collection: Partial<Record<"GET" | "POST", Handler>>
  readonly item: Partial<Record<"GET" | "PUT" | "PATCH" | "DELETE", Handler>>
} => {
  const { api, list } = shared
  const { config, state } = fake
  const has = (operation: Resource.Operation) => definition.operations.includes(operation)
  const context = `/api/contexts/${definition.type}`
  const declared = new Set(definition.query)
  const itemsOf = (teoId: string) =>
    Effect.map(Ref.get(state), (current) => current.instances.get(teoId)?.resources.get(definition.collection) ?? [])
  const render = (item: ResourceItem) => item.fields
  const one = (item: ResourceItem, status = 200, headers: Record<string, string> = {}) =>
    json(status, { "@context": context, ...item.fields }, headers)

  /** The body of a write as a JSON object checked with `schema`, or the answer that refuses it. */
  const written = (
    contentType: string | undefined,
    accepted: RegExp,
    supported: string,
    body: string,
    schema: Schema.Codec<unknown, unknown> | undefined
  ): { readonly fields: Record<string, unknown> } | { readonly refused: Answer } => {
    const type = contentType ?? ""
    if (!accepted.test(type)) return { refused: unsupported(type, supported) }
    const decoded = tooDeep(body) ? Option.none() : decodeBody(body)
    if (Option.isNone(decoded)) return { refused: hydraError(400, "Syntax error") }
    if (schema === undefined) return { fields: decoded.value }
    const checked = validate(schema, decoded.value)
    if ("violations" in checked) return { refused: unprocessable(checked.violations) }
    return { fields: typeof checked.value === "object" && checked.value !== null ? { ...checked.value } : {} }
  }

  /** Changes the item of the route's `:id` with `change`, or 404 when it is not there. */
  const onItem = (
    teoId: string,
    change: (item: ResourceItem) => readonly [Answer, ResourceItem | undefined]
  ): Effect.Effect<Answer, never, HttpRouter.RouteContext> =>
    Effect.flatMap(pathId, (id) =>
      Ref.modify(state, (current): readonly [Answer, FakeState.FakeState] => {
        const items = current.instances.get(teoId)?.resources.get(definition.collection) ?? []
        const found = items.find((item) => item.id === id)
        if (found === undefined) return [hydraError(404, "Not Found"), current]
        const [answer, next] = change(found)
        if ("reset" in answer || answer.status >= 400) return [answer, current]
        return [
          answer,
          FakeState.updateItems(current, teoId, definition.collection, (all) =>
            next === undefined
              ? all.filter((item) => item.id !== id)
              : all.map((item) => (item.id === id ? next : item))
          )
        ]
      })
    )

  /**
   * The item `id` with `fields`, or the 400 API Platform answers when what
   * was written cannot be read back (a write Schema accepts `"Paris"` where
   * the read one wants an IRI: API Platform's `Invalid IRI`).
   */
  const envelope = (id: string, fields: Record<string, unknown>): ResourceItem | { readonly refused: Answer } => {
    const { "@context": _context, ...kept } = fields
    const item = { id, fields: { ...kept, "@id": iriOf(definition, id), "@type": definition.type } }
    const readBack = validate(definition.read, item.fields)
    if ("violations" in readBack) {
      return {
        refused: hydraError(
          400,
          readBack.violations.map((violation) => `${violation.propertyPath}: ${violation.message}`).join("\n")
        )
      }
    }
    return item
  }

  const collection: Partial<Record<"GET" | "POST", Handler>> = {}
  const item: Partial<Record<"GET" | "PUT" | "PATCH" | "DELETE", Handler>> = {}
  const json_ = /^application\/(ld\+)?json\s*(;|$)/i
  const jsonTypes = '"application/ld+json", "application/json"'

  if (has("list")) {
    collection.GET = api((_request, url, _body, teoId) =>
      Effect.map(itemsOf(teoId), (items) => list(url, definition.collection, context, items, render, declared))
    )
  }
  if (has("create")) {
    collection.POST = api((request, _url, body, teoId) => {
      const checked = written(request.headers["content-type"], json_, jsonTypes, body, definition.create)
      if ("refused" in checked) return Effect.succeed(checked.refused)
      const created = envelope(fake.newId(), checked.fields)
      if ("refused" in created) return Effect.succeed(created.refused)
      return Effect.as(
        Ref.update(state, (current) =>
          FakeState.updateItems(current, teoId, definition.collection, (all) => [...all, created])
        ),
        one(created, 201, config.profile === "rich" ? { location: String(created.fields["@id"]) } : {})
      )
    })
  }
  if (has("get")) {
    item.GET = api((_request, _url, _body, teoId) =>
      Effect.flatMap(itemsOf(teoId), (items) =>
        Effect.map(pathId, (id) => {
          const found = items.find((candidate) => candidate.id === id)
          return found === undefined ? hydraError(404, "Not Found") : one(found)
        })
      )
    )
  }
  if (has("replace")) {
    item.PUT = api((request, _url, body, teoId) =>
      onItem(teoId, (found) => {
        const checked = written(request.headers["content-type"], json_, jsonTypes, body, definition.replace)
        if ("refused" in checked) return [checked.refused, found]
        const next = envelope(found.id, checked.fields)
        if ("refused" in next) return [next.refused, found]
        return [one(next), next]
      })
    )
  }
  if (has("update")) {
    item.PATCH = api((request, _url, body, teoId) =>
      onItem(teoId, (found) => {
        const checked = written(
          request.headers["content-type"],
          /^application\/merge-patch\+json\s*(;|$)/i,
          '"application/merge-patch+json"',
          body,
          definition.update
        )
        if ("refused" in checked) return [checked.refused, found]
        const next = envelope(found.id, { ...found.fields, ...checked.fields })
        if ("refused" in next) return [next.refused, found]
        return [one(next), next]
      })
    )
  }
  if (has("remove")) {
    item.DELETE = api((_request, _url, _body, teoId) => onItem(teoId, () => [{ status: 204 }, undefined]))
  }
  return { collection, item }
}
