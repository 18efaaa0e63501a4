/**
 * What the resource services that `teo generate` writes call on `TeoApi`: the
 * target of one resource from its path template and an id or IRI, and query
 * parameters without their unset keys. Small on purpose: the calls themselves
 * are `TeoApi`'s.
 *
 * @since 0.4.0
 */
import { isIriText } from "./internal/IriSyntax.js"
import type { Query } from "./TeoApiOptions.js"

/**
 * One path parameter as a path segment: percent-encoded, and `.` / `..`
 * encoded too so that an id never walks up the path.
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
