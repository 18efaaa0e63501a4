/**
 * What the resource services that `teo generate` writes call on `TeoApi`: the
 * target of one resource from its path template and an id or IRI, and query
 * parameters without their unset keys. Small on purpose: the calls themselves
 * are `TeoApi`'s.
 *
 * @since 0.4.0
 */

import type { Schema } from "effect"
import { isIriText } from "./internal/IriSyntax.js"
import type { Query } from "./TeoApiOptions.js"

/**
 * One path parameter as a path segment: percent-encoded, and `.` / `..`
 * encoded too (`%2E`) — a segment `TeoApi` refuses before sending, as the
 * URL parser would read it as a dot segment and walk up the path.
 */
const segment = (value: string): string => {
  const encoded = encodeURIComponent(value)
  return encoded === "." ? "%2E" : encoded === ".." ? "%2E%2E" : encoded
}

/**
 * The target of a resource: `template` (`/books/{id}`) with its parameters
 * filled in, each percent-encoded as one path segment. A single string is
 * the template's only parameter, or — when it starts with `/` or `http(s)://`
 * — an IRI from téo's answers, used as it is (`TeoApi` still keeps it inside
 * the API).
 *
 * @example
 * ```ts
 * import { Resource } from "@teo-effect/api"
 *
 * Resource.target("/books/{id}", "a b") // "/books/a%20b"
 * Resource.target("/books/{id}", "/api/books/1") // "/api/books/1"
 * Resource.target("/books/{bookId}/reviews/{id}", { bookId: "1", id: "2" }) // "/books/1/reviews/2"
 * ```
 *
 * @since 0.4.0
 */
export const target = (template: string, idOrParameters: string | Readonly<Record<string, string>>): string => {
  if (typeof idOrParameters === "string") {
    if (isIriText(idOrParameters)) return idOrParameters
    return template.replace(/\{[^}]*\}/, segment(idOrParameters))
  }
  return template.replace(/\{([^}]*)\}/g, (_, name: string) => {
    const value: unknown = idOrParameters[name]
    return typeof value === "string" ? segment(value) : ""
  })
}

/**
 * Query parameters as `TeoApi` takes them, without the keys left `undefined`.
 *
 * @since 0.4.0
 */
export const query = (parameters: object | undefined): Query | undefined => {
  if (parameters === undefined) return undefined
  const query: Record<string, Query[string]> = {}
  for (const [key, value] of Object.entries(parameters)) {
    if (
      typeof value === "string" ||
      typeof value === "number" ||
      typeof value === "boolean" ||
      (Array.isArray(value) && value.every((item) => ["string", "number", "boolean"].includes(typeof item)))
    ) {
      query[key] = value
    }
  }
  return query
}

/**
 * The operations a resource may have, as `teo generate` names them.
 *
 * @since 0.4.0
 * @category models
 */
export type Operation = "list" | "get" | "create" | "replace" | "update" | "remove"

/**
 * A resource as an OpenAPI document declares it, in the form `teo generate`
 * writes it on each generated service (`Jobs.definition`): its paths, its
 * `@type`, its operations, the query parameters its list declares and the
 * Schemas of what it answers and accepts. FakeTeo serves a resource from its
 * definition, and the Pact builders of `@teo-effect/testing` write its
 * interactions from it.
 *
 * @since 0.4.0
 * @category models
 */
export interface Definition {
  /** The collection's path: `/api/jobs`. */
  readonly collection: string
  /** The item's path, with its one parameter: `/api/jobs/{id}`. */
  readonly item: string
  /** The `@type` of its items: `Job`. */
  readonly type: string
  /** The operations the document declares. */
  readonly operations: ReadonlyArray<Operation>
  /** The query parameters the document declares on the list (`status`, `order[title]`, `page` …). */
  readonly query: ReadonlyArray<string>
  /** How an item is read. */
  readonly read: Schema.Codec<unknown, unknown>
  /** What `create` sends, when the document declares a create. */
  readonly create?: Schema.Codec<unknown, unknown>
  /** What `replace` sends, when the document declares a replace. */
  readonly replace?: Schema.Codec<unknown, unknown>
  /** What `update` (a merge patch) sends, when the document declares an update. */
  readonly update?: Schema.Codec<unknown, unknown>
}
