/**
 * A JSON Schema of the document as the source of an Effect Schema, in one of
 * three variants:
 * - `read`, what téo answers, read leniently (Postel): only `@id` and `@type`
 *   required on a resource (a document's `required` describes what a write
 *   must send), fields the document does not list kept, `@type` a string or
 *   an array, types checked but not constraints (`minimum`, `pattern`,
 *   `format`: téo checks those on writes), `writeOnly` fields left out;
 * - `write`, what a `POST` or `PUT` sends: `required` as declared, `readOnly`
 *   fields and the JSON-LD keys left out, no other field;
 * - `patch`, what a merge patch sends: the write variant with every field optional.
 *
 * `default` and `example` are documentation and never read.
 *
 * @since 0.4.0
 */
import { GenerateError } from "./GenerateError.js"
import * as Pointer from "./Pointer.js"
import { isObject } from "./Resources.js"

/**
 * @since 0.4.0
 */
export type Mode = "read" | "write" | "patch"

/**
 * What the translation needs of the document, and what it records of it.
 *
 * @since 0.4.0
 */
export interface Translation {
  readonly document: unknown
  readonly source: string
  /** A reference to the named schema's constant in `mode` (resolved once every constant is ordered). */
  readonly reference: (name: string, mode: Mode, at: string) => string
  /** Names imported from `@teo-effect/api` by the generated code. */
  readonly imports: Set<"Iri" | "JsonLdType">
}

const types = new Set(["string", "number", "integer", "boolean", "array", "object", "null"])

/** A JSDoc line from a description: one paragraph, no comment end. */
export const doc = (text: unknown, indent: string): string => {
  if (typeof text !== "string") return ""
  const line = text.replace(/\s+/g, " ").trim().replaceAll("*/", "*\\/")
  return line === "" ? "" : `${indent}/** ${line.length > 400 ? `${line.slice(0, 397)}…` : line} */\n`
}

const literal = (value: unknown): string => JSON.stringify(value)

/**
 * The Schema source of `schema` (at `at` in the document) in `mode`.
 * `resource` says whether it is the item of an operation (then `@id` and
 * `@type` are required on reads).
 *
 * @since 0.4.0
 */
