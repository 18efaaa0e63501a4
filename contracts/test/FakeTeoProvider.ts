/**
 * What Pact's Verifier needs to verify a running FakeTeo: a state handler per
 * provider state of `TeoStates` (each sets FakeTeo up, or fails loudly), and
 * a request filter that puts a token FakeTeo accepts on API requests. Used by
 * the provider test and by `verify-alone.ts`, its child process.
 */
import assert from "node:assert/strict"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import type { RunningFakeTeo } from "@teo-effect/testing"
import { type TeoState, TeoStates } from "@teo-effect/testing/pact"
import type { Request, RequestHandler } from "express"
import { generatedDir, pactFile } from "./pacts.ts"

const FORM = "application/x-www-form-urlencoded"

/** What the Verifier is given for one FakeTeo. */
export interface VerifierSetup {
  readonly stateHandlers: Record<TeoState, (parameters?: unknown) => Promise<Record<string, string> | undefined>>
  readonly requestFilter: RequestHandler
}

/**
 * The state handlers and the request filter for `fake`; with
 * `rateLimitOnDemand: false`, a provider that cannot be made to answer 429
 * (the rate-limited state only renews the token).
 */
export const providerOf = (
  fake: RunningFakeTeo,
  options: { readonly rateLimitOnDemand?: boolean } = {}
): VerifierSetup => {
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
      assert.ok(total >= Number(parameter(parameters, "atLeast") ?? 1), "FakeTeo has that many dossiers")
      return undefined
    },
    [TeoStates.dossier]: async () => {
      await fresh()
      const response = await fetch(`${fake.apiUrl}/production/dossiers?itemsPerPage=1`, {
        headers: { Authorization: `Bearer ${bearer}` }
      })
      const first = ((await response.json()) as { "hydra:member": Array<{ "@id": string }> })["hydra:member"][0]
      assert.ok(first !== undefined, "FakeTeo has a dossier")
      return { id: first?.["@id"].split("/").at(-1) ?? "" }
    },
    [TeoStates.noDossier]: async () => {
      await fresh()
      return undefined
    },
    [TeoStates.prestation]: async () => {
      await fresh()
      const serviceId = fake.prestationIds[0]
      assert.ok(serviceId !== undefined, "FakeTeo has a prestation")
      return { serviceId: serviceId ?? "" }
    },
    [TeoStates.expiredToken]: async () => {
      await fresh()
      fake.expireTokens()
      return undefined
    },
    // FakeTeo always publishes its keys.
    [TeoStates.partnerKeys]: async () => undefined,
    [TeoStates.items]: async (parameters) => {
      await fresh()
      const { total } = await firstOf(String(parameter(parameters, "collection")))
      assert.ok(total >= Number(parameter(parameters, "atLeast") ?? 1), "FakeTeo has that many items")
      return undefined
    },
    [TeoStates.item]: async (parameters) => {
      await fresh()
      const { first } = await firstOf(String(parameter(parameters, "collection")))
      assert.ok(first !== undefined, "FakeTeo has an item")
      return { id: decodeURIComponent(first?.["@id"].split("/").at(-1) ?? "") }
    },
    [TeoStates.rateLimited]: async () => {
      await fresh()
      if (options.rateLimitOnDemand !== false) fake.failNext("api", 1, "429")
      return undefined
    }
  }

  /** The first item of a collection FakeTeo serves (a path under `/api`), and how many it holds. */
  const firstOf = async (collection: string) => {
    assert.ok(collection.startsWith("/api/"), "the state names a collection under /api")
    const response = await fetch(`${fake.url}${collection}?itemsPerPage=1`, {
      headers: { Authorization: `Bearer ${bearer}` }
    })
    assert.strictEqual(response.status, 200, `FakeTeo serves ${collection}`)
    const page = (await response.json()) as {
      "hydra:totalItems": number
      "hydra:member": Array<{ "@id": string }>
    }
    return { total: page["hydra:totalItems"], first: page["hydra:member"][0] }
  }

  /** The number of dossiers FakeTeo holds, as its first page says. */
  const countDossiers = async (): Promise<number> => {
    const response = await fetch(`${fake.apiUrl}/production/dossiers`, {
      headers: { Authorization: `Bearer ${bearer}` }
    })
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

  return { stateHandlers, requestFilter }
}

/**
 * A copy of the pact without its `pending` marks: a provider's verification
 * reports pending interactions without failing, but FakeTeo must answer every
 * one. Returns the copy's path and its number of interactions.
 */
export const strictCopy = (provider: string): { readonly path: string; readonly interactions: number } => {
  const pact = JSON.parse(readFileSync(`${generatedDir}/${pactFile(provider)}`, "utf8")) as {
    interactions: Array<{ pending?: boolean }>
  }
  for (const interaction of pact.interactions) delete interaction.pending
  mkdirSync(`${generatedDir}/strict`, { recursive: true })
  const path = `${generatedDir}/strict/${pactFile(provider)}`
  writeFileSync(path, JSON.stringify(pact, null, 2))
  return { path, interactions: pact.interactions.length }
}

/** The Verifier rejects with the whole results as JSON: keep only what failed. */
export const mismatches = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error)
  try {
    const parsed = JSON.parse(message) as { errors?: Array<{ interaction?: string; mismatch?: unknown }> }
    return JSON.stringify(parsed.errors ?? parsed, null, 2)
  } catch {
    return message
  }
}
