/**
 * The five benchmark scenarios. FakeTeo runs in a child process, so the
 * client's CPU is measured alone; each scenario's contenders run interleaved
 * round by round, and each figure is the median of the rounds.
 */
import { Dossier, Dossiers, HydraCollection } from "@teo-effect/api"
import type { FakeProfile, FakeTeoOptions } from "@teo-effect/testing"
import { Effect, ManagedRuntime, Schema, Stream } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { request as undiciRequest } from "undici"
import {
  badgateway,
  bareEffectHttp,
  type ClientKind,
  type Contender,
  clientLayer,
  dispatcher,
  floor,
  openIdClient,
  type Target,
  teoEffect,
  teoEffectLayer,
  teoSample,
  undiciFloor
} from "./Contenders.ts"
import { type RemoteFake, startRemoteFake } from "./FakeProcess.ts"

export interface Sizes {
  readonly rounds: number
  readonly herd: number
  readonly overheadSequential: number
  readonly overheadConcurrent: number
  readonly stallSeconds: number
  readonly streamDossiers: number
  readonly decodeDossiers: number
  /** Dossiers of the bulk read (30 a page, 50 ms per answer). */
  readonly bulkDossiers: number
}

export const sizes = {
  tiny: {
    rounds: 1,
    herd: 20,
    overheadSequential: 20,
    overheadConcurrent: 64,
    stallSeconds: 1,
    streamDossiers: 300,
    decodeDossiers: 300,
    bulkDossiers: 300
  },
  quick: {
    rounds: 3,
    herd: 1000,
    overheadSequential: 1000,
    overheadConcurrent: 5000,
    stallSeconds: 4,
    streamDossiers: 100_000,
    decodeDossiers: 30_000,
    bulkDossiers: 3000
  },
  full: {
    rounds: 5,
    herd: 1000,
    overheadSequential: 2000,
    overheadConcurrent: 20_000,
    stallSeconds: 30,
    streamDossiers: 100_000,
    decodeDossiers: 100_000,
    bulkDossiers: 3000
  }
} satisfies Record<string, Sizes>

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0
}

type Fake = RemoteFake

/** What a contender needs of a FakeTeo process: its URLs and credentials. */
export const targetOf = (fake: Fake): Target => ({
  tokenUrl: fake.tokenUrl,
  apiUrl: fake.apiUrl,
  clientId: fake.env.TEO_CLIENT_ID,
  clientSecret: fake.env.TEO_CLIENT_SECRET,
  teoId: fake.env.TEO_ID
})

const withFake = async <A>(options: FakeTeoOptions, body: (fake: Fake, target: Target) => Promise<A>) => {
  const fake = await startRemoteFake(options)
  try {
    return await body(fake, targetOf(fake))
  } finally {
    await fake.close()
  }
}

/** Runs `tasks` with at most `concurrency` in flight. */
const pool = async (count: number, concurrency: number, task: () => Promise<void>) => {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        next++
        await task()
      }
    })
  )
}

// 1. Cold-start herd ----------------------------------------------------------

export interface HerdResult {
  readonly contender: string
  readonly tokenRequests: number
  /** Wall time of the herd: every call gets a token and a page. */
  readonly wallMillis: number
  /** Wall time over the fetch floor's (which got its token before the clock started). */
  readonly ratioToFloor: number
}

export const herd = (size: Sizes) =>
  withFake({ dossiers: 30 }, async (fake, target) => {
    const makers: ReadonlyArray<(target: Target) => Contender | Promise<Contender>> = [
      floor,
      (target) => teoEffect(target, { name: "teo-effect (undici)" }),
      (target) => teoEffect(target, { client: "fetch", name: "teo-effect (fetch)" }),
      teoSample,
      openIdClient,
      badgateway
    ]
    const rounds = new Map<string, Array<{ tokenRequests: number; wallMillis: number }>>()
    // The herd is about the token, not about opening sockets: both connection pools (fetch's
    // global one, and the undici dispatcher teo-effect shares with the undici floor) are warmed
    // with as many connections as the herd needs before any contender is measured.
    const fetchFloor = await floor(target)
    const undici = await undiciFloor(target)
    for (const warm of [fetchFloor, undici]) await Promise.all(Array.from({ length: size.herd }, () => warm.page(1)))
    for (let round = 0; round < size.rounds; round++) {
      for (const make of makers) {
        const contender = await make(target)
        await fake.reset()
        const before = (await fake.stats()).tokenRequests
        const started = performance.now()
        await Promise.all(Array.from({ length: size.herd }, () => contender.page(1)))
        const wallMillis = performance.now() - started
        const tokenRequests = (await fake.stats()).tokenRequests - before
        rounds.set(contender.name, [...(rounds.get(contender.name) ?? []), { tokenRequests, wallMillis }])
        await contender.close()
      }
    }
    const floorWall = median((rounds.values().next().value ?? []).map((r) => r.wallMillis))
    return [...rounds].map(([contender, values]): HerdResult => {
      const wallMillis = median(values.map((value) => value.wallMillis))
      return {
        contender,
        tokenRequests: median(values.map((value) => value.tokenRequests)),
        wallMillis,
        ratioToFloor: wallMillis / floorWall
      }
    })
  })

