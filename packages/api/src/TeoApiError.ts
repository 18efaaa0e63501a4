/**
 * The typed failure of a call to the téo API, in the style of `AiError`: one
 * error, `TeoApiError`, naming the call (`method`, `path`), with a `reason`
 * that says what happened — one class per kind of answer. Each reason says
 * whether trying again may help (`isRetryable`), how long téo asked to wait
 * (`retryAfter`, on a 429 or a 503) and whether téo may have acted on the
 * request (`mayHaveActed`, so that a call that may not be repeated is not
 * replayed). The retry policy reads those and nothing else.
 *
 * When téo answered, a reason carries its `status`, the Hydra or RFC 7807
 * `title` and `description` (with any echoed token masked), and the request
 * id header when téo sends one. None carries the token or a response body.
 *
 * Handle a reason with `Effect.catchReason("TeoApiError", "NotFound", …)`, or
 * several with `Effect.catchReasons("TeoApiError", { … })`.
 *
 * Authentication failures (`InvalidClient`, `InvalidScope`, `ExpiredToken`,
 * `TokenRequestFailed` from `@teo-effect/auth`) pass through unchanged.
 *
 * @since 0.1.0
 */
import { type Duration, Schema } from "effect"

/**
 * One field-level complaint of a 422, as API Platform sends it.
 *
 * @since 0.1.0
 * @category models
 */
export class Violation extends Schema.Class<Violation>("@teo-effect/api/Violation")({
  propertyPath: Schema.String,
  message: Schema.String,
  code: Schema.optional(Schema.String)
}) {}

const answer = {
  status: Schema.Number,
  title: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  requestId: Schema.optional(Schema.String)
}

const waitable = {
  ...answer,
  retryAfter: Schema.optional(Schema.Duration)
}

/** ` (HTTP 404): title: description [request id]` — what téo said, after the reason's words. */
const describeAnswer = (reason: {
  readonly status: number
  readonly title?: string | undefined
  readonly description?: string | undefined
  readonly requestId?: string | undefined
}): string => {
  const detail = [reason.title, reason.description].filter((part) => part !== undefined && part !== "").join(": ")
  return ` (HTTP ${reason.status})${detail === "" ? "" : `: ${detail}`}${requestIdOf(reason)}`
}

const requestIdOf = (reason: { readonly requestId?: string | undefined }): string =>
  reason.requestId === undefined ? "" : ` [request ${reason.requestId}]`

/**
 * téo refused the request as malformed (400, or another 4xx without a type of
 * its own: 405, 409, 410…).
 *
 * @since 0.1.0
 * @category reasons
 */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", answer) {
  override get message(): string {
    return `téo refused the request${describeAnswer(this)}`
  }

  /**
   * Never: the same request would be refused again.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }

  /**
   * None.
   *
   * @since 0.3.0
   */
  get retryAfter(): Duration.Duration | undefined {
    return undefined
  }

  /**
   * No: téo refused the request.
   *
   * @since 0.3.0
   */
  get mayHaveActed(): boolean {
    return false
  }
}

/**
 * téo refused the data (422, or a check made before sending): `violations`
 * lists each field and téo's message, in French as téo writes them.
 *
 * @since 0.1.0
 * @category reasons
 */
export class ValidationFailed extends Schema.TaggedError<ValidationFailed>()("ValidationFailed", {
  status: Schema.optional(Schema.Number),
  title: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  requestId: Schema.optional(Schema.String),
  violations: Schema.Array(Violation)
}) {
  override get message(): string {
    const fields = this.violations.map((violation) => `${violation.propertyPath}: ${violation.message}`).join("; ")
    const where = this.status === undefined ? "checked before sending" : `HTTP ${this.status}`
    return `invalid data (${where}): ${fields === "" ? (this.description ?? "") : fields}`
  }

  /**
   * Never.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }

  /**
   * None.
   *
   * @since 0.3.0
   */
  get retryAfter(): Duration.Duration | undefined {
    return undefined
  }

  /**
   * No: téo refused the data, or nothing was sent.
   *
   * @since 0.3.0
   */
  get mayHaveActed(): boolean {
    return false
  }
}

