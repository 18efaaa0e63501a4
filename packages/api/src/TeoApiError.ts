/**
 * The typed failures of a call to the téo API, one per kind of answer, in one
 * shape: every one names the call (`method`, `path`), says whether trying
 * again may help (`isRetryable`) and, when téo answered, carries its
 * `status`, the Hydra or RFC 7807 `title` and `description` (with any echoed
 * token masked), the request id header when téo sends one, and `retryAfter`
 * when téo asked to wait (429, 503). None carries the token or a response
 * body.
 *
 * Authentication failures (`InvalidClient`, `InvalidScope`, `ExpiredToken`,
 * `TokenRequestFailed` from `@teo-effect/auth`) pass through unchanged.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

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

const call = {
  method: Schema.String,
  path: Schema.String
}

const answer = {
  ...call,
  status: Schema.Number,
  title: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  requestId: Schema.optional(Schema.String)
}

const waitable = {
  ...answer,
  retryAfter: Schema.optional(Schema.Duration)
}

const describeAnswer = (error: {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly title?: string | undefined
  readonly description?: string | undefined
  readonly requestId?: string | undefined
}): string => {
  const detail = [error.title, error.description].filter((part) => part !== undefined && part !== "").join(": ")
  const requestId = error.requestId === undefined ? "" : ` [request ${error.requestId}]`
  return `${error.method} ${error.path} → ${error.status}${detail === "" ? "" : ` ${detail}`}${requestId}`
}

/**
 * téo refused the request as malformed (400, or another 4xx without a type of
 * its own: 405, 409, 410…).
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", answer) {
  override get message(): string {
    return `téo refused the request: ${describeAnswer(this)}`
  }

  /**
   * Never: the same request would be refused again.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * téo refused the data (422, or a check made before sending): `violations`
 * lists each field and téo's message, in French as téo writes them.
 *
 * @since 0.1.0
 * @category errors
 */
export class ValidationFailed extends Schema.TaggedError<ValidationFailed>()("ValidationFailed", {
  ...call,
  status: Schema.optional(Schema.Number),
  title: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  requestId: Schema.optional(Schema.String),
  violations: Schema.Array(Violation)
}) {
  override get message(): string {
    const fields = this.violations.map((violation) => `${violation.propertyPath}: ${violation.message}`).join("; ")
    const where = this.status === undefined ? "checked before sending" : `HTTP ${this.status}`
    return `invalid data for ${this.method} ${this.path} (${where}): ${fields === "" ? (this.description ?? "") : fields}`
  }

  /**
   * Never.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * téo refused the token (401) even after a fresh one was fetched: revoked,
 * from another environment, or not valid for this resource.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", answer) {
  override get message(): string {
    return `téo refused the token: ${describeAnswer(this)}`
  }

  /**
   * Never.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * The token is valid but does not open this resource (403).
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", answer) {
  override get message(): string {
    return `téo forbids this: ${describeAnswer(this)} — check that TEO_ID is the instance holding this resource`
  }

  /**
   * Never.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * No such resource (404).
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", answer) {
  override get message(): string {
    return `not found: ${describeAnswer(this)}`
  }

  /**
   * Never.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * Too many requests (429), still so after the retries; `retryAfter` is téo's
 * `Retry-After` when it sent one.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", waitable) {
  override get message(): string {
    return `téo is rate limiting: ${describeAnswer(this)}`
  }

  /**
   * Always: later, after `retryAfter` when téo sent one.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return true
  }
}

/**
 * téo failed (5xx), still so after the retries; `retryAfter` is téo's
 * `Retry-After` when it sent one (503).
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", waitable) {
  override get message(): string {
    return `téo failed: ${describeAnswer(this)}`
  }

  /**
   * Yes, for a request that may be repeated (the retry policy only repeats
   * writes that opted in).
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
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
 * @category errors
 */
export class RequestFailed extends Schema.TaggedError<RequestFailed>()("RequestFailed", {
  ...call,
  reason: Schema.Literals(["Transport", "Timeout", "Deadline"]),
  detail: Schema.String,
  status: Schema.optional(Schema.Number)
}) {
  override get message(): string {
    const status = this.status === undefined ? "" : `, HTTP ${this.status}`
    return `no complete answer from téo for ${this.method} ${this.path} (${this.reason}${status}): ${this.detail}`
  }

  /**
   * Yes, but for a passed deadline; the retry policy only repeats requests
   * that may be repeated.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return this.reason !== "Deadline"
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
 * @category errors
 */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>()("UnexpectedResponse", {
  ...call,
  status: Schema.Number,
  issuePath: Schema.optional(Schema.String),
  detail: Schema.String,
  requestId: Schema.optional(Schema.String)
}) {
  override get message(): string {
    const where = this.issuePath === undefined ? "" : ` at ${this.issuePath}`
    const requestId = this.requestId === undefined ? "" : ` [request ${this.requestId}]`
    return `unexpected answer to ${this.method} ${this.path} (HTTP ${this.status})${where}: ${this.detail}${requestId}`
  }

  /**
   * Never: the same answer would come again.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * Every way a call to the téo API can fail, besides authentication.
 *
 * @since 0.1.0
 * @category errors
 */
export type TeoApiError =
  | BadRequest
  | ValidationFailed
  | Unauthorized
  | Forbidden
  | NotFound
  | RateLimited
  | ServerError
  | RequestFailed
  | UnexpectedResponse
