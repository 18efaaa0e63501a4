/**
 * Every answer that is not a success becomes a typed error naming the call,
 * with what téo said; decoding failures name the failing path.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  BadRequest,
  Dossier,
  Forbidden,
  NotFound,
  RateLimited,
  ServerError,
  TeoApiError,
  UnexpectedResponse,
  ValidationFailed
} from "@teo-effect/api"
import type { AuthError } from "@teo-effect/auth"
import type { Reply } from "@teo-effect/test-support"
import { Duration, Effect } from "effect"
import { dossier, ldJson, makeApiHarness, reasonOf, uuid } from "./utils/harness.js"

const hydraError = (status: number, description: string, extra: Record<string, unknown> = {}) =>
  ldJson(status, {
    "@context": "/api/contexts/Error",
    "@type": "hydra:Error",
    "hydra:title": "An error occurred",
    "hydra:description": description,
    ...extra
  })

/** The error of one GET (no retries) against an API that always answers `reply`. */
const errorOf = (reply: Reply) =>
  Effect.gen(function* () {
    const harness = yield* makeApiHarness({ retry: false })
    harness.api = () => reply
    return yield* Effect.flip(harness.teoApi.get(`/production/dossiers/${uuid(7)}`, Dossier))
  })

describe("status → typed error", () => {
  const cases: ReadonlyArray<[string, Reply, (error: TeoApiError | AuthError) => void]> = [
    [
      "400 → BadRequest",
      hydraError(400, "Invalid IRI"),
      (error) => {
        const reason = reasonOf(error, BadRequest)
        assert.strictEqual(reason.status, 400)
        assert.strictEqual(reason.title, "An error occurred")
        assert.strictEqual(reason.description, "Invalid IRI")
      }
    ],
    ["403 → Forbidden", hydraError(403, "Access Denied."), (error) => reasonOf(error, Forbidden)],
    [
      "404 → NotFound, with method and path",
      hydraError(404, "Not Found"),
      (error) => {
        const reason = reasonOf(error, NotFound)
        assert.instanceOf(error, TeoApiError)
        assert.strictEqual(error.method, "GET")
        assert.strictEqual(error.path, `/production/dossiers/${uuid(7)}`)
        assert.strictEqual(
          error.message,
          `GET /production/dossiers/${uuid(7)}: not found (HTTP 404): An error occurred: Not Found`
        )
        assert.strictEqual(reason.message, "not found (HTTP 404): An error occurred: Not Found")
        assert.isFalse(error.isRetryable)
        assert.isFalse(error.mayHaveActed)
      }
    ],
    [
      "409 → BadRequest with its status",
      hydraError(409, "Conflict"),
      (error) => assert.strictEqual(reasonOf(error, BadRequest).status, 409)
    ],
    [
      "422 → ValidationFailed with the violations",
      hydraError(422, "email: Cette valeur n'est pas une adresse email valide.", {
        violations: [{ propertyPath: "email", message: "Cette valeur n'est pas une adresse email valide." }]
      }),
      (error) => {
        const reason = reasonOf(error, ValidationFailed)
        assert.strictEqual(reason.violations[0]?.propertyPath, "email")
        assert.strictEqual(reason.violations[0]?.message, "Cette valeur n'est pas une adresse email valide.")
        assert.include(error.message, "email: Cette valeur n'est pas une adresse email valide.")
      }
    ],
    [
      "429 → RateLimited with retryAfter",
      ldJson(429, { title: "Too Many Requests" }, { "retry-after": "120" }),
      (error) => {
        const reason = reasonOf(error, RateLimited)
        assert.deepStrictEqual(reason.retryAfter, Duration.seconds(120))
        assert.deepStrictEqual(error.retryAfter, Duration.seconds(120))
        assert.isTrue(error.isRetryable)
        assert.isFalse(reason.mayHaveActed)
      }
    ],
    [
      "500 → ServerError",
      hydraError(500, "Internal Server Error"),
      (error) => {
        const reason = reasonOf(error, ServerError)
        assert.strictEqual(reason.status, 500)
        assert.isUndefined(reason.retryAfter)
        assert.isTrue(reason.isRetryable)
        assert.isTrue(reason.mayHaveActed)
      }
    ],
    [
      "RFC 7807 title and detail are read too",
      ldJson(404, { type: "/errors/404", title: "Not Found", detail: "Dossier introuvable", status: 404 }),
      (error) => {
        const reason = reasonOf(error, NotFound)
        assert.strictEqual(reason.title, "Not Found")
        assert.strictEqual(reason.description, "Dossier introuvable")
      }
    ],
    [
      "an unparseable body still gives the type of its status",
      { status: 503, text: "<html><body>Bad gateway</body></html>", headers: { "content-type": "text/html" } },
      (error) => {
        const reason = reasonOf(error, ServerError)
        assert.strictEqual(reason.status, 503)
        assert.isUndefined(reason.description)
      }
    ],
    [
      "the request id header is kept",
      { ...hydraError(500, "boom"), headers: { "x-request-id": "req-42" } } as Reply,
      (error) => {
        assert.strictEqual(reasonOf(error, ServerError).requestId, "req-42")
        assert.include(error.message, "req-42")
      }
    ],
    [
      "a request id header of 10,000 characters is cut at 128",
      { ...hydraError(500, "boom"), headers: { "x-request-id": "r".repeat(10_000) } } as Reply,
      (error) => {
        assert.strictEqual(reasonOf(error, ServerError).requestId, `${"r".repeat(128)}…`)
        assert.isBelow(error.message.length, 400)
      }
    ]
  ]
  it.effect.each(cases)("%s", ([, reply, check]) => Effect.map(errorOf(reply), check))
})

