/**
 * The error bodies of téo's API: Hydra (`hydra:title`, `hydra:description`),
 * RFC 7807 (`title`, `detail`) as newer API Platform versions send them, and
 * the `message` of a JWT failure — plus the `violations` of a 422.
 *
 * @since 0.1.0
 */
import { Option, Predicate, Schema, SchemaTransformation } from "effect"
import { Violation } from "./TeoApiError.js"

const Wire = Schema.Struct({
  "hydra:title": Schema.optionalKey(Schema.String),
  title: Schema.optionalKey(Schema.String),
  "hydra:description": Schema.optionalKey(Schema.String),
  detail: Schema.optionalKey(Schema.String),
  description: Schema.optionalKey(Schema.String),
  message: Schema.optionalKey(Schema.String),
  violations: Schema.optionalKey(Schema.Array(Violation))
})

/**
 * The one rule of both decoders: which key holds the title and the
 * description, whichever style téo used; each field read on its own, so that
 * a `null` or a number in one of them loses that field only.
 */
const fromWire = (
  wire: Readonly<Record<string, unknown>>
): { readonly title?: string; readonly description?: string; readonly violations: ReadonlyArray<Violation> } => {
  const text = (key: string) => {
    const value = wire[key]
    return Predicate.isString(value) ? value : undefined
  }
  const title = text("hydra:title") ?? text("title")
  const description = text("hydra:description") ?? text("detail") ?? text("description") ?? text("message")
  const violations = Array.isArray(wire.violations)
    ? wire.violations.flatMap((violation: unknown) =>
        Predicate.isObject(violation) &&
        Predicate.isString(violation.propertyPath) &&
        Predicate.isString(violation.message)
          ? [
              new Violation({
                propertyPath: violation.propertyPath,
                message: violation.message,
                ...(Predicate.isString(violation.code) ? { code: violation.code } : {})
              })
            ]
          : []
      )
    : []
  return {
    ...(title === undefined ? {} : { title }),
    ...(description === undefined ? {} : { description }),
    violations
  }
}

/**
 * An error body, whichever style téo used, as one shape.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HydraError = Wire.pipe(
  Schema.decodeTo(
    Schema.toType(
      Schema.Struct({
        title: Schema.optionalKey(Schema.String),
        description: Schema.optionalKey(Schema.String),
        violations: Schema.Array(Violation)
      })
    ),
    SchemaTransformation.transform({
      decode: (wire) => fromWire(wire),
      encode: (error) => ({
        ...(error.title === undefined ? {} : { "hydra:title": error.title }),
        ...(error.description === undefined ? {} : { "hydra:description": error.description }),
        ...(error.violations.length === 0 ? {} : { violations: error.violations })
      })
    })
  )
)

/**
 * An error body, as `HydraError` decodes it: `title`, `description`, `violations`.
 *
 * @since 0.1.0
 * @category models
 */
export type HydraError = typeof HydraError.Type

/**
 * Reads an error body leniently, field by field: what is readable is kept (a
 * `"hydra:title": null` does not lose the description), the rest is left
 * out, and a body that is not JSON gives an empty one — the error still gets
 * the type of its status.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeHydraError = (body: string): HydraError =>
  Option.match(decodeJsonObject(body), { onNone: () => ({ violations: [] }), onSome: fromWire })

/** A JSON object, or nothing (not JSON, or an array, a string… at the top). */
const decodeJsonObject = Schema.decodeUnknownOption(Schema.fromJsonString(Schema.Record(Schema.String, Schema.Unknown)))
