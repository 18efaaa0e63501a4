/**
 * `contracts/broker.ts`: what publish, can-i-deploy and verify-live do with
 * a given environment, and that they stay quiet or fail fast as documented.
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { plan, readOnlyInteractions } from "../broker.js"

const git = { commit: "0123456789abcdef0123456789abcdef01234567", branch: "main" }
const broker = { PACT_BROKER_BASE_URL: "https://broker.example", PACT_BROKER_TOKEN: "t" }

describe("publish and can-i-deploy", () => {
  it("explain and do nothing without PACT_BROKER_BASE_URL", () => {
    for (const command of ["publish", "can-i-deploy"]) {
      const decided = plan(command, [], {}, git)
      expect(decided.kind).toBe("skip")
      expect(decided.kind === "skip" && decided.message).toContain("PACT_BROKER_BASE_URL is not set")
    }
  })

  it("need a token (or a username and password) with a broker", () => {
    const decided = plan("publish", [], { PACT_BROKER_BASE_URL: "https://broker.example" }, git)
    expect(decided.kind).toBe("error")
    expect(
      plan(
        "publish",
        [],
        { ...broker, PACT_BROKER_TOKEN: undefined, PACT_BROKER_USERNAME: "u", PACT_BROKER_PASSWORD: "p" },
        git
      ).kind
    ).toBe("broker")
  })

  it("publish the committed contracts with the git commit and branch, failing fast", () => {
    const decided = plan("publish", [], broker, git)
    expect(decided.kind).toBe("broker")
    if (decided.kind !== "broker") return
    expect(decided.args[0]).toBe("publish")
    expect(decided.args[1]).toMatch(/contracts\/teo-effect-\*\.json$/)
    expect(decided.args).toEqual(
      expect.arrayContaining(["--consumer-app-version", git.commit, "--branch", "main", "--retries", "0"])
    )
    expect(plan("publish", [], { ...broker, GIT_BRANCH: "feature/x" }, git)).toMatchObject({
      args: expect.arrayContaining(["--branch", "feature/x"])
    })
    expect(plan("publish", [], broker, { ...git, branch: "HEAD" })).toMatchObject({
      args: expect.not.arrayContaining(["--branch"])
    })
  })

  it("ask can-i-deploy for this commit and environment", () => {
    expect(plan("can-i-deploy", [], { ...broker, PACT_ENVIRONMENT: "staging" }, git)).toMatchObject({
      kind: "broker",
      args: expect.arrayContaining([
        "can-i-deploy",
        "--pacticipant",
        "teo-effect",
        "--version",
        git.commit,
        "--to-environment",
        "staging"
      ])
    })
  })

  it("refuse to run outside a git checkout", () => {
    expect(plan("publish", [], broker, { commit: undefined, branch: undefined }).kind).toBe("error")
  })
})

describe("verify-live", () => {
  it("explains and does nothing without TEO_* credentials, unless required", () => {
    const skipped = plan("verify-live", [], { TEO_CLIENT_ID: "c" }, git)
    expect(skipped).toMatchObject({ kind: "skip" })
    expect(skipped.kind === "skip" && skipped.message).toContain("TEO_CLIENT_SECRET, TEO_ID are not set")
    expect(plan("verify-live", ["--require"], {}, git).kind).toBe("error")
  })

  it("verifies only the read-only interactions, against https", () => {
    const credentials = { TEO_CLIENT_ID: "c", TEO_CLIENT_SECRET: "s", TEO_ID: "i" }
    const decided = plan("verify-live", [], credentials, git)
    expect(decided).toMatchObject({ kind: "verify-live", apiUrl: "https://teoapp.fr/api" })
    if (decided.kind === "verify-live") {
      for (const description of readOnlyInteractions) expect(decided.descriptionFilter).toContain(description)
      expect(decided.descriptionFilter).not.toContain("creation")
    }
    expect(plan("verify-live", [], { ...credentials, TEO_API_URL: "http://teoapp.fr/api" }, git).kind).toBe("error")
  })

  it("rejects an unknown command with its usage", () => {
    expect(plan("deploy", [], {}, git)).toMatchObject({ kind: "error", message: expect.stringContaining("usage") })
  })
})

describe("as a process", () => {
  const script = fileURLToPath(new URL("../broker.ts", import.meta.url))
  const run = (args: ReadonlyArray<string>, env: Record<string, string>) =>
    spawnSync(process.execPath, [script, ...args], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", ...env },
      timeout: 60_000
    })

  it("exits 0 with an explanation when there is no broker", () => {
    const result = run(["publish"], {})
    expect(result.status).toBe(0)
    expect(result.stdout).toContain("PACT_BROKER_BASE_URL is not set")
  })

  it("fails, without retrying, when the broker is unreachable", () => {
    const result = run(["publish"], { PACT_BROKER_BASE_URL: "http://127.0.0.1:9", PACT_BROKER_TOKEN: "t" })
    expect(result.status).not.toBe(0)
    expect(result.error).toBeUndefined()
  })
})
