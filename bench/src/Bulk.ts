/**
 * 6. Bulk read: the whole collection, every API answer delayed by 50 ms (a
 * real link's round trip), default page size (30), FakeTeo in its own
 * process. A hand-written next-link loop against `Dossiers.list()` with
 * default options, and `Dossiers.list()` under a 20 req/s rate budget
 * (against the budget's ideal time). Contenders interleaved round by round;
 * each figure is the median of the rounds.
 */

import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { type Dossier, Dossiers } from "@teo-effect/api"
import { AccessToken } from "@teo-effect/auth"
import { Effect, ManagedRuntime, Stream } from "effect"
import { type ClientKind, teoEffectLayer, teoSample } from "./Contenders.ts"
import { startRemoteFake } from "./FakeProcess.ts"
import { median, type Sizes, targetOf } from "./Scenarios.ts"

/** Milliseconds FakeTeo waits before each API answer. */
export const bulkLatency = 50
/** The rate budget of the third contender: `limit` requests per `windowMillis`. */
export const bulkBudget = { limit: 20, windowMillis: 1000 } as const

export interface BulkResult {
  readonly contender: string
  /** Dossiers in the collection. */
  readonly dossiers: number
  readonly wallMillis: number
  /** Each round's wall time, in the order run (the noise around the median). */
  readonly wallMillisByRound: ReadonlyArray<number>
  /** The hand-written loop's wall time over this one's. */
  readonly speedUp: number
  readonly items: number
  /** `items` is the collection's size (checked: an incomplete read throws). */
  readonly complete: boolean
  /** The `@id`s came in the hand-written loop's order, in every round. */
  readonly inOrder: boolean
  /** API requests FakeTeo answered for the read (median of the rounds). */
  readonly apiRequests: number
  /** Peak `heapUsed` over its value at the start, in MB. */
  readonly peakHeapGrowthMb: number
  /** Peak RSS over its value at the start, in MB. */
  readonly peakRssGrowthMb: number
  /** Under a rate budget: the least time any client needs within it (see `idealUnderBudget`). */
  readonly idealMillis?: number
  /** `wallMillis / idealMillis`. */
  readonly ratioToIdeal?: number
}

/**
 * The least time a read of `pages` pages can take within a fixed window of
 * `limit` requests per `windowMillis` (the window opening at the first
 * request), when one answer takes `answerMillis`: the first page must be
 * answered before the others are known, page k (from 0) cannot be asked
 * before window ⌊k / limit⌋ opens, and the last page asked is answered
 * `answerMillis` later.
 */
export const idealUnderBudget = (pages: number, answerMillis: number, limit: number, windowMillis: number): number =>
  pages <= 1 ? answerMillis : Math.max((Math.ceil(pages / limit) - 1) * windowMillis, answerMillis) + answerMillis

/**
 * A full garbage collection, so that each run starts from what is live: the
 * bench runs without `--expose-gc`, so the flag is set now and `gc` taken from
 * a fresh context (V8 exposes it there once the flag is on).
 */
const collectGarbage: () => void =
  globalThis.gc ??
  (() => {
    setFlagsFromString("--expose-gc")
    const gc: unknown = runInNewContext("gc")
    return typeof gc === "function" ? () => gc() : () => {}
  })()

/** Peak `heapUsed` and RSS over their values at the start (after a full GC), sampled every 10 ms while `body` runs. */
const measureMemory = async <A>(body: () => Promise<A>) => {
  collectGarbage()
  const start = process.memoryUsage()
  const peak = { heap: start.heapUsed, rss: start.rss }
  const sample = () => {
    const now = process.memoryUsage()
    peak.heap = Math.max(peak.heap, now.heapUsed)
    peak.rss = Math.max(peak.rss, now.rss)
  }
  const sampler = setInterval(sample, 10)
  try {
    const result = await body()
    sample()
    return {
      result,
      heapGrowthMb: (peak.heap - start.heapUsed) / 1024 / 1024,
      rssGrowthMb: (peak.rss - start.rss) / 1024 / 1024
    }
  } finally {
    clearInterval(sampler)
  }
}

interface HydraPage {
  readonly "hydra:member"?: ReadonlyArray<{ readonly "@id": string }>
  readonly member?: ReadonlyArray<{ readonly "@id": string }>
  readonly "hydra:view"?: { readonly "hydra:next"?: string }
  readonly view?: { readonly next?: string }
}

/** What a user without teo-effect writes: `fetch` + `JSON.parse`, static token, `next` until there is none. */
const handLoop = async (apiUrl: string, token: string): Promise<Array<string>> => {
  const ids: Array<string> = []
  let next: string | undefined = `${apiUrl}/production/dossiers`
  while (next !== undefined) {
    const response = await fetch(next, { headers: { Authorization: `Bearer ${token}`, Accept: "application/ld+json" } })
    if (response.status !== 200) throw new Error(`hand-written loop: HTTP ${response.status} on ${next}`)
    const page = JSON.parse(await response.text()) as HydraPage
    for (const member of page["hydra:member"] ?? page.member ?? []) ids.push(member["@id"])
    const link: string | undefined = page["hydra:view"]?.["hydra:next"] ?? page.view?.next
    next = link === undefined ? undefined : new URL(link, apiUrl).href
  }
  return ids
}

