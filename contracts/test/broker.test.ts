/**
 * `contracts/broker.ts`: what publish, can-i-deploy and verify-live do with
 * a given environment, and that they stay quiet or fail fast as documented.
 */
import { execFile, spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import { FakeTeo } from "@teo-effect/testing"
import { describe, expect, it } from "vitest"
import { committedContracts, plan, readOnlyInteractions } from "../broker.js"

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
    const decided = plan("publish", [], { PACT_BROKER_BASE_URL: "https://broker.example" }, git, ["a.json"])
    expect(decided.kind).toBe("error")
    expect(
      plan(
        "publish",
        [],
        { ...broker, PACT_BROKER_TOKEN: undefined, PACT_BROKER_USERNAME: "u", PACT_BROKER_PASSWORD: "p" },
        git,
        ["a.json"]
      ).kind
    ).toBe("broker")
  })

  it("publish the committed contracts, each file named, with the git commit and branch, failing fast", () => {
    const contracts = committedContracts()
    expect(contracts.map((path) => path.split("/").at(-1))).toEqual([
      "teo-effect-teo-api.json",
      "teo-effect-teo-auth.json"
    ])
    const decided = plan("publish", [], broker, git, contracts)
    expect(decided.kind).toBe("broker")
    if (decided.kind !== "broker") return
    expect(decided.args.slice(0, 3)).toEqual(["publish", ...contracts])
    expect(decided.args.some((arg) => arg.includes("*"))).toBe(false)
    expect(decided.args).toEqual(
      expect.arrayContaining(["--consumer-app-version", git.commit, "--branch", "main", "--retries", "0"])
    )
    expect(plan("publish", [], { ...broker, GIT_BRANCH: "feature/x" }, git, contracts)).toMatchObject({
      args: expect.arrayContaining(["--branch", "feature/x"])
    })
    expect(plan("publish", [], broker, { ...git, branch: "HEAD" }, contracts)).toMatchObject({
      args: expect.not.arrayContaining(["--branch"])
    })
  })

  it("refuse to publish when there is no contract", () => {
    expect(plan("publish", [], broker, git, [])).toMatchObject({
      kind: "error",
      message: expect.stringContaining("no contracts")
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
    expect(plan("publish", [], broker, { commit: undefined, branch: undefined }, ["a.json"]).kind).toBe("error")
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

/**
 * A broker-compatible stub: the endpoints `pact-broker` calls (the HAL index,
 * `POST /contracts/publish`, `GET /matrix`), recording what reached them.
 */
const startStubBroker = async (options: { readonly deployable: boolean }) => {
  const received: Array<{ method: string; url: string; authorization?: string; body: string }> = []
  const server = createServer((req, res) => {
    let body = ""
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8")
    })
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        url: req.url ?? "",
        ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }),
        body
      })
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      res.setHeader("content-type", "application/hal+json")
      if (req.url === "/") {
        res.end(JSON.stringify({ _links: { "pb:publish-contracts": { href: `${base}/contracts/publish` } } }))
      } else if (req.method === "POST" && req.url === "/contracts/publish") {
        res.end(JSON.stringify({ notices: [{ type: "success", text: "published" }], _links: {} }))
      } else if (req.url?.startsWith("/matrix")) {
        res.end(
          JSON.stringify({
            summary: {
              deployable: options.deployable,
              reason: options.deployable ? "verified" : "no verification of teo-effect by teo-api",
              success: options.deployable ? 2 : 0,
              failed: 0,
              unknown: options.deployable ? 0 : 1
            },
            matrix: [],
            notices: []
          })
        )
      } else {
        res.statusCode = 404
        res.end("{}")
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

describe("against a broker", () => {
  const script = fileURLToPath(new URL("../broker.ts", import.meta.url))
  /** Runs broker.ts as a process, without blocking this one (the stub answers from here). */
  const run = (args: ReadonlyArray<string>, env: Record<string, string>) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [script, ...args],
        { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : (error.code as number), output: stdout + stderr })
      )
    })
  const head = spawnSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).stdout.trim()

  it("publishes each committed contract, as it is, with the commit and branch", async () => {
    const broker = await startStubBroker({ deployable: true })
    try {
      const result = await run(["publish"], {
        PACT_BROKER_BASE_URL: broker.url,
        PACT_BROKER_TOKEN: "stub-token",
        GIT_BRANCH: "feature/contracts"
      })
      expect(result.code, result.output).toBe(0)
      const published = broker.received.filter((request) => request.url === "/contracts/publish")
      expect(published).toHaveLength(2)
      const contracts = published.map(
        (request) =>
          JSON.parse(request.body) as {
            pacticipantName: string
            pacticipantVersionNumber: string
            branch: string
            contracts: Array<{ consumerName: string; providerName: string; content: string }>
          }
      )
      for (const body of contracts) {
        expect(body).toMatchObject({
          pacticipantName: "teo-effect",
          pacticipantVersionNumber: head,
          branch: "feature/contracts"
        })
      }
      const byProvider = Object.fromEntries(
        contracts.flatMap((body) =>
          body.contracts.map((contract) => [
            contract.providerName,
            JSON.parse(Buffer.from(contract.content, "base64").toString("utf8"))
          ])
        )
      )
      for (const path of committedContracts()) {
        // pact-broker re-serialises the file (its own `pactRust.models` version in the metadata): the
        // parties and every interaction must reach the broker as committed.
        const committed = JSON.parse(readFileSync(path, "utf8")) as {
          consumer: unknown
          provider: { name: string }
          interactions: unknown
        }
        expect(byProvider[committed.provider.name]).toMatchObject({
          consumer: committed.consumer,
          provider: committed.provider,
          interactions: committed.interactions
        })
      }
      expect(broker.received.every((request) => request.authorization === "Bearer stub-token")).toBe(true)
    } finally {
      await broker.close()
    }
  })

  it("asks can-i-deploy for this commit and environment, and says no when the broker does", async () => {
    for (const deployable of [true, false]) {
      const broker = await startStubBroker({ deployable })
      try {
        const result = await run(["can-i-deploy"], {
          PACT_BROKER_BASE_URL: broker.url,
          PACT_BROKER_TOKEN: "stub-token",
          PACT_ENVIRONMENT: "staging"
        })
        expect(result.code === 0, result.output).toBe(deployable)
        const matrix = broker.received.find((request) => request.url.startsWith("/matrix"))
        expect(matrix).toBeDefined()
        const query = new URL(matrix?.url ?? "", broker.url).searchParams
        expect(query.getAll("q[][pacticipant]")).toEqual(["teo-effect"])
        expect(query.getAll("q[][version]")).toEqual([head])
        expect(query.get("environment")).toBe("staging")
      } finally {
        await broker.close()
      }
    }
  })
})

