/**
 * The error bodies of téo's API: Hydra (`hydra:title`, `hydra:description`),
 * RFC 7807 (`title`, `detail`) as newer API Platform versions send them, and
 * the `message` of a JWT failure — plus the `violations` of a 422.
 *
 * @since 0.1.0
 */
import { Option, Schema, SchemaTransformation } from "effect"
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
      decode: (wire) => {
        const title = wire["hydra:title"] ?? wire.title
        const description = wire["hydra:description"] ?? wire.detail ?? wire.description ?? wire.message
        return {
          ...(title === undefined ? {} : { title }),
          ...(description === undefined ? {} : { description }),
          violations: wire.violations ?? []
        }
      },
      encode: (error) => ({
        ...(error.title === undefined ? {} : { "hydra:title": error.title }),
        ...(error.description === undefined ? {} : { "hydra:description": error.description }),
        ...(error.violations.length === 0 ? {} : { violations: error.violations })
      })
    })
  )
)

/**
 * @since 0.1.0
 * @category models
 */
export type HydraError = typeof HydraError.Type

const decode = Schema.decodeUnknownOption(Schema.fromJsonString(HydraError))

/**
 * Reads an error body leniently: anything that is not a readable error body
 * gives an empty one, so the error still gets the type of its status.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeHydraError = (body: string): HydraError =>
  Option.getOrElse(decode(body), (): HydraError => ({ violations: [] }))