/**
 * téo refused the token (401) even after a fresh one was fetched: revoked,
 * from another environment, or not valid for this resource.
 *
 * @since 0.1.0
 * @category reasons
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", answer) {
  override get message(): string {
    return `téo refused the token${describeAnswer(this)}`
  }

  /**
   * Never.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }

  /**
   * None.
   *
   * @since 0.3.0
   */
  get retryAfter(): Duration.Duration | undefined {
    return undefined
  }

  /**
   * No: téo refused the token.
   *
   * @since 0.3.0
   */
  get mayHaveActed(): boolean {
    return false
  }
}

/**
 * The token is valid but does not open this resource (403).
 *
 * @since 0.1.0
 * @category reasons
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", answer) {
  override get message(): string {
    return `téo forbids this${describeAnswer(this)} — check that TEO_ID is the instance holding this resource`
  }

  /**
   * Never.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }

  /**
   * None.
   *
   * @since 0.3.0
   */
  get retryAfter(): Duration.Duration | undefined {
    return undefined
  }

  /**
   * No: téo refused the request.
   *
   * @since 0.3.0
   */
  get mayHaveActed(): boolean {
    return false
  }
}

/**
 * No such resource (404).
 *
 * @since 0.1.0
 * @category reasons
 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", answer) {
  override get message(): string {
    return `not found${describeAnswer(this)}`
  }

  /**
   * Never.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }

  /**
   * None.
   *
   * @since 0.3.0
   */
  get retryAfter(): Duration.Duration | undefined {
    return undefined
  }

  /**
   * No: there was nothing to act on.
   *
   * @since 0.3.0
   */
  get mayHaveActed(): boolean {
    return false
  }
}

/**
 * Too many requests (429), still so after the retries; `retryAfter` is téo's
 * `Retry-After` when it sent one.
 *
 * @since 0.1.0
 * @category reasons
 */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", waitable) {
  override get message(): string {
    return `téo is rate limiting${describeAnswer(this)}`
  }

  /**
   * Always: later, after `retryAfter` when téo sent one.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return true
  }

  /**
   * No: téo did not process the request, so any call may be tried again.
   *
   * @since 0.3.0
   */
  get mayHaveActed(): boolean {
    return false
  }
}

/**
 * téo failed (5xx), still so after the retries; `retryAfter` is téo's
 * `Retry-After` when it sent one (503).
 *
 * @since 0.1.0
 * @category reasons
 */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", waitable) {
  override get message(): string {
    return `téo failed${describeAnswer(this)}`
  }

  /**
   * Yes, for a request that may be repeated (`mayHaveActed`: the retry policy
   * only repeats writes that opted in).
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return true
  }

  /**
   * Yes: téo may have applied a write before it failed.
   *
   * @since 0.3.0
   */
  get mayHaveActed(): boolean {
    return true
  }
}

/**
 * No complete answer: the connection failed, before the answer or while its
 * body was read (`Transport`), the answer did not arrive within the request
 * timeout (`Timeout`), or the call's overall deadline passed, retries
 * included (`Deadline`).
 *
 * @since 0.1.0
 * @category reasons
 */
export class RequestFailed extends Schema.TaggedError<RequestFailed>()("RequestFailed", {
  kind: Schema.Literals(["Transport", "Timeout", "Deadline"]),
  detail: Schema.String,
  status: Schema.optional(Schema.Number)
}) {
  override get message(): string {
    const status = this.status === undefined ? "" : `, HTTP ${this.status}`
    return `no complete answer from téo (${this.kind}${status}): ${this.detail}`
  }

  /**
   * Yes, but for a passed deadline; the retry policy only repeats requests
   * that may be repeated (`mayHaveActed`).
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return this.kind !== "Deadline"
  }

  /**
   * None.
   *
   * @since 0.3.0
   */
  get retryAfter(): Duration.Duration | undefined {
    return undefined
  }

  /**
   * Yes: the request may have reached téo before its answer was lost.
   *
   * @since 0.3.0
   */
  get mayHaveActed(): boolean {
    return true
  }
}