describe("decoding failures", () => {
  it.effect("name the failing path as téo sent it, never the whole body", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness()
      const members = [dossier(1), dossier(2), dossier(3), dossier(4, { email: 42, secretNote: "do-not-echo" })]
      harness.api = () => ldJson(200, { "hydra:member": members, "hydra:totalItems": 4 })
      const error = yield* Effect.flip(harness.dossiers.page())
      assert.strictEqual(reasonOf(error, UnexpectedResponse).issuePath, "hydra:member[3].email")
      assert.include(error.message, "hydra:member[3].email")
      assert.notInclude(error.message, "do-not-echo")
      assert.notInclude(error.message, "Martin")
    })
  )

  it.effect("a success that is not JSON is an UnexpectedResponse", () =>
    Effect.gen(function* () {
      const error = yield* errorOf({ status: 200, text: "<html>maintenance</html>" })
      const reason = reasonOf(error, UnexpectedResponse)
      assert.strictEqual(reason.status, 200)
      assert.isTrue(reason.mayHaveActed)
      assert.include(error.message, "not JSON")
    })
  )

  it.effect("a dossier without @id is an UnexpectedResponse at @id", () =>
    Effect.gen(function* () {
      const { "@id": _, ...withoutId } = dossier(1)
      const error = yield* errorOf(ldJson(200, withoutId))
      assert.strictEqual(reasonOf(error, UnexpectedResponse).issuePath, "@id")
    })
  )
})

describe("handling by reason", () => {
  it.effect("Effect.catchReason handles one reason; any other stays a TeoApiError", () =>
    Effect.gen(function* () {
      const harness = yield* makeApiHarness({ retry: false })
      harness.api = (request) =>
        request.url.endsWith(uuid(1)) ? hydraError(404, "Not Found") : hydraError(403, "Access Denied.")
      const read = (n: number) =>
        harness.teoApi.get(`/production/dossiers/${uuid(n)}`, Dossier).pipe(
          Effect.map((found) => found["@id"]),
          Effect.catchReason("TeoApiError", "NotFound", (reason, error) =>
            Effect.succeed(`${error.method} ${reason._tag} ${reason.status}`)
          )
        )
      assert.strictEqual(yield* read(1), "GET NotFound 404")
      reasonOf(yield* Effect.flip(read(2)), Forbidden)
    })
  )

  it.effect("Effect.catchReasons handles several", () =>
    Effect.gen(function* () {
      const error = yield* errorOf(hydraError(500, "boom"))
      const handled = yield* Effect.fail(error).pipe(
        Effect.catchReasons("TeoApiError", {
          NotFound: () => Effect.succeed("none"),
          ServerError: (reason) => Effect.succeed(`later (${reason.status})`)
        })
      )
      assert.strictEqual(handled, "later (500)")
    })
  )
})
