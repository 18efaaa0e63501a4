/**
 * `subcommandOf`: which subcommand the arguments name — what decides whether
 * `teo` loads `@teo-effect/testing` for `fake-server`. The word as a flag's
 * value or a command's argument is not the subcommand.
 */
import { describe, expect, it } from "@effect/vitest"
import { subcommandOf } from "../src/Teo.js"

describe("subcommandOf", () => {
  it.each([
    [["fake-server", "--port", "0"], "fake-server"],
    [["--fake", "fake-server"], "fake-server"],
    [["--fake", "true", "fake-server"], "fake-server"],
    [["--no-fake", "fake-server"], "fake-server"],
    [["--log-level", "debug", "fake-server"], "fake-server"],
    [["--teo-id=acme", "fake-server"], "fake-server"],
    [["-h", "fake-server"], "fake-server"],
    [["get", "fake-server"], "get"],
    [["dossiers", "get", "fake-server"], "dossiers"],
    [["--teo-id", "fake-server", "token"], "token"],
    [["--client-id", "fake-server", "--client-secret-file", "fake-server", "token"], "token"],
    [["--auth-url", "fake-server", "--api-url", "fake-server"], undefined],
    [["--client-secret", "fake-server"], undefined],
    [["--completions", "fake-server"], undefined],
    [["--", "fake-server"], undefined],
    [[], undefined]
  ] as const)("%j names %s", (args, subcommand) => {
    expect(subcommandOf(args)).toBe(subcommand)
  })
})
