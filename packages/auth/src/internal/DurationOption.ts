/**
 * A duration option, as the layers of teo-effect take them: any
 * `Duration.Input` (`"30 seconds"`, a number of milliseconds, a `Duration`),
 * decoded to a positive, finite `Duration`, or a Schema issue that says what
 * was expected.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Option, Schema, SchemaIssue, SchemaTransformation } from "effect"

/**
 * @example
 * ```ts
 * import { DurationOption } from "@teo-effect/auth/internal"
 * import { Schema } from "effect"
 *
 * const Options = Schema.Struct({ timeout: DurationOption.Positive })
 * Schema.decodeUnknownSync(Options)({ timeout: "10 seconds" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Positive = Schema.Unknown.pipe(
  Schema.decodeTo(
    Schema.Duration,
    SchemaTransformation.transformEffect({
      decode: (input, options) =>
        Option.match(Duration.fromInput(input as Duration.Input), {
          onNone: () =>
            Effect.fail(
              new SchemaIssue.InvalidValue(
                { message: `expected a duration such as "30 seconds" or a number of milliseconds` },
                input,
                options
              )
            ),
          onSome: Effect.succeed
        }),
      encode: (duration) => Effect.succeed(duration)
    })
  )
).check(
  Schema.makeFilter(
    (duration: Duration.Duration) =>
      (Duration.isPositive(duration) && Duration.isFinite(duration)) || "must be a positive, finite duration"
  )
)
