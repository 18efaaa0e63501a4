/**
 * A duration option, as the layers of teo-effect take them: any
 * `Duration.Input` (`"30 seconds"`, a number of milliseconds, a `Duration`),
 * decoded to a positive (or, for a tolerance, non-negative) finite
 * `Duration`, or a Schema issue that says what was expected.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Option, Schema, SchemaIssue, SchemaTransformation } from "effect"

/** Any `Duration.Input`, decoded; the checks below say which are accepted. */
const AnyDuration = Schema.Unknown.pipe(
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
)

/**
 * A duration that must be positive and finite (a timeout, a delay).
 *
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
export const Positive = AnyDuration.check(
  Schema.makeFilter(
    (duration: Duration.Duration) =>
      (Duration.isPositive(duration) && Duration.isFinite(duration)) || "must be a positive, finite duration"
  )
)

/**
 * A duration that may be zero (a tolerance): finite, not negative.
 *
 * @since 0.2.0
 * @category schemas
 */
export const NonNegative = AnyDuration.check(
  Schema.makeFilter(
    (duration: Duration.Duration) =>
      (!Duration.isNegative(duration) && Duration.isFinite(duration)) || "must be a finite duration, zero or more"
  )
)