export const expression = (
  schema: unknown,
  at: string,
  mode: Mode,
  translation: Translation,
  resource: boolean,
  indent = ""
): string => {
  const fail = (where: string, problem: string) => new GenerateError({ source: translation.source, at: where, problem })
  // `[]` is how PHP writes an empty schema (`{}`): API Platform documents have it.
  if (
    schema === true ||
    (Array.isArray(schema) && schema.length === 0) ||
    (isObject(schema) && Object.keys(schema).length === 0)
  ) {
    return "Schema.Unknown"
  }
  if (!isObject(schema)) throw fail(at, `expected a schema (an object), got ${JSON.stringify(schema)?.slice(0, 40)}`)

  if (typeof schema.$ref === "string") {
    const ref = schema.$ref
    const prefix = "#/components/schemas/"
    if (!ref.startsWith(prefix)) throw fail(`${at}/$ref`, `expected a $ref to #/components/schemas/…, got ${ref}`)
    if (Pointer.resolve(translation.document, ref) === undefined) {
      throw fail(`${at}/$ref`, `${ref} is not in the document`)
    }
    return translation.reference(Pointer.keyOf(ref.slice(prefix.length)), mode, at)
  }

  const nullable = schema.nullable === true
  const orNull = (code: string) => (nullable ? `Schema.NullOr(${code})` : code)

  if (Object.hasOwn(schema, "const")) return orNull(literals([schema.const]))
  if (Array.isArray(schema.enum)) {
    const values = schema.enum
    if (values.every((value) => value === null || ["string", "number", "boolean"].includes(typeof value))) {
      const present = values.filter((value) => value !== null)
      const code = present.length === 0 ? "Schema.Null" : literals(present)
      return values.includes(null) && present.length > 0 ? `Schema.NullOr(${code})` : orNull(code)
    }
  }

  for (const key of ["oneOf", "anyOf"] as const) {
    const members = schema[key]
    if (members === undefined) continue
    if (!Array.isArray(members) || members.length === 0)
      throw fail(`${at}/${key}`, "expected a non-empty array of schemas")
    let withNull = nullable
    const codes: Array<string> = []
    for (const [index, member] of members.entries()) {
      if (
        isObject(member) &&
        (member.type === "null" || (Array.isArray(member.enum) && member.enum.length === 1 && member.enum[0] === null))
      ) {
        withNull = true
        continue
      }
      const code = expression(member, Pointer.child(Pointer.child(at, key), index), mode, translation, false, indent)
      if (!codes.includes(code)) codes.push(code)
    }
    const union =
      codes.length === 0 ? "Schema.Null" : codes.length === 1 ? (codes[0] ?? "") : `Schema.Union([${codes.join(", ")}])`
    return withNull && codes.length > 0 ? `Schema.NullOr(${union})` : union
  }

  if (schema.allOf !== undefined) {
    if (!Array.isArray(schema.allOf) || schema.allOf.length === 0) {
      throw fail(`${at}/allOf`, "expected a non-empty array of schemas")
    }
    if (schema.allOf.length === 1 && schema.properties === undefined) {
      return orNull(expression(schema.allOf[0], `${at}/allOf/0`, mode, translation, resource, indent))
    }
    const merged = merge(schema, at, translation)
    return orNull(object(merged.properties, merged.required, merged.additional, mode, translation, resource, indent))
  }

  const declared = schema.type
  const list = Array.isArray(declared) ? declared : declared === undefined ? [] : [declared]
  for (const [index, type] of list.entries()) {
    if (typeof type !== "string") {
      throw fail(
        Array.isArray(declared) ? `${at}/type/${index}` : `${at}/type`,
        `a type is a name (${[...types].join(", ")}); got ${JSON.stringify(type)?.slice(0, 40)}`
      )
    }
  }
  const withNull = nullable || list.includes("null")
  // A type name JSON Schema does not have (API Platform writes `unknown_type` for a type it could not infer):
  // an array when it has items, else any value.
  const present = list
    .filter((type) => type !== "null")
    .map((type) => (types.has(type) ? type : schema.items !== undefined ? "array" : "unknown"))
  if (present.includes("unknown")) return withNull ? "Schema.Unknown" : orNull("Schema.Unknown")
  if (present.length === 0 && (isObject(schema.properties) || schema.additionalProperties !== undefined))
    present.push("object")
  if (present.length === 0) return list.includes("null") ? "Schema.Null" : orNull("Schema.Unknown")
  const codes = present.map((type) => typed(type, schema, at, mode, translation, resource, indent))
  const code = codes.length === 1 ? (codes[0] ?? "") : `Schema.Union([${codes.join(", ")}])`
  return withNull ? `Schema.NullOr(${code})` : code
}

const literals = (values: ReadonlyArray<unknown>): string =>
  values.length === 1 ? `Schema.Literal(${literal(values[0])})` : `Schema.Literals([${values.map(literal).join(", ")}])`

const typed = (
  type: string,
  schema: Record<string, unknown>,
  at: string,
  mode: Mode,
  translation: Translation,
  resource: boolean,
  indent: string
): string => {
  switch (type) {
    case "string":
      if (mode === "read" && (schema.format === "iri-reference" || schema.format === "iri")) {
        translation.imports.add("Iri")
        return "Iri"
      }
      return "Schema.String"
    case "integer":
      // Reads check the type, not the constraint (a number is a number); writes send whole numbers.
      return mode === "read" ? "Schema.Number" : "Schema.Int"
    case "number":
      return "Schema.Number"
    case "boolean":
      return "Schema.Boolean"
    case "array": {
      const items = schema.items
      return `Schema.Array(${items === undefined ? "Schema.Unknown" : expression(items, `${at}/items`, mode, translation, false, indent)})`
    }
    default: {
      const properties = isObject(schema.properties) ? schema.properties : {}
      const required = Array.isArray(schema.required) ? schema.required.filter((key) => typeof key === "string") : []
      const additional = schema.additionalProperties
      if (Object.keys(properties).length === 0) {
        const values =
          isObject(additional) && Object.keys(additional).length > 0
            ? expression(additional, `${at}/additionalProperties`, mode, translation, false, indent)
            : "Schema.Unknown"
        return `Schema.Record(Schema.String, ${values})`
      }
      return object(
        Object.entries(properties).map(([key, value]) => ({
          key,
          schema: value,
          at: Pointer.child(`${at}/properties`, key)
        })),
        new Set(required),
        additional,
        mode,
        translation,
        resource,
        indent
      )
    }
  }
}