// 2. Per-call overhead --------------------------------------------------------

export interface OverheadResult {
  /** FakeTeo's profile: `rich` (every field the library knows of, API Platform's headers) or `documented` (téo's documented fields only). */
  readonly profile: FakeProfile
  readonly contender: string
  readonly concurrency: number
  readonly requestsPerSecond: number
  readonly p50Millis: number
  readonly p99Millis: number
  /** The client process's CPU time (user + system) per call, in microseconds. */
  readonly cpuMicrosPerCall: number
  /** Requests per second over the fetch floor's, in the same rounds. */
  readonly ratioToFloor: number
}

const overheadContenders = async (target: Target): Promise<Array<Contender>> => [
  await floor(target),
  await undiciFloor(target),
  teoSample(target),
  badgateway(target),
  openIdClient(target),
  await bareEffectHttp(target, "fetch"),
  await bareEffectHttp(target, "undici"),
  teoEffect(target, { client: "fetch", call: "dossiers" }),
  teoEffect(target, { client: "fetch", call: "raw" }),
  teoEffect(target, { client: "undici", call: "dossiers" }),
  teoEffect(target, { client: "undici", call: "raw" }),
  await bareEffectHttp(target, "own"),
  teoEffect(target, { client: "own", call: "dossiers" }),
  teoEffect(target, { client: "own", call: "raw" })
]

/**
 * The contenders on the documented profile: the floors, effect/http alone and
 * teo-effect, on undici's layer and on UndiciHttpClient (the profile changes
 * the answers, not the peers).
 */
const documentedContenders = async (target: Target): Promise<Array<Contender>> => [
  await floor(target),
  await undiciFloor(target),
  await bareEffectHttp(target, "undici"),
  teoEffect(target, { client: "undici", call: "dossiers" }),
  teoEffect(target, { client: "undici", call: "raw" }),
  await bareEffectHttp(target, "own"),
  teoEffect(target, { client: "own", call: "dossiers" }),
  teoEffect(target, { client: "own", call: "raw" })
]

/** Per-call overhead on FakeTeo's `profile` (the contenders of `overheadContenders`, or of `documentedContenders`). */
const overheadOn = (size: Sizes, profile: FakeProfile) =>
  withFake({ dossiers: 95, profile, tokenTtl: "12 hours" }, async (_fake, target) => {
    const contenders = await (profile === "rich" ? overheadContenders(target) : documentedContenders(target))
    // Warm up: connections, JIT, the token caches.
    for (const contender of contenders) for (let i = 0; i < 200; i++) await contender.page(30)
    const results: Array<OverheadResult> = []
    for (const [concurrency, count] of [
      [1, size.overheadSequential],
      [64, size.overheadConcurrent]
    ] as const) {
      const rounds = new Map<string, Array<{ rps: number; p50: number; p99: number; cpu: number }>>()
      for (let round = 0; round < size.rounds; round++) {
        for (const contender of contenders) {
          const latencies: Array<number> = []
          globalThis.gc?.()
          const cpuBefore = process.cpuUsage()
          const started = performance.now()
          await pool(count, concurrency, async () => {
            const begin = performance.now()
            const { items } = await contender.page(30)
            if (items !== 30) throw new Error(`${contender.name}: ${items} items`)
            latencies.push(performance.now() - begin)
          })
          const seconds = (performance.now() - started) / 1000
          const cpu = process.cpuUsage(cpuBefore)
          rounds.set(contender.name, [
            ...(rounds.get(contender.name) ?? []),
            {
              rps: count / seconds,
              p50: percentile(latencies, 50),
              p99: percentile(latencies, 99),
              cpu: (cpu.user + cpu.system) / count
            }
          ])
        }
      }
      const floorRps = median((rounds.get(contenders[0]?.name ?? "") ?? []).map((r) => r.rps))
      for (const [contender, values] of rounds) {
        const rps = median(values.map((value) => value.rps))
        results.push({
          profile,
          contender,
          concurrency,
          requestsPerSecond: rps,
          p50Millis: median(values.map((value) => value.p50)),
          p99Millis: median(values.map((value) => value.p99)),
          cpuMicrosPerCall: median(values.map((value) => value.cpu)),
          ratioToFloor: rps / floorRps
        })
      }
    }
    for (const contender of contenders) await contender.close()
    return results
  })

