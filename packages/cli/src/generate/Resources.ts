/**
 * An API Platform document read as resources: its operations grouped by
 * collection path (`/books`, `/books/{id}` → one `Books` service), each with
 * its kind (`list`, `get`, `create`, `replace`, `update`, `remove`), its
 * parameters and the schemas of its body and answer. What the document does
 * not allow to type (no JSON-LD answer, a second `get` for one collection) is
 * skipped and said, never guessed.
 *
 * @since 0.4.0
 */
import { GenerateError } from "./GenerateError.js"
import * as Pointer from "./Pointer.js"

/**
 * What a service method does.
 *
 * @since 0.4.0
 */
export type Kind = "list" | "get" | "create" | "replace" | "update" | "remove"

/**
 * A schema of the document: a component (`#/components/schemas/Name`) or one
 * written inline in an operation (then named after it).
 *
 * @since 0.4.0
 */
export interface SchemaRef {
  readonly name: string
  readonly at: string
}

/**
 * A query parameter (`page`, `order[title]`, `author[]`).
 *
 * @since 0.4.0
 */
export interface QueryParameter {
  readonly name: string
  readonly schema: unknown
  readonly at: string
  readonly description: string | undefined
}

/**
 * One operation of the document, as a service method.
 *
 * @since 0.4.0
 */
export interface Operation {
  readonly kind: Kind
  readonly method: string
  readonly path: string
  readonly at: string
  readonly summary: string | undefined
  /** The path's parameters, in order (`["bookId", "id"]`). */
  readonly pathParameters: ReadonlyArray<string>
  readonly query: ReadonlyArray<QueryParameter>
  /** What téo answers: the item (for `list`, one member of the page); absent for `remove`. */
  readonly answer: SchemaRef | undefined
  /** What is sent (`create`, `replace`, `update`). */
  readonly body: SchemaRef | undefined
}

/**
 * A service: the operations on one collection path and its items.
 *
 * @since 0.4.0
 */
export interface Service {
  readonly name: string
  readonly collection: string
  readonly operations: ReadonlyMap<Kind, Operation>
}

/**
 * What was left out, and why.
 *
 * @since 0.4.0
 */
export interface Skipped {
  readonly at: string
  readonly reason: string
}

/**
 * The document's resources.
 *
 * @since 0.4.0
 */
export interface Resources {
  readonly title: string
  readonly version: string
  readonly openapi: string
  readonly services: ReadonlyArray<Service>
  /** The schemas written inline in operations, by the name given to them. */
  readonly inline: ReadonlyMap<string, SchemaRef & { readonly schema: unknown }>
  readonly skipped: ReadonlyArray<Skipped>
}

const methods = ["get", "post", "put", "patch", "delete"] as const

const jsonLd = "application/ld+json"

/** A plain JSON object (not an array). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const describe = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : typeof value

/**
 * Reads the resources of `document`, or fails naming the place where it is
 * not an OpenAPI 3.x document of an API Platform application.
 *
 * @since 0.4.0
 */
