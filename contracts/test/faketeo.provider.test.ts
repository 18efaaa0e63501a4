/**
 * FakeTeo verified against the pacts the consumer tests just wrote: Pact's
 * Verifier replays every interaction against a FakeTeo started in-process,
 * with state handlers that set FakeTeo up and hand back ids and tokens.
 */
import { Verifier } from "@pact-foundation/pact"
import { FakeTeo } from "@teo-effect/testing"
import type { Request, RequestHandler } from "express"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { generatedDir, logLevel, pactFile } from "./pacts.js"

type Fake = Awaited<ReturnType<typeof FakeTeo.start>>

const FORM = "application/x-www-form-urlencoded"

let fake: Fake
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

const stateHandlers = {
  "the client fake-client may open fake-instance": async () => {
    fake.reset()
    return undefined
  },
  "95 dossiers exist": async () => {
    await fresh()
    return undefined
  },
  "a dossier exists": async () => {
    await fresh()
    const response = await fetch(`${fake.apiUrl}/production/dossiers?itemsPerPage=1`, {
      headers: { Authorization: `Bearer ${bearer}` }
    })
    const first = ((await response.json()) as { "hydra:member": Array<{ "@id": string }> })["hydra:member"][0]
    assert.isDefined(first, "FakeTeo has a dossier")
    return { id: first?.["@id"].split("/").at(-1) ?? "" }
  },
  "no dossier has this id": async () => {
    await fresh()
    return undefined
  },
  "a prestation exists": async () => {
    await fresh()
    const serviceId = fake.prestationIds[0]
    assert.isDefined(serviceId, "FakeTeo has a prestation")
    return { serviceId: serviceId ?? "" }
  },
  "the token has expired": async () => {
    await fresh()
    fake.expireTokens()
    return undefined
  },
  "téo is rate limiting": async () => {
    await fresh()
    fake.failNext("api", 1, "429")
    return undefined
  }
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

beforeAll(async () => {
  // The Verifier's proxy ignores NO_PROXY: a proxy in the environment makes verification time out.
  for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"]) delete process.env[name]
  fake = await FakeTeo.start()
})

afterAll(() => fake.close())

describe("FakeTeo honours the pacts", () => {
  it.each(["teo-auth", "teo-api"])("as %s", async (provider) => {
    const verification = new Verifier({
      provider,
      providerBaseUrl: fake.url,
      pactUrls: [`${generatedDir}/${pactFile(provider)}`],
      stateHandlers,
      requestFilter,
      logLevel
    }).verifyProvider()
    await verification.catch((error: unknown) => {
      throw new Error(`FakeTeo does not honour the ${provider} pact:\n${mismatches(error)}`)
    })
    assert.isTrue(true, "verified")
  })
})