/** Per-call overhead on the rich profile, then on the documented one, each against its own fetch floor. */
export const overhead = async (size: Sizes): Promise<ReadonlyArray<OverheadResult>> => [
  ...(await overheadOn(size, "rich")),
  ...(await overheadOn(size, "documented"))
]

// 3. Refresh stalls -----------------------------------------------------------

export interface StallResult {
  readonly contender: string
  readonly calls: number
  readonly p99Millis: number
  readonly maxMillis: number
  readonly waitedOnToken: number
  readonly tokenRequests: number
}

const tokenLatency = 250

export const stalls = (size: Sizes) => {
  const run = async (name: string, tokenTtl: number, make: (target: Target) => Contender | Promise<Contender>) =>
    withFake(
      { dossiers: 30, tokenTtl: `${tokenTtl} seconds`, faults: { token: { latency: tokenLatency } } },
      async (fake, target) => {
        const contender = await make(target)
        // Warm up (connections, JIT) before the measure.
        for (let i = 0; i < 50; i++) await contender.page(1)
        await fake.reset()
        const latencies: Array<number> = []
        let waited = 0
        const inFlight: Array<Promise<void>> = []
        const end = performance.now() + size.stallSeconds * 1000
        // About 200 calls per second, on a fixed schedule, whatever the answers' speed.
        while (performance.now() < end) {
          const begin = performance.now()
          inFlight.push(
            contender.page(1).then(({ tokenMillis }) => {
              latencies.push(performance.now() - begin)
              if (tokenMillis >= tokenLatency / 2) waited++
            })
          )
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
        await Promise.all(inFlight)
        const tokenRequests = (await fake.stats()).tokenRequests
        await contender.close()
        return {
          contender: name,
          calls: latencies.length,
          p99Millis: percentile(latencies, 99),
          maxMillis: Math.max(...latencies),
          waitedOnToken: waited,
          tokenRequests
        } satisfies StallResult
      }
    )
  return (async () => {
    const rounds = new Map<string, Array<StallResult>>()
    for (let round = 0; round < size.rounds; round++) {
      for (const [name, ttl, make] of [
        ["teo-effect (undici)", 3, (target: Target) => teoEffect(target)],
        ["teo-effect (fetch)", 3, (target: Target) => teoEffect(target, { client: "fetch" })],
        ["téo's sample", 3, teoSample],
        ["teo-effect (undici), no refresh (1 h tokens)", 3600, (target: Target) => teoEffect(target)],
        ["undici floor, no refresh", 3600, undiciFloor],
        ["fetch floor, no refresh", 3600, floor]
      ] as const) {
        rounds.set(name, [...(rounds.get(name) ?? []), await run(name, ttl, make)])
      }
    }
    return [...rounds].map(
      ([contender, values]): StallResult => ({
        contender,
        calls: median(values.map((value) => value.calls)),
        p99Millis: median(values.map((value) => value.p99Millis)),
        maxMillis: median(values.map((value) => value.maxMillis)),
        waitedOnToken: median(values.map((value) => value.waitedOnToken)),
        tokenRequests: median(values.map((value) => value.tokenRequests))
      })
    )
  })()
}

// 4. Streaming ----------------------------------------------------------------

export interface StreamResult {
  readonly contender: string
  readonly items: number
  readonly itemsPerSecond: number
  readonly peakRssGrowthMb: number
}

const measureRss = async <A>(body: () => Promise<A>) => {
  globalThis.gc?.()
  const baseline = process.memoryUsage().rss
  let peak = baseline
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 20)
  try {
    const result = await body()
    peak = Math.max(peak, process.memoryUsage().rss)
    return { result, growthMb: (peak - baseline) / 1024 / 1024 }
  } finally {
    clearInterval(sampler)
  }
}

type GetJson = (url: string, token: string) => Promise<unknown>

const getJsonWithFetch: GetJson = async (url, token) => {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: "application/ld+json" } })
  return response.json()
}

const getJsonWithUndici: GetJson = async (url, token) => {
  const response = await undiciRequest(url, {
    dispatcher,
    headers: { authorization: `Bearer ${token}`, accept: "application/ld+json" }
  })
  return JSON.parse(await response.body.text())
}

/**
 * What a user without teo-effect writes: follow `hydra:view` → `hydra:next`
 * with `fetch` (or undici's `request`), 100 dossiers a page, no validation.
 */
const forEachPage = async (
  target: Target,
  token: string,
  onPage: (members: ReadonlyArray<unknown>) => void,
  getJson: GetJson = getJsonWithFetch
): Promise<void> => {
  let next: string | undefined = "/api/production/dossiers?itemsPerPage=100"
  while (next !== undefined) {
    const page = (await getJson(new URL(next, target.apiUrl).href, token)) as {
      "hydra:member": ReadonlyArray<unknown>
      "hydra:view"?: { "hydra:next"?: string }
    }
    onPage(page["hydra:member"])
    next = page["hydra:view"]?.["hydra:next"]
  }
}