export const read = (document: unknown, source: string): Resources => {
  const fail = (at: string, problem: string) => new GenerateError({ source, at, problem })
  if (!isObject(document)) {
    throw fail("#", `an OpenAPI document is a JSON or YAML object, this is ${describe(document)}`)
  }
  if (typeof document.swagger === "string") {
    throw fail(
      "#/swagger",
      `this is a Swagger ${document.swagger} document; teo generate reads OpenAPI 3.x (API Platform publishes it at /api/docs.jsonopenapi)`
    )
  }
  const openapi = document.openapi
  if (typeof openapi !== "string" || !/^3\.\d+(\.\d+)?$/.test(openapi)) {
    throw fail(
      "#/openapi",
      openapi === undefined
        ? "no openapi version: not an OpenAPI document"
        : `expected an OpenAPI version 3.x, got ${JSON.stringify(openapi)}`
    )
  }
  const info = isObject(document.info) ? document.info : {}
  const paths = document.paths
  if (!isObject(paths)) throw fail("#/paths", `expected the paths as an object, got ${describe(paths)}`)

  /** A `$ref` to something else than a schema (a parameter, a response, a request body), followed. */
  const follow = (value: unknown, at: string): { readonly value: unknown; readonly at: string } => {
    let current = value
    let where = at
    for (let hops = 0; isObject(current) && typeof current.$ref === "string"; hops++) {
      const ref = current.$ref
      if (hops > 16) throw fail(`${where}/$ref`, "a loop of $refs")
      if (!ref.startsWith("#/")) throw fail(`${where}/$ref`, `only $refs inside the document are read, got ${ref}`)
      const target = Pointer.resolve(document, ref)
      if (target === undefined) throw fail(`${where}/$ref`, `${ref} is not in the document`)
      current = target
      where = ref
    }
    return { value: current, at: where }
  }

  const inline = new Map<string, SchemaRef & { readonly schema: unknown }>()
  const skipped: Array<Skipped> = []

  /** The schema of a body or answer: a component by name, or an inline one named `name`. */
  const schemaRef = (given: unknown, at: string, name: string): SchemaRef => {
    // PHP writes an empty schema (`{}`) as `[]`: API Platform documents have it.
    const schema = Array.isArray(given) && given.length === 0 ? {} : given
    if (isObject(schema) && typeof schema.$ref === "string") {
      const ref = schema.$ref
      const prefix = "#/components/schemas/"
      if (!ref.startsWith(prefix)) throw fail(`${at}/$ref`, `expected a $ref to #/components/schemas/…, got ${ref}`)
      if (Pointer.resolve(document, ref) === undefined) throw fail(`${at}/$ref`, `${ref} is not in the document`)
      return { name: Pointer.keyOf(ref.slice(prefix.length)), at: ref }
    }
    if (!isObject(schema)) throw fail(at, `expected a schema (an object), got ${describe(schema)}`)
    const made = { name, at, schema }
    inline.set(name, made)
    return made
  }

  /** The items of a Hydra collection schema (`hydra:member` or `member`, maybe under `allOf`), or undefined. */
  const memberOf = (schema: unknown, at: string): { readonly schema: unknown; readonly at: string } | undefined => {
    const { value, at: where } = follow(schema, at)
    if (!isObject(value)) return undefined
    if (isObject(value.properties)) {
      for (const key of ["hydra:member", "member"]) {
        const member = value.properties[key]
        if (isObject(member)) {
          const items = member.items
          const membersAt = Pointer.child(Pointer.child(where, "properties"), key)
          if (items === undefined) throw fail(membersAt, "a collection's members without items: no schema for them")
          return { schema: items, at: Pointer.child(membersAt, "items") }
        }
      }
    }
    if (Array.isArray(value.allOf)) {
      // A later member refines the base (API Platform 4: `HydraCollectionBaseSchema`'s generic members, then the
      // resource's): the last members found are the collection's, preferably a `$ref`.
      const found = value.allOf
        .map((part, index) => memberOf(part, Pointer.child(Pointer.child(where, "allOf"), index)))
        .filter((candidate) => candidate !== undefined)
      return found.findLast((candidate) => isObject(candidate.schema) && "$ref" in candidate.schema) ?? found.at(-1)
    }
    return undefined
  }

  /** The JSON-LD schema of the operation's success answer, if it has one. */
  const answerOf = (operation: Record<string, unknown>, at: string) => {
    const responsesAt = Pointer.child(at, "responses")
    const responses = operation.responses
    if (!isObject(responses)) throw fail(responsesAt, `expected the responses as an object, got ${describe(responses)}`)
    const success = Object.keys(responses)
      .filter((status) => /^2(\d\d|XX)$/i.test(status))
      .sort()
    for (const status of success) {
      const { value: response, at: responseAt } = follow(responses[status], Pointer.child(responsesAt, status))
      if (!isObject(response)) throw fail(responseAt, `expected a response object, got ${describe(response)}`)
      const content = response.content
      if (content === undefined || status === "204") return { status, schema: undefined, at: responseAt }
      if (!isObject(content)) {
        throw fail(Pointer.child(responseAt, "content"), `expected content by media type, got ${describe(content)}`)
      }
      const media = content[jsonLd]
      if (isObject(media) && media.schema !== undefined) {
        return {
          status,
          schema: media.schema,
          at: Pointer.child(Pointer.child(Pointer.child(responseAt, "content"), jsonLd), "schema")
        }
      }
      return { status, schema: undefined, at: responseAt, media: Object.keys(content).sort() }
    }
    return undefined
  }

  /** The body's schema, in the media type API Platform reads for the method. */
  const bodyOf = (operation: Record<string, unknown>, at: string, method: string) => {
    if (operation.requestBody === undefined) return undefined
    const { value: body, at: bodyAt } = follow(operation.requestBody, Pointer.child(at, "requestBody"))
    if (!isObject(body) || !isObject(body.content)) {
      throw fail(bodyAt, "expected a request body with content by media type")
    }
    const preferred =
      method === "patch" ? ["application/merge-patch+json", jsonLd, "application/json"] : [jsonLd, "application/json"]
    for (const type of preferred) {
      const media = body.content[type]
      if (isObject(media) && media.schema !== undefined) {
        return {
          schema: media.schema,
          at: Pointer.child(Pointer.child(Pointer.child(bodyAt, "content"), type), "schema")
        }
      }
    }
    return undefined
  }

  /** The operation's parameters, with those its path declares for all its methods. */
  const parametersOf = (
    pathItem: Record<string, unknown>,
    operation: Record<string, unknown>,
    pathAt: string,
    at: string
  ) => {
    const found = new Map<string, { readonly value: Record<string, unknown>; readonly at: string }>()
    for (const [list, listAt] of [
      [pathItem.parameters, Pointer.child(pathAt, "parameters")],
      [operation.parameters, Pointer.child(at, "parameters")]
    ] as const) {
      if (list === undefined) continue
      if (!Array.isArray(list)) throw fail(listAt, `expected the parameters as an array, got ${describe(list)}`)
      for (const [index, raw] of list.entries()) {
        const { value, at: parameterAt } = follow(raw, Pointer.child(listAt, index))
        if (!isObject(value) || typeof value.name !== "string" || typeof value.in !== "string") {
          throw fail(parameterAt, "expected a parameter with a name and an in (query, path, header or cookie)")
        }
        found.set(`${value.in} ${value.name}`, { value, at: parameterAt })
      }
    }
    const query: Array<QueryParameter> = []
    for (const { value, at: parameterAt } of found.values()) {
      if (value.in !== "query") continue
      query.push({
        name: String(value.name),
        schema: value.schema,
        at: parameterAt,
        description: typeof value.description === "string" && value.description !== "" ? value.description : undefined
      })
    }
    return query
  }

  const services = new Map<string, Map<Kind, Operation>>()
  let answersJsonLd = false

  for (const path of Object.keys(paths).sort()) {
    const pathAt = Pointer.child("#/paths", path)
    const pathItem = paths[path]
    if (!isObject(pathItem)) throw fail(pathAt, `expected a path item (an object), got ${describe(pathItem)}`)
    if (!path.startsWith("/")) throw fail(pathAt, "a path starts with /")
    const pathParameters = [...path.matchAll(/\{([^}/]+)\}/g)].map((match) => match[1] ?? "")
    const endsInParameter = /\/\{[^}/]+\}$/.test(path)
    const collection = endsInParameter ? path.replace(/\/\{[^}/]+\}$/, "") : path
    for (const method of methods) {
      const operation = pathItem[method]
      if (operation === undefined) continue
      const at = Pointer.child(pathAt, method)
      if (!isObject(operation)) throw fail(at, `expected an operation (an object), got ${describe(operation)}`)
      const answer = answerOf(operation, at)
      if (answer?.schema !== undefined) answersJsonLd = true
      const skip = (reason: string) => skipped.push({ at, reason })
      if (answer === undefined) {
        skip("no success answer (2xx) in the document")
        continue
      }
      if (answer.schema === undefined && method !== "delete") {
        if (answer.status === "204") {
          skip("answers 204 No Content: only a delete is generated without an answer")
          continue
        }
        skip(
          `no ${jsonLd} answer${"media" in answer && answer.media !== undefined ? ` (it answers ${answer.media.join(", ")})` : ""}`
        )
        continue
      }
      const member = method === "get" && answer.schema !== undefined ? memberOf(answer.schema, answer.at) : undefined
      const kind: Kind =
        method === "get"
          ? member !== undefined
            ? "list"
            : "get"
          : method === "post"
            ? "create"
            : method === "put"
              ? "replace"
              : method === "patch"
                ? "update"
                : "remove"
      // A collection path ending in a parameter (`GET /books/{id}/reviews` is not one): its items' operations.
      const key = kind === "list" || kind === "create" ? path : collection
      const name = `${path} ${method}`
      const body =
        kind === "create" || kind === "replace" || kind === "update" ? bodyOf(operation, at, method) : undefined
      if ((kind === "create" || kind === "replace" || kind === "update") && body === undefined) {
        skip(
          `no JSON request body (${method === "patch" ? "application/merge-patch+json, " : ""}${jsonLd} or application/json)`
        )
        continue
      }
      const made: Operation = {
        kind,
        method: method.toUpperCase(),
        path,
        at,
        summary: typeof operation.summary === "string" && operation.summary !== "" ? operation.summary : undefined,
        pathParameters,
        query: kind === "list" ? parametersOf(pathItem, operation, pathAt, at) : [],
        answer:
          member !== undefined
            ? schemaRef(member.schema, member.at, `${name} member`)
            : answer.schema === undefined
              ? undefined
              : schemaRef(answer.schema, answer.at, `${name} answer`),
        body: body === undefined ? undefined : schemaRef(body.schema, body.at, `${name} body`)
      }
      const operations = services.get(key) ?? new Map<Kind, Operation>()
      const already = operations.get(kind)
      if (already !== undefined) {
        skip(`a second ${kind} for ${key} (the first is ${already.method} ${already.path})`)
        continue
      }
      operations.set(kind, made)
      services.set(key, operations)
    }
  }
  if (!answersJsonLd) {
    throw fail(
      "#/paths",
      `no operation answers ${jsonLd}: not an API Platform document (teo generate reads the JSON-LD API API Platform publishes)`
    )
  }
  const names = serviceNames([...services.keys()])
  return {
    title: typeof info.title === "string" ? info.title : "",
    version: typeof info.version === "string" ? info.version : "",
    openapi,
    services: [...services.entries()]
      .map(([collection, operations]) => ({ name: names.get(collection) ?? collection, collection, operations }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    inline,
    skipped
  }
}

/** Names a `teo generate` module may not give a service: they are imported there. */
const reserved = new Set(["Context", "Effect", "Layer", "Schema", "Stream", "Resource", "TeoApi", "Schemas", "Index"])

/**
 * `"content_types"` → `"ContentTypes"`, `"séances"` → `"Séances"`: a
 * PascalCase identifier from any text (Unicode letters kept).
 *
 * @since 0.4.0
 */
export const pascal = (text: string): string => {
  const name = text
    .split(/[^\p{L}\p{N}]+/u)
    .filter((part) => part !== "")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("")
  return name === "" ? "Unnamed" : /^\p{N}/u.test(name) ? `N${name}` : name
}

/**
 * Service names: the collection path's last static segment (`/production/dossiers`
 * → `Dossiers`), with the segments before it when two collections would share
 * a name (`/books` → `Books`, `/admin/books` → `AdminBooks`).
 */
const serviceNames = (collections: ReadonlyArray<string>): ReadonlyMap<string, string> => {
  const segments = new Map(
    collections.map((collection) => [
      collection,
      collection.split("/").filter((part) => part !== "" && !part.startsWith("{"))
    ])
  )
  const depth = new Map(collections.map((collection) => [collection, 1]))
  const nameOf = (collection: string) => {
    const parts = segments.get(collection) ?? []
    const name = pascal(parts.slice(-(depth.get(collection) ?? 1)).join(" "))
    return reserved.has(name) ? `${name}Resource` : name
  }
  for (;;) {
    const byName = new Map<string, Array<string>>()
    for (const collection of collections) {
      const name = nameOf(collection)
      byName.set(name, [...(byName.get(name) ?? []), collection])
    }
    let grew = false
    for (const group of byName.values()) {
      if (group.length < 2) continue
      for (const collection of group) {
        const current = depth.get(collection) ?? 1
        if (current < (segments.get(collection)?.length ?? 0)) {
          depth.set(collection, current + 1)
          grew = true
        }
      }
    }
    if (!grew) {
      // Names no segment can tell apart any more (`/a/b` and `/a-b`): numbered, in path order.
      const names = new Map<string, string>()
      const taken = new Set<string>()
      for (const collection of [...collections].sort()) {
        const name = nameOf(collection)
        let unique = name
        for (let n = 2; taken.has(unique); n++) unique = `${name}${n}`
        taken.add(unique)
        names.set(collection, unique)
      }
      return names
    }
  }
}
