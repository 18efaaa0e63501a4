/**
 * The items FakeTeo serves for a generated resource: seeded from its read
 * Schema (every declared field, with a value the Schema accepts), or given by
 * the test, and each checked against that Schema before FakeTeo starts.
 *
 * @internal
 */
import type { Resource } from "@teo-effect/api"
import { Schema, SchemaAST } from "effect"
import { random, seedOf, uuidFrom } from "./Seeded.js"

/** One item of a generated resource: its id (the item path's parameter) and its JSON-LD fields. */
export interface ResourceItem {
  readonly id: string
  readonly fields: Readonly<Record<string, unknown>>
}

/** The longest id FakeTeo serves, percent-encoded (its router's limit on a path parameter). */
export const maxIdLength = 1000

/** No value: the field is left out. */
const absent = Symbol("absent")

/** Deeper than this, optional fields and recursive members are left out, and nullable ones are `null`. */
const maxDepth = 2

const accepts = (ast: SchemaAST.AST, value: unknown): boolean => Schema.is(Schema.make(ast))(value)

/** A text for `field` that `ast`'s checks accept: by the field's name first, then an IRI. */
const text = (ast: SchemaAST.AST, field: string, n: number, id: () => string): string | typeof absent => {
  const candidates = [
    /e-?mail/i.test(field) ? `contact${n}@example.org` : undefined,
    /(At|Date|date)$/.test(field) ? new Date(Date.UTC(2025, 0, 1 + n, 9)).toISOString() : undefined,
    /phone/i.test(field) ? `+33 6 00 00 ${String(n).padStart(2, "0").slice(-2)} 00` : undefined,
    /(url|uri)$/i.test(field) ? `https://example.org/${n}` : undefined,
    `${field.charAt(0).toUpperCase()}${field.slice(1)} ${n}`,
    `/.well-known/genid/${id()}`,
    id()
  ].filter((candidate) => candidate !== undefined)
  return candidates.find((candidate) => accepts(ast, candidate)) ?? absent
}

/** A value of `ast` for the field `field` of the `n`th item. */
const seedValue = (ast: SchemaAST.AST, field: string, n: number, depth: number, id: () => string): unknown => {
  switch (ast._tag) {
    case "String":
      return text(ast, field, n, id)
    case "Number":
      return n
    case "Boolean":
      return n % 2 === 0
    case "Literal":
      return ast.literal
    case "Null":
      return null
    case "Unknown":
    case "Any":
      return `${field} ${n}`
    case "Union": {
      const members = ast.types.filter((member) => member._tag !== "Undefined" && member._tag !== "Void")
      const literal = members[n % Math.max(members.length, 1)]
      if (literal !== undefined && members.every((member) => member._tag === "Literal")) {
        return seedValue(literal, field, n, depth, id)
      }
      // Nullable fields are null on every fourth item, so that `exists[field]` finds both kinds.
      if ((depth >= maxDepth || n % 4 === 0) && members.some((member) => member._tag === "Null")) return null
      for (const member of members.filter((member) => member._tag !== "Null")) {
        const value = seedValue(member, field, n, depth, id)
        if (value !== absent) return value
      }
      return members.some((member) => member._tag === "Null") ? null : absent
    }
    case "Arrays": {
      const elements = ast.elements.map((element) => seedValue(element, field, n, depth + 1, id))
      if (elements.includes(absent)) return absent
      const [rest] = ast.rest
      if (rest === undefined || depth >= maxDepth) return elements
      const value = seedValue(rest, field, n, depth + 1, id)
      return value === absent ? elements : [...elements, value]
    }
    case "Objects": {
      const object: Record<string, unknown> = {}
      for (const property of ast.propertySignatures) {
        const name = String(property.name)
        const optional = SchemaAST.isOptional(property.type)
        if (optional && (name.startsWith("@") || depth >= maxDepth)) continue
        const value = seedValue(property.type, name, n, depth + 1, id)
        if (value === absent) {
          if (optional) continue
          return absent
        }
        object[name] = value
      }
      return object
    }
    case "Suspend":
      return depth >= maxDepth ? absent : seedValue(ast.thunk(), field, n, depth, id)
    default:
      return absent
  }
}