describe("verify-live against a provider that follows téo's documentation", () => {
  it("verifies the read-only interactions against FakeTeo's documented profile, with a real token", async () => {
    // A small instance: the read-only interactions need one dossier, not two pages.
    const fake = await FakeTeo.start({ profile: "documented", dossiers: 3 })
    try {
      const script = fileURLToPath(new URL("../broker.ts", import.meta.url))
      const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
        execFile(
          process.execPath,
          [script, "verify-live", "--require"],
          { env: { PATH: process.env.PATH ?? "", PACT_DO_NOT_TRACK: "true", ...fake.env }, timeout: 60_000 },
          (error, stdout, stderr) =>
            resolve({ code: error === null ? 0 : (error.code as number), output: stdout + stderr })
        )
      })
      expect(result.code, result.output).toBe(0)
      expect(result.output).toContain("the read-only interactions hold")
      // A real token was asked for, and each read-only interaction reached the API.
      const requests = fake.requests()
      expect(fake.stats().tokenRequests).toBeGreaterThanOrEqual(1)
      expect(
        requests.some((request) => request.path.startsWith("/api/production/dossiers/") && request.status === 404)
      ).toBe(true)
      expect(
        requests.some((request) => request.path.startsWith("/api/production/dossiers/") && request.status === 200)
      ).toBe(true)
    } finally {
      await fake.close()
    }
  })
})
