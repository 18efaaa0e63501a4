/**
 * FakeTeo verified against the pacts the consumer tests just wrote: Pact's
 * Verifier replays every interaction against a FakeTeo started in-process,
 * with state handlers that set FakeTeo up and hand back ids and tokens.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { Verifier } from "@pact-foundation/pact"
import { FakeTeo, type RunningFakeTeo } from "@teo-effect/testing"
import { type TeoState, TeoStates } from "@teo-effect/testing/pact"
import type { Request, RequestHandler } from "express"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { generatedDir, logLevel, pactFile } from "./pacts.js"

const FORM = "application/x-www-form-urlencoded"

let fake: RunningFakeTeo
/** The bearer token the request filter puts on API requests (the pact carries an example one). */
let bearer = ""

const freshToken = async (): Promise<string> => {
  const response = await fetch(fake.tokenUrl, {
    method: "POST",
    headers: {
      "Content-Type": FORM,
      Authorization: `Basic ${Buffer.from(`${fake.env.TEO_CLIENT_ID}:${fake.env.TEO_CLIENT_SECRET}`).toString("base64")}`
    },
    body: `grant_type=client_credentials&scope=target-entity:${fake.env.TEO_ID}`
  })
  assert.strictEqual(response.status, 200, "FakeTeo issues a token")
  return ((await response.json()) as { access_token: string }).access_token
}

/** Back to FakeTeo's initial data, with a valid token for the requests. */
const fresh = async () => {
  fake.reset()
  bearer = await freshToken()
}

/** A state's parameter (pact-js types them loosely). */
const parameter = (parameters: unknown, key: string): unknown =>
  typeof parameters === "object" && parameters !== null ? (parameters as Record<string, unknown>)[key] : undefined

/** One handler per provider state of `TeoStates`; each fails loudly when FakeTeo cannot set it up. */
const stateHandlers: Record<TeoState, (parameters?: unknown) => Promise<Record<string, string> | undefined>> = {
  [TeoStates.client]: async (parameters) => {
    fake.reset()
    // FakeTeo's client is fixed: the state's credentials must be its own.
    assert.deepStrictEqual(
      {
        clientId: parameter(parameters, "clientId"),
        clientSecret: parameter(parameters, "clientSecret"),
        teoId: parameter(parameters, "teoId")
      },
      { clientId: fake.env.TEO_CLIENT_ID, clientSecret: fake.env.TEO_CLIENT_SECRET, teoId: fake.env.TEO_ID },
      "the state names FakeTeo's client"
    )
    return undefined
  },
  [TeoStates.dossiers]: async (parameters) => {
    await fresh()
    const total = await countDossiers()
    assert.isAtLeast(total, Number(parameter(parameters, "atLeast") ?? 1), "FakeTeo has that many dossiers")
    return undefined
  },
  [TeoStates.dossier]: async () => {
    await fresh()
    const response = await fetch(`${fake.apiUrl}/production/dossiers?itemsPerPage=1`, {
      headers: { Authorization: `Bearer ${bearer}` }
    })
    const first = ((await response.json()) as { "hydra:member": Array<{ "@id": string }> })["hydra:member"][0]
    assert.isDefined(first, "FakeTeo has a dossier")
    return { id: first?.["@id"].split("/").at(-1) ?? "" }
  },
  [TeoStates.noDossier]: async () => {
    await fresh()
    return undefined
  },
  [TeoStates.prestation]: async () => {
    await fresh()
    const serviceId = fake.prestationIds[0]
    assert.isDefined(serviceId, "FakeTeo has a prestation")
    return { serviceId: serviceId ?? "" }
  },
  [TeoStates.expiredToken]: async () => {
    await fresh()
    fake.expireTokens()
    return undefined
  },
  // FakeTeo always publishes its keys.
  [TeoStates.partnerKeys]: async () => undefined,
  [TeoStates.rateLimited]: async () => {
    await fresh()
    fake.failNext("api", 1, "429")
    return undefined
  }
}

/** The number of dossiers FakeTeo holds, as its first page says. */
const countDossiers = async (): Promise<number> => {
  const response = await fetch(`${fake.apiUrl}/production/dossiers`, { headers: { Authorization: `Bearer ${bearer}` } })
  return ((await response.json()) as { "hydra:totalItems": number })["hydra:totalItems"]
}

