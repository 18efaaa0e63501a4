/**
 * FakeTeo's answers before they become HTTP responses: a status, headers and
 * a JSON body (or a raw text), or a reset connection. téo's two error shapes
 * are here: API Platform's Hydra errors and RFC 6749's token errors.
 *
 * @internal
 */

export type Answer =
  | {
      readonly status: number
      readonly headers?: Readonly<Record<string, string>>
      readonly body?: unknown
      /** Sent as it is instead of `body` (a cut JSON body). */
      readonly raw?: string
      /** Query parameters FakeTeo does not know and ignored: logged with the request. */
      readonly ignored?: ReadonlyArray<string>
    }
  | { readonly reset: true }

export const ldJson = "application/ld+json; charset=utf-8"

export const json = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Answer => ({
  status,
  headers: { "content-type": ldJson, ...headers },
  body
})

/** API Platform's error body (docs/teo-api.md §4). */
export const hydraError = (status: number, description: string, extra: Record<string, unknown> = {}): Answer =>
  json(status, {
    "@context": "/api/contexts/Error",
    "@type": "hydra:Error",
    "hydra:title": "An error occurred",
    "hydra:description": description,
    ...extra
  })

/** A token endpoint error (RFC 6749 §5.2, as FusionAuth answers: docs/teo-api.md §2). */
export const oauthError = (status: number, error: string, description: string): Answer => ({
  status,
  headers: {
    "content-type": "application/json",
    ...(status === 401 ? { "www-authenticate": 'Basic realm="téo"' } : {})
  },
  body: { error, error_description: description }
})

export const methodNotAllowed = (method: string, path: string): Answer =>
  hydraError(405, `No route found for "${method} ${path}": Method Not Allowed`)

export const rateLimited = (seconds: number): Answer => ({
  ...hydraError(429, "Too Many Requests"),
  headers: { "content-type": ldJson, "retry-after": String(seconds) }
})

/** API Platform's 422: the violations, and their summary as the description. */
export const unprocessable = (
  violations: ReadonlyArray<{ readonly propertyPath: string; readonly message: string }>
): Answer =>
  json(422, {
    "@context": "/api/contexts/ConstraintViolationList",
    "@type": "ConstraintViolationList",
    "hydra:title": "An error occurred",
    "hydra:description": violations.map((violation) => `${violation.propertyPath}: ${violation.message}`).join("\n"),
    violations
  })