export const streaming = (size: Sizes) =>
  withFake({ dossiers: size.streamDossiers }, async (_fake, target) => {
    const token = await teoSample(target).token()
    const viaTeoEffect = (kind: ClientKind) => async () => {
      const runtime = ManagedRuntime.make(teoEffectLayer(target, kind))
      let count = 0
      await runtime.runPromise(
        Effect.flatMap(Effect.service(Dossiers), (dossiers) =>
          Stream.runForEach(dossiers.list({ itemsPerPage: 100 }), () =>
            Effect.sync(() => {
              count++
            })
          )
        )
      )
      await runtime.dispose()
      return count
    }
    const viaLoop = (getJson: GetJson) => async () => {
      let count = 0
      await forEachPage(
        target,
        token,
        (members) => {
          count += members.length
        },
        getJson
      )
      return count
    }
    /** The same loop on effect/http's client (undici), `HttpClient.execute` + `json`: the floor on that client. */
    const viaEffectClient = async () => {
      const runtime = ManagedRuntime.make(clientLayer("undici"))
      let count = 0
      await runtime.runPromise(
        Effect.gen(function* () {
          const client = yield* HttpClient.HttpClient
          let next: string | undefined = "/api/production/dossiers?itemsPerPage=100"
          while (next !== undefined) {
            const response = yield* client.execute(
              HttpClientRequest.get(new URL(next, target.apiUrl).href).pipe(
                HttpClientRequest.bearerToken(token),
                HttpClientRequest.accept("application/ld+json")
              )
            )
            const page = (yield* response.json) as {
              "hydra:member": ReadonlyArray<unknown>
              "hydra:view"?: { "hydra:next"?: string }
            }
            count += page["hydra:member"].length
            next = page["hydra:view"]?.["hydra:next"]
          }
        })
      )
      await runtime.dispose()
      return count
    }
    const rounds = new Map<string, Array<StreamResult>>()
    for (let round = 0; round < size.rounds; round++) {
      for (const [name, body] of [
        ["teo-effect Dossiers.list (undici)", viaTeoEffect("undici")],
        ["hand-written loop on effect/http (undici)", viaEffectClient],
        ["hand-written loop (undici request)", viaLoop(getJsonWithUndici)],
        ["teo-effect Dossiers.list (fetch)", viaTeoEffect("fetch")],
        ["hand-written loop (fetch)", viaLoop(getJsonWithFetch)]
      ] as const) {
        const started = performance.now()
        const { result: items, growthMb } = await measureRss(body)
        const seconds = (performance.now() - started) / 1000
        if (items !== size.streamDossiers) throw new Error(`${name}: ${items} items`)
        rounds.set(name, [
          ...(rounds.get(name) ?? []),
          { contender: name, items, itemsPerSecond: items / seconds, peakRssGrowthMb: growthMb }
        ])
      }
    }
    return [...rounds].map(
      ([contender, values]): StreamResult => ({
        contender,
        items: median(values.map((value) => value.items)),
        itemsPerSecond: median(values.map((value) => value.itemsPerSecond)),
        peakRssGrowthMb: median(values.map((value) => value.peakRssGrowthMb))
      })
    )
  })

// 5. Decode cost --------------------------------------------------------------

export interface DecodeResult {
  readonly contender: string
  readonly dossiers: number
  readonly microsPerDossier: number
}

export const decode = (size: Sizes) =>
  withFake({ dossiers: size.decodeDossiers }, async (_fake, target) => {
    const token = await teoSample(target).token()
    // FakeTeo caps pages at 100: gather the pages into one big page, as text, once.
    const members: Array<unknown> = []
    await forEachPage(target, token, (page) => {
      members.push(...page)
    })
    const text = JSON.stringify({ "hydra:member": members, "hydra:totalItems": members.length })
    const decodePage = Schema.decodeUnknownSync(HydraCollection(Dossier))
    const rounds = { parse: [] as Array<number>, decode: [] as Array<number> }
    for (let round = 0; round < size.rounds; round++) {
      let started = performance.now()
      const parsed = JSON.parse(text)
      rounds.parse.push(((performance.now() - started) * 1000) / members.length)
      started = performance.now()
      const decoded = decodePage(JSON.parse(text))
      rounds.decode.push(((performance.now() - started) * 1000) / members.length)
      if (decoded.member.length !== members.length || parsed === undefined) throw new Error("decode: lost dossiers")
    }
    return [
      { contender: "JSON.parse", dossiers: members.length, microsPerDossier: median(rounds.parse) },
      { contender: "JSON.parse + Dossier schema", dossiers: members.length, microsPerDossier: median(rounds.decode) }
    ] satisfies Array<DecodeResult>
  })