/**
 * Runs after pact's body parsers. Puts a token FakeTeo accepts on API
 * requests, and re-encodes form bodies, which the Verifier's proxy would
 * otherwise forward as JSON cut at the original length (pact-js #1233).
 */
const requestFilter: RequestHandler = (req: Request, _res, next) => {
  if (req.path.startsWith("/api") && req.headers.authorization?.startsWith("Bearer ")) {
    req.headers.authorization = `Bearer ${bearer}`
  }
  if (req.is(FORM) && typeof req.body === "object" && req.body !== null) {
    const encoded = Buffer.from(new URLSearchParams(req.body as Record<string, string>).toString())
    req.body = encoded
    req.headers["content-length"] = String(encoded.length)
  }
  next()
}

/** The Verifier rejects with the whole results as JSON: keep only what failed. */
const mismatches = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error)
  try {
    const parsed = JSON.parse(message) as { errors?: Array<{ interaction?: string; mismatch?: unknown }> }
    return JSON.stringify(parsed.errors ?? parsed, null, 2)
  } catch {
    return message
  }
}

beforeAll(() => {
  // The Verifier's proxy ignores NO_PROXY: a proxy in the environment makes verification time out.
  for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"]) delete process.env[name]
})

/**
 * A copy of the pact without its `pending` marks: a provider's verification
 * reports pending interactions without failing, but FakeTeo must answer every
 * one. Returns the copy's path and its number of interactions.
 */
const strictCopy = (provider: string): { readonly path: string; readonly interactions: number } => {
  const pact = JSON.parse(readFileSync(`${generatedDir}/${pactFile(provider)}`, "utf8")) as {
    interactions: Array<{ pending?: boolean }>
  }
  for (const interaction of pact.interactions) delete interaction.pending
  mkdirSync(`${generatedDir}/strict`, { recursive: true })
  const path = `${generatedDir}/strict/${pactFile(provider)}`
  writeFileSync(path, JSON.stringify(pact, null, 2))
  return { path, interactions: pact.interactions.length }
}

// Both profiles: the rich one, and the one that serves only what téo documents — as a téo
// that follows its own documentation, and none of our guesses, would.
describe.each(["rich", "documented"] as const)(
  "FakeTeo (%s profile) honours the pacts, pending included",
  (profile) => {
    beforeAll(async () => {
      fake = await FakeTeo.start({ profile })
    })
    afterAll(() => fake.close())

    it.each(["teo-auth", "teo-api"])("as %s", async (provider) => {
      const pact = strictCopy(provider)
      assert.isAbove(pact.interactions, 0, "the pact has interactions")
      await new Verifier({
        provider,
        providerBaseUrl: fake.url,
        pactUrls: [pact.path],
        stateHandlers,
        requestFilter,
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
  beforeAll(async () => {
    fake = await FakeTeo.start({ profile: "documented" })
  })
  afterAll(() => fake.close())

  const verify = (pactUrl: string) =>
    new Verifier({
      provider: "teo-api",
      providerBaseUrl: fake.url,
      pactUrls: [pactUrl],
      // This provider will not rate limit on demand: the state is a no-op.
      stateHandlers: { ...stateHandlers, [TeoStates.rateLimited]: async () => undefined },
      requestFilter,
      logLevel
    }).verifyProvider()

  it("passes the pact, the 429 failing only as the pending interaction it is", async () => {
    const description = "a request over the rate limit"
    const pact = JSON.parse(readFileSync(`${generatedDir}/${pactFile("teo-api")}`, "utf8")) as {
      interactions: Array<{ description: string; pending?: boolean }>
    }
    assert.strictEqual(pact.interactions.find((interaction) => interaction.description === description)?.pending, true)
    // The whole pact, pending marks kept: verified.
    await verify(`${generatedDir}/${pactFile("teo-api")}`)
    // The same interaction without its mark: refused, so it did fail above.
    const alone = {
      ...pact,
      interactions: pact.interactions.filter((interaction) => interaction.description === description)
    }
    for (const interaction of alone.interactions) delete interaction.pending
    mkdirSync(`${generatedDir}/strict`, { recursive: true })
    writeFileSync(`${generatedDir}/strict/rate-limit-only.json`, JSON.stringify(alone))
    const strict = await verify(`${generatedDir}/strict/rate-limit-only.json`).then(
      () => "verified",
      () => "refused"
    )
    assert.strictEqual(strict, "refused")
  })
})
