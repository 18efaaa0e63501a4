/**
 * The `Retry-After` header of a 429 or 503 (RFC 9110 §10.2.3): a number of
 * seconds or an HTTP date. Shared by the token request and
 * `@teo-effect/api`'s retries.
 *
 * @since 0.1.0
 */
import { DateTime, Duration, Option } from "effect"

/**
 * The delay a `Retry-After` value asks for, measured from `now`; a date in the
 * past gives zero. Absent or unreadable → none.
 *
 * @example
 * ```ts
 * import { RetryAfter } from "@teo-effect/auth"
 * import { DateTime } from "effect"
 *
 * RetryAfter.parse("120", DateTime.nowUnsafe()) // Option.some(Duration.seconds(120))
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (value: string | undefined, now: DateTime.Utc): Option.Option<Duration.Duration> => {
  if (value === undefined) return Option.none()
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Option.some(Duration.seconds(Number(trimmed)))
  // An HTTP date names its day and month (`Fri, 27 Nov 2026 10:00:30 GMT`); `Date` alone would read "-3" as a year.
  const date = /[a-z]{3}/i.test(trimmed) ? new Date(trimmed) : new Date(Number.NaN)
  if (Number.isNaN(date.getTime())) return Option.none()
  return Option.some(Duration.millis(Math.max(0, date.getTime() - DateTime.toEpochMillis(now))))
}
