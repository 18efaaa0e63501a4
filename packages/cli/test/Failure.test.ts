/**
 * `reportOf`: the exit code and the hint of each kind of failure, as
 * `docs/cli.md` lists them (0 ok, 2 usage, 3 authentication, 4 API,
 * 5 network, 1 unexpected).
 */
import { describe, expect, it } from "@effect/vitest"
import {
  BadRequest,
  Forbidden,
  NotFound,
  RateLimited,
  RequestFailed,
  ServerError,
  TeoApiError,
  type TeoApiErrorReason,
  Unauthorized,
  UnexpectedResponse,
  ValidationFailed,
  Violation
} from "@teo-effect/api"
import { TeoCredentials, TokenRequestFailed, TokenRequestFailureReason } from "@teo-effect/auth"
import { ExitCode } from "@teo-effect/cli"
import { Effect, Redacted } from "effect"
import { reportOf, UsageError } from "../src/Failure.js"
import { TestingLoadFailed } from "../src/TestingPackage.js"

const failure = (tag: string, fields: Record<string, unknown> = {}) => ({
  _tag: tag,
  message: `${tag} happened`,
  ...fields
})

/** A failed API call with `reason`. */
const apiError = (reason: TeoApiErrorReason) =>
  new TeoApiError({ method: "GET", path: "/production/dossiers/0b6c", reason })

describe("reportOf", () => {
  it.each([
    ["InvalidClient", ExitCode.authentication, "CLIENT_SECRET"],
    ["InvalidScope", ExitCode.authentication, "TEO_ID"],
    ["ExpiredToken", ExitCode.authentication, "Token expiré"],
    ["DossierNotFound", ExitCode.api, "numéro du dossier"],
    ["FakeTeoUnreachable", ExitCode.network, "teo fake-server"],
    ["FakeTeoUnexpectedAnswer", ExitCode.api, "--fake-url"],
    ["FakeTeoStartError", ExitCode.usage, "--port"]
  ] as const)("%s: exit %i, with its hint in French and English", (tag, code, hint) => {
    const report = reportOf(failure(tag))
    expect(report).toMatchObject({ code, message: `${tag} happened` })
    expect(report.hint).toContain(hint)
    expect(report.hint).toContain(" / ")
  })

  it.each([
    [new Unauthorized({ status: 401 }), ExitCode.authentication, "Token refusé"],
    [new RequestFailed({ kind: "Transport", detail: "reset" }), ExitCode.network, "TEO_API_URL"],
    [new RequestFailed({ kind: "Timeout", detail: "30s" }), ExitCode.network, "TEO_API_URL"],
    [new NotFound({ status: 404 }), ExitCode.api, "Introuvable"],
    [new Forbidden({ status: 403 }), ExitCode.api, "Accès refusé"],
    [new RateLimited({ status: 429 }), ExitCode.api, "Trop de requêtes"]
  ] as const)("TeoApiError (%s): exit %i, the call's message, its hint in French and English", (reason, code, hint) => {
    const error = apiError(reason)
    const report = reportOf(error)
    expect(report).toMatchObject({ code, message: error.message })
    expect(report.message).toContain("GET /production/dossiers/0b6c: ")
    expect(report.hint).toContain(hint)
    expect(report.hint).toContain(" / ")
  })

  it.each([
    new BadRequest({ status: 409 }),
    new ServerError({ status: 503 }),
    new UnexpectedResponse({ status: 200, detail: "not JSON" })
  ])("TeoApiError (%s): exit 4, its message only", (reason) => {
    const error = apiError(reason)
    expect(reportOf(error)).toStrictEqual({ code: ExitCode.api, message: error.message })
  })

  it("a reason's tag alone is no failure of teo's: exit 1", () => {
    expect(reportOf(failure("NotFound")).code).toBe(ExitCode.unexpected)
  })

  it("TokenRequestFailed: network (5) when téo's auth server is not reached, authentication (3) otherwise", () => {
    expect(reportOf(failure("TokenRequestFailed", { reason: "Timeout" })).code).toBe(ExitCode.network)
    expect(reportOf(failure("TokenRequestFailed", { reason: "Transport" })).code).toBe(ExitCode.network)
    expect(reportOf(failure("TokenRequestFailed", { reason: "OAuthError" })).code).toBe(ExitCode.authentication)
  })

  it("a usage error exits 2; an unknown tag or a non-error exits 1", () => {
    expect(reportOf(new UsageError({ message: "no" }))).toStrictEqual({ code: ExitCode.usage, message: "no" })
    expect(reportOf(failure("SomethingElse")).code).toBe(ExitCode.unexpected)
    expect(reportOf("boom")).toStrictEqual({ code: ExitCode.unexpected, message: "unexpected error" })
  })

  it.each(TokenRequestFailureReason.literals)("TokenRequestFailed (%s): its exit code and hint by reason", (reason) => {
    const report = reportOf(new TokenRequestFailed({ reason, detail: "it failed" }))
    const network = reason === "Transport" || reason === "Timeout"
    expect(report).toMatchObject({
      code: network ? ExitCode.network : ExitCode.authentication,
      message: `the téo token request failed (${reason}): it failed`
    })
    expect(report.hint).toContain(network ? "Auth server unreachable" : "Unexpected answer from the auth server")
  })

  it("ValidationFailed: each violation; usage (2) when checked before sending, API (4) when téo refused", () => {
    const violations = [new Violation({ propertyPath: "name", message: "obligatoire" })]
    const expected = "données invalides / invalid data:\n  name: obligatoire"
    expect(reportOf(apiError(new ValidationFailed({ violations })))).toStrictEqual({
      code: ExitCode.usage,
      message: expected
    })
    expect(reportOf(apiError(new ValidationFailed({ violations, status: 422 })))).toStrictEqual({
      code: ExitCode.api,
      message: expected
    })
  })

  it("ValidationFailed without violations (a 422 téo explains in a sentence): téo's text, not an empty list", () => {
    expect(
      reportOf(apiError(new ValidationFailed({ violations: [], status: 422, description: "Le dossier est clôturé." })))
    ).toStrictEqual({ code: ExitCode.api, message: "données invalides / invalid data:\n  Le dossier est clôturé." })
    expect(reportOf(apiError(new ValidationFailed({ violations: [], status: 422 }))).message).toBe(
      "données invalides / invalid data:\n  (téo gave no details)"
    )
  })

  it.effect("ConfigError: exit 2, the setting by the name a person sets, and the hint", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        TeoCredentials.make({
          clientId: "acme",
          clientSecret: Redacted.make("secret"),
          teoId: "acme-formation",
          tokenUrl: "not a URL"
        })
      )
      const report = reportOf(error)
      expect(report.code).toBe(ExitCode.usage)
      expect(report.message).toMatch(/^invalid configuration: /)
      expect(report.message).toContain("TEO_AUTH_URL (or --auth-url)")
      expect(report.hint).toContain("TEO_*")
    })
  )

  it("TestingLoadFailed: exit 1 (a broken install), its message", () => {
    const error = new TestingLoadFailed({ reason: "Cannot find module 'jose'" })
    expect(reportOf(error)).toStrictEqual({ code: ExitCode.unexpected, message: error.message })
  })
})