interface Property {
  readonly key: string
  readonly schema: unknown
  readonly at: string
}

/** The properties of an `allOf`, its members' and their `$ref`s' merged (a later one wins). */
const merge = (schema: Record<string, unknown>, at: string, translation: Translation) => {
  const properties = new Map<string, Property>()
  const required = new Set<string>()
  let additional: unknown
  const visit = (part: unknown, where: string, seen: ReadonlySet<string>) => {
    let node = part
    let nodeAt = where
    if (isObject(node) && typeof node.$ref === "string") {
      const ref = node.$ref
      if (seen.has(ref)) return
      seen = new Set([...seen, ref])
      node = Pointer.resolve(translation.document, ref)
      if (node === undefined) {
        throw new GenerateError({
          source: translation.source,
          at: `${where}/$ref`,
          problem: `${ref} is not in the document`
        })
      }
      nodeAt = ref
    }
    if (!isObject(node)) {
      throw new GenerateError({
        source: translation.source,
        at: nodeAt,
        problem: "expected a schema (an object) in allOf"
      })
    }
    if (Array.isArray(node.allOf)) {
      for (const [index, member] of node.allOf.entries()) visit(member, `${nodeAt}/allOf/${index}`, seen)
    }
    if (isObject(node.properties)) {
      for (const [key, value] of Object.entries(node.properties)) {
        properties.set(key, { key, schema: value, at: Pointer.child(`${nodeAt}/properties`, key) })
      }
    }
    if (Array.isArray(node.required)) for (const key of node.required) if (typeof key === "string") required.add(key)
    if (node.additionalProperties !== undefined) additional = node.additionalProperties
  }
  for (const [index, member] of (Array.isArray(schema.allOf) ? schema.allOf : []).entries()) {
    visit(member, `${at}/allOf/${index}`, new Set())
  }
  visit({ ...schema, allOf: undefined }, at, new Set())
  return { properties: [...properties.values()], required, additional }
}

const jsonLdKeys = new Set(["@context", "@id", "@type"])

/** A Struct of `properties`, as `mode` reads or writes them. */
const object = (
  properties: ReadonlyArray<Property>,
  required: ReadonlySet<string>,
  additional: unknown,
  mode: Mode,
  translation: Translation,
  resource: boolean,
  indent: string
): string => {
  const inner = `${indent}  `
  const fields: Array<string> = []
  for (const { key, schema, at } of properties) {
    if (key in Object.prototype) {
      // `__proto__` would set the prototype, and Effect's Struct finds `constructor` on every object: refused, named.
      throw new GenerateError({
        source: translation.source,
        at,
        problem: `a property named ${JSON.stringify(key)} (a name every JavaScript object has) cannot be read safely`
      })
    }
    const flags = isObject(schema) ? schema : {}
    if (mode === "read" ? flags.writeOnly === true : flags.readOnly === true || jsonLdKeys.has(key)) continue
    let code: string
    let needed: boolean
    if (mode === "read" && key === "@id") {
      translation.imports.add("Iri")
      code = "Iri"
      needed = resource
    } else if (mode === "read" && key === "@type") {
      translation.imports.add("JsonLdType")
      code = "JsonLdType"
      needed = resource
    } else if (mode === "read" && key === "@context") {
      code = "Schema.Unknown"
      needed = false
    } else {
      code = expression(schema, at, mode, translation, false, inner)
      needed = mode === "write" && required.has(key)
    }
    fields.push(
      `${doc(flags.description, inner)}${inner}${literal(key)}: ${needed ? code : `Schema.optionalKey(${code})`}`
    )
  }
  const struct = fields.length === 0 ? "Schema.Struct({})" : `Schema.Struct({\n${fields.join(",\n")}\n${indent}})`
  if (mode !== "read") return struct
  // Reads keep the fields the document does not list (`additionalProperties: false` aside).
  if (additional === false) return struct
  return `Schema.StructWithRest(${struct}, [Schema.Record(Schema.String, Schema.Unknown)])`
}