/**
 * téo answered, but not as expected: a body that does not match the Schema
 * (`issuePath` says where, e.g. `hydra:member[3].email`), a success that is
 * not JSON, is larger than the limit, or has no body where the Schema expects
 * one (a 204, an empty body), a redirect (not followed; `detail`
 * names where it points), a pagination link that loops or leaves the API —
 * or the call was refused before sending (a target outside the API, status 0).
 *
 * @since 0.1.0
 * @category reasons
 */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>()("UnexpectedResponse", {
  status: Schema.Number,
  issuePath: Schema.optional(Schema.String),
  detail: Schema.String,
  requestId: Schema.optional(Schema.String)
}) {
  override get message(): string {
    // Status 0: nothing was sent; there is no answer to speak of.
    if (this.status === 0) return `refused before any request: ${this.detail}`
    const where = this.issuePath === undefined ? "" : ` at ${this.issuePath}`
    return `unexpected answer (HTTP ${this.status})${where}: ${this.detail}${requestIdOf(this)}`
  }

  /**
   * Never: the same answer would come again.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }

  /**
   * None.
   *
   * @since 0.3.0
   */
  get retryAfter(): Duration.Duration | undefined {
    return undefined
  }

  /**
   * Yes when téo answered (a write may have been applied before its answer
   * was found wrong); no when the call was refused before sending (status 0).
   *
   * @since 0.3.0
   */
  get mayHaveActed(): boolean {
    return this.status !== 0
  }
}

/**
 * Every reason a call to the téo API can fail with, besides authentication:
 * one class each.
 *
 * @since 0.3.0
 * @category reasons
 */
export const TeoApiErrorReason: Schema.Union<
  [
    typeof BadRequest,
    typeof ValidationFailed,
    typeof Unauthorized,
    typeof Forbidden,
    typeof NotFound,
    typeof RateLimited,
    typeof ServerError,
    typeof RequestFailed,
    typeof UnexpectedResponse
  ]
> = Schema.Union([
  BadRequest,
  ValidationFailed,
  Unauthorized,
  Forbidden,
  NotFound,
  RateLimited,
  ServerError,
  RequestFailed,
  UnexpectedResponse
])

/**
 * One of the reasons `TeoApiErrorReason` lists.
 *
 * @since 0.3.0
 * @category reasons
 */
export type TeoApiErrorReason = typeof TeoApiErrorReason.Type

/**
 * A call to the téo API failed: `method` and `path` (from the base URL, with
 * the query) name the call, `reason` says why. `isRetryable`, `retryAfter`
 * and `mayHaveActed` are the reason's.
 *
 * @example
 * ```ts
 * import { Dossiers, type DossierId } from "@teo-effect/api"
 * import { Effect, Option } from "effect"
 *
 * declare const id: DossierId
 *
 * const program = Effect.gen(function* () {
 *   const dossiers = yield* Dossiers
 *   // A dossier téo does not have is `None`; every other failure stays a `TeoApiError`.
 *   return yield* dossiers.get(id).pipe(
 *     Effect.map(Option.some),
 *     Effect.catchReason("TeoApiError", "NotFound", () => Effect.succeedNone)
 *   )
 * })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class TeoApiError extends Schema.TaggedError<TeoApiError>()("TeoApiError", {
  method: Schema.String,
  path: Schema.String,
  reason: TeoApiErrorReason
}) {
  override get message(): string {
    return `${this.method} ${this.path}: ${this.reason.message}`
  }

  /**
   * Whether trying again may help: the reason's.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return this.reason.isRetryable
  }

  /**
   * How long téo asked to wait (429, 503): the reason's.
   *
   * @since 0.3.0
   */
  get retryAfter(): Duration.Duration | undefined {
    return this.reason.retryAfter
  }

  /**
   * Whether téo may have acted on the request (a 5xx, no complete answer):
   * the reason's. A call that may not be repeated is not tried again then.
   *
   * @since 0.3.0
   */
  get mayHaveActed(): boolean {
    return this.reason.mayHaveActed
  }
}

/**
 * Whether `u` is a `TeoApiError`.
 *
 * @since 0.3.0
 * @category guards
 */
export const isTeoApiError: (u: unknown) => u is TeoApiError = (u) => u instanceof TeoApiError