type Run = { readonly ids: ReadonlyArray<string>; readonly wallMillis: number }

export const bulk = async (size: Sizes): Promise<ReadonlyArray<BulkResult>> => {
  const dossiers = size.bulkDossiers
  const fake = await startRemoteFake({ dossiers, faults: { api: { latency: bulkLatency } } })
  try {
    const target = targetOf(fake)
    const token = await teoSample(target).token()
    /**
     * `Dossiers.list()` with default options (and `api` over TeoApi's), on
     * undici, in a runtime of its own; its token is got before the clock
     * starts, as the hand-written loop's is.
     */
    const viaList =
      (api: Parameters<typeof teoEffectLayer>[2] = {}, kind: ClientKind = "undici") =>
      async (): Promise<Run> => {
        const runtime = ManagedRuntime.make(teoEffectLayer(target, kind, api))
        try {
          await runtime.runPromise(Effect.flatMap(Effect.service(AccessToken), (accessToken) => accessToken.get))
          const ids: Array<string> = []
          const started = performance.now()
          await runtime.runPromise(
            Effect.flatMap(Effect.service(Dossiers), (service) =>
              Stream.runForEach(service.list(), (dossier: Dossier) =>
                Effect.sync(() => {
                  ids.push(dossier["@id"])
                })
              )
            )
          )
          return { ids, wallMillis: performance.now() - started }
        } finally {
          await runtime.dispose()
        }
      }
    const viaHandLoop = async (): Promise<Run> => {
      const started = performance.now()
      const ids = await handLoop(target.apiUrl, token)
      return { ids, wallMillis: performance.now() - started }
    }
    const handName = "hand-written next-link loop (fetch + JSON.parse)"
    const budgetName = `teo-effect Dossiers.list() on undici, rateLimit ${bulkBudget.limit} per ${bulkBudget.windowMillis / 1000} s`
    const contenders: ReadonlyArray<readonly [string, () => Promise<Run>]> = [
      [handName, viaHandLoop],
      ["teo-effect Dossiers.list() on undici, default options", viaList()],
      ["teo-effect Dossiers.list() on UndiciHttpClient, default options", viaList({}, "own")],
      ["teo-effect Dossiers.list() on FetchHttpClient, default options", viaList({}, "fetch")],
      [budgetName, viaList({ rateLimit: { limit: bulkBudget.limit, window: `${bulkBudget.windowMillis} millis` } })]
    ]
    // Warm up (connections, JIT): one whole read by hand, outside the measure.
    await handLoop(target.apiUrl, token)
    const rounds = new Map<
      string,
      Array<{ wallMillis: number; items: number; inOrder: boolean; apiRequests: number; heap: number; rss: number }>
    >()
    for (let round = 0; round < size.rounds; round++) {
      let reference: ReadonlyArray<string> = []
      for (const [name, run] of contenders) {
        const before = (await fake.stats()).apiRequests
        const { result, heapGrowthMb, rssGrowthMb } = await measureMemory(run)
        const apiRequests = (await fake.stats()).apiRequests - before
        if (result.ids.length !== dossiers)
          throw new Error(`bulk: ${name} received ${result.ids.length} of ${dossiers}`)
        if (name === handName) {
          if (new Set(result.ids).size !== dossiers) throw new Error(`bulk: ${name} received duplicates`)
          reference = result.ids
        }
        const inOrder = result.ids.every((id, index) => id === reference[index])
        rounds.set(name, [
          ...(rounds.get(name) ?? []),
          {
            wallMillis: result.wallMillis,
            items: result.ids.length,
            inOrder,
            apiRequests,
            heap: heapGrowthMb,
            rss: rssGrowthMb
          }
        ])
      }
    }
    const of = (name: string) => rounds.get(name) ?? []
    const handWall = median(of(handName).map((r) => r.wallMillis))
    const pages = median(of(handName).map((r) => r.apiRequests))
    // One answer, as the hand-written loop saw it: its time per page (50 ms and the loopback's own).
    const answerMillis = handWall / pages
    const ideal = idealUnderBudget(pages, answerMillis, bulkBudget.limit, bulkBudget.windowMillis)
    return [...rounds].map(([contender, values]): BulkResult => {
      const wallMillis = median(values.map((value) => value.wallMillis))
      const items = median(values.map((value) => value.items))
      return {
        contender,
        dossiers,
        wallMillis,
        wallMillisByRound: values.map((value) => value.wallMillis),
        speedUp: handWall / wallMillis,
        items,
        complete: items === dossiers,
        inOrder: values.every((value) => value.inOrder),
        apiRequests: median(values.map((value) => value.apiRequests)),
        peakHeapGrowthMb: median(values.map((value) => value.heap)),
        peakRssGrowthMb: median(values.map((value) => value.rss)),
        ...(contender === budgetName ? { idealMillis: ideal, ratioToIdeal: wallMillis / ideal } : {})
      }
    })
  } finally {
    await fake.close()
  }
}