/** A violation, as API Platform lists them in a 422. */
export interface Violation {
  readonly propertyPath: string
  readonly message: string
}

/** `value` decoded with `schema`, or what is wrong with it, field by field. */
export const validate = (
  schema: Schema.Codec<unknown, unknown>,
  value: unknown
): { readonly value: unknown } | { readonly violations: ReadonlyArray<Violation> } => {
  const result = Schema.toStandardSchemaV1(schema)["~standard"].validate(value)
  if (result instanceof Promise) return { violations: [{ propertyPath: "", message: "not checked synchronously" }] }
  if (result.issues === undefined) return { value: result.value }
  return {
    violations: result.issues.map((issue) => ({
      propertyPath: (issue.path ?? [])
        .map((segment) => String(typeof segment === "object" ? segment.key : segment))
        .join("."),
      message: issue.message
    }))
  }
}

/** The IRI of the item `id` of `definition`. */
export const iriOf = (definition: Resource.Definition, id: string): string =>
  definition.item.replace(/\{[^}]*\}/, encodeURIComponent(id))

/**
 * `count` items of `definition`, drawn from `seed`: every field its read
 * Schema declares, with `@id` and `@type` set.
 */
export const seedItems = (
  definition: Resource.Definition,
  count: number,
  seed: string
): ReadonlyArray<Record<string, unknown>> => {
  const next = random(seedOf(`${seed}:${definition.collection}`))
  const id = () => uuidFrom(next)
  return Array.from({ length: count }, (_, index) => {
    const value = seedValue(definition.read.ast, definition.type, index + 1, 0, id)
    const fields = typeof value === "object" && value !== null && !Array.isArray(value) ? value : {}
    const itemId = id()
    return { ...fields, "@id": iriOf(definition, itemId), "@type": definition.type }
  })
}

/**
 * `items` as FakeTeo keeps them, each with its id (the last segment of its
 * `@id`, or a new one when it has none), or why one cannot be served: it is
 * not an object, or its read Schema refuses it.
 */
export const checkItems = (
  definition: Resource.Definition,
  items: ReadonlyArray<unknown>,
  seed: string,
  origin: "given" | "seeded"
): ReadonlyArray<ResourceItem> | string => {
  const next = random(seedOf(`given:${seed}:${definition.collection}`))
  const checked: Array<ResourceItem> = []
  for (const [index, item] of items.entries()) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return `item ${index} is not an object`
    const given = item as Record<string, unknown>
    const iri = given["@id"]
    const id = typeof iri === "string" && iri.startsWith(`${definition.collection}/`) ? iri.split("/").pop() : undefined
    let itemId: string
    try {
      itemId = id === undefined || id === "" ? uuidFrom(next) : decodeURIComponent(id)
    } catch {
      return `item ${index}'s @id ${JSON.stringify(iri)} is not valid percent-encoding`
    }
    if (encodeURIComponent(itemId).length > maxIdLength) return `item ${index}'s id is over ${maxIdLength} characters`
    if (checked.some((other) => other.id === itemId)) return `item ${index}'s id ${JSON.stringify(itemId)} is taken`
    const fields = { ...given, "@id": iriOf(definition, itemId), "@type": given["@type"] ?? definition.type }
    const result = validate(definition.read, fields)
    if ("violations" in result) {
      const described = result.violations.map(
        (v) => `${v.propertyPath === "" ? "" : `${v.propertyPath}: `}${v.message}`
      )
      return origin === "given"
        ? `item ${index} does not decode with its read Schema (${described.join("; ")})`
        : `its read Schema cannot be seeded (${described.join("; ")}): give its items ({ definition, items: [...] })`
    }
    checked.push({ id: itemId, fields })
  }
  return checked
}
