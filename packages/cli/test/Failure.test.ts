/**
 * `reportOf`: the exit code and the hint of each kind of failure, as
 * `docs/cli.md` lists them (0 ok, 2 usage, 3 authentication, 4 API,
 * 5 network, 1 unexpected).
 */
import { describe, expect, it } from "@effect/vitest"
import { ExitCode } from "@teo-effect/cli"
import { reportOf, UsageError } from "../src/Failure.js"

const failure = (tag: string, fields: Record<string, unknown> = {}) => ({
  _tag: tag,
  message: `${tag} happened`,
  ...fields
})

describe("reportOf", () => {
  it.each([
    ["InvalidClient", ExitCode.authentication, "CLIENT_SECRET"],
    ["InvalidScope", ExitCode.authentication, "TEO_ID"],
    ["ExpiredToken", ExitCode.authentication, "Token expiré"],
    ["Unauthorized", ExitCode.authentication, "Token refusé"],
    ["RequestFailed", ExitCode.network, "TEO_API_URL"],
    ["NotFound", ExitCode.api, "Introuvable"],
    ["DossierNotFound", ExitCode.api, "numéro du dossier"],
    ["Forbidden", ExitCode.api, "Accès refusé"],
    ["RateLimited", ExitCode.api, "Trop de requêtes"],
    ["FakeTeoUnreachable", ExitCode.network, "teo fake-server"],
    ["FakeTeoUnexpectedAnswer", ExitCode.api, "--fake-url"],
    ["FakeTeoStartError", ExitCode.usage, "--port"]
  ] as const)("%s: exit %i, with its hint in French and English", (tag, code, hint) => {
    const report = reportOf(failure(tag))
    expect(report).toMatchObject({ code, message: `${tag} happened` })
    expect(report.hint).toContain(hint)
    expect(report.hint).toContain(" / ")
  })

  it.each(["BadRequest", "ServerError", "UnexpectedResponse"])("%s: exit 4, its message only", (tag) => {
    expect(reportOf(failure(tag))).toStrictEqual({ code: ExitCode.api, message: `${tag} happened` })
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
})
