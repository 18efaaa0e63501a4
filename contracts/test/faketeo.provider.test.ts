/**
 * FakeTeo verified against the pacts the consumer tests just wrote: Pact's
 * Verifier replays every interaction against a FakeTeo started in-process,
 * with state handlers that set FakeTeo up and hand back ids and tokens
 * (FakeTeoProvider.ts). A verification meant to report failures runs in a
 * process of its own (verify-alone.ts), so that its report stays out of a
 * passing run's output.
 */
import { spawn } from "node:child_process"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { stripVTControlCharacters } from "node:util"
import { Verifier } from "@pact-foundation/pact"
import { FakeTeo, type RunningFakeTeo } from "@teo-effect/testing"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { mismatches, providerOf, strictCopy } from "./FakeTeoProvider.ts"
import { generatedDir, logLevel, pactFile } from "./pacts.ts"

let fake: RunningFakeTeo
let verifierSetup: ReturnType<typeof providerOf>

beforeAll(() => {
  // The Verifier's proxy ignores NO_PROXY: a proxy in the environment makes verification time out.
  for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"]) delete process.env[name]
})

// Both profiles: the rich one, and the one that serves only what téo documents — as a téo
// that follows its own documentation, and none of our guesses, would.
describe.each(["rich", "documented"] as const)(
  "FakeTeo (%s profile) honours the pacts, pending included",
  (profile) => {
    beforeAll(async () => {
      fake = await FakeTeo.start({ profile })
      verifierSetup = providerOf(fake)
    })
    afterAll(() => fake.close())

    it.each(["teo-auth", "teo-api"])("as %s", async (provider) => {
      const pact = strictCopy(provider)
      assert.isAbove(pact.interactions, 0, "the pact has interactions")
      await new Verifier({
        provider,
        providerBaseUrl: fake.url,
        pactUrls: [pact.path],
        stateHandlers: verifierSetup.stateHandlers,
        requestFilter: verifierSetup.requestFilter,
        logLevel
      })
        .verifyProvider()
        .catch((error: unknown) => {
          throw new Error(`FakeTeo (${profile}) does not honour the ${provider} pact:\n${mismatches(error)}`)
        })
    })
  }
)

describe("a provider that cannot be put in every state", () => {
  /** `verify-alone.ts` on `pactUrl`, in its own process: its exit code and what it printed. */
  const verifyAlone = (pactUrl: string) =>
    new Promise<{ readonly code: number | null; readonly output: string }>((resolve) => {
      const child = spawn(process.execPath, [
        "--disable-warning=DEP0060", // http-proxy's util._extend, inside Pact's Verifier
        fileURLToPath(new URL("verify-alone.ts", import.meta.url)),
        pactUrl
      ])
      let output = ""
      child.stdout.on("data", (chunk) => {
        output += chunk
      })
      child.stderr.on("data", (chunk) => {
        output += chunk
      })
      // Without the colours the Verifier puts in its report.
      child.on("close", (code) => resolve({ code, output: stripVTControlCharacters(output) }))
    })

  it("passes the pact, the 429 failing only as the pending interaction it is", async () => {
    const description = "a request over the rate limit"
    const pact = JSON.parse(readFileSync(`${generatedDir}/${pactFile("teo-api")}`, "utf8")) as {
      interactions: Array<{ description: string; pending?: boolean }>
    }
    assert.strictEqual(pact.interactions.find((interaction) => interaction.description === description)?.pending, true)
    // The whole pact, pending marks kept: verified, the 429 reported as a pending failure.
    const whole = await verifyAlone(`${generatedDir}/${pactFile("teo-api")}`)
    assert.strictEqual(whole.code, 0, whole.output)
    assert.include(whole.output, "non-fatal pact failures on pending pacts or interactions")
    assert.include(whole.output, description)
    // The same interaction without its mark: refused, so it did fail above.
    const alone = {
      ...pact,
      interactions: pact.interactions.filter((interaction) => interaction.description === description)
    }
    for (const interaction of alone.interactions) delete interaction.pending
    mkdirSync(`${generatedDir}/strict`, { recursive: true })
    writeFileSync(`${generatedDir}/strict/rate-limit-only.json`, JSON.stringify(alone))
    const strict = await verifyAlone(`${generatedDir}/strict/rate-limit-only.json`)
    assert.strictEqual(strict.code, 1, strict.output)
    assert.include(strict.output, "expected 429 but was 200")
    // Two Node processes, each loading Pact's Verifier: seconds on a loaded machine.
  }, 60_000)
})
