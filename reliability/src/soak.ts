/**
 * The chaos soak: the real teo-effect against a FakeTeo that fails often, for
 * a number of calls; every call must end in a success or a typed error.
 */

import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { Dossiers, TeoApi } from "@teo-effect/api"
import { AccessToken, TeoCredentials } from "@teo-effect/auth"
import { FakeTeo } from "@teo-effect/testing"
import { Cause, Effect, Exit, Layer, ManagedRuntime, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"

/** The fault mix of docs/reliability.md. */
export const faults = {
  api: {
    errorRate: 0.1,
    rateLimitRate: 0.05,
    resetRate: 0.02,
    malformedRate: 0.02,
    latencySpikeRate: 0.03,
    latencySpike: 200
  },
  token: { errorRate: 0.1, resetRate: 0.02 }
} as const

export const tokenLifetimeSeconds = 2

export interface SoakFigures {
  readonly calls: number
  readonly concurrency: number
  readonly seconds: number
  readonly successes: number
  readonly typedFailures: Readonly<Record<string, number>>
  readonly defects: number
  readonly unhandledRejections: number
  readonly successRate: number
  readonly tokenRequests: number
  readonly tokenRequestBound: number
  readonly apiRequests: number
  readonly apiByStatus: Readonly<Record<string, number>>
  /** Heap in use after a full GC, at 25 %, 50 %, 75 % and 100 % of the calls. */
  readonly heapAfterGcMb: ReadonlyArray<number>
  /** Active handles (sockets, timers…) left after the run minus before it. */
  readonly leftoverResources: ReadonlyArray<string>
}

const resources = () => process.getActiveResourcesInfo().filter((name) => name !== "TTYWrap")

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10

/** A full GC, even without --expose-gc, so that heap samples count what is retained. */
const collectGarbage = (): void => {
  setFlagsFromString("--expose-gc")
  ;(runInNewContext("gc") as () => void)()
}

export const runSoak = async (options: {
  readonly calls: number
  readonly concurrency: number
}): Promise<SoakFigures> => {
  let unhandledRejections = 0
  const onRejection = () => {
    unhandledRejections++
  }
  process.on("unhandledRejection", onRejection)
  const before = resources()
  const fake = await FakeTeo.start({ dossiers: 95, tokenTtl: `${tokenLifetimeSeconds} seconds`, faults, seed: 42 })
  const runtime = ManagedRuntime.make(
    Dossiers.layer.pipe(
      Layer.provide(TeoApi.layer({ baseUrl: fake.apiUrl })),
      Layer.provide(AccessToken.layer()),
      Layer.provide(
        TeoCredentials.layer({
          clientId: fake.env.TEO_CLIENT_ID,
          clientSecret: Redacted.make(fake.env.TEO_CLIENT_SECRET),
          teoId: fake.env.TEO_ID,
          tokenUrl: fake.tokenUrl
        })
      ),
      Layer.provide(FetchHttpClient.layer)
    )
  )
  const call = Effect.flatMap(Effect.service(Dossiers), (dossiers) => dossiers.page({ itemsPerPage: 5 }))
  let successes = 0
  let defects = 0
  const typedFailures: Record<string, number> = {}
  const heapAfterGc: Array<number> = []
  const checkpoints = new Set([0.25, 0.5, 0.75].map((share) => Math.round(options.calls * share)))
  const started = performance.now()
  let next = 0
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.calls) {
        next++
        if (checkpoints.has(next)) {
          collectGarbage()
          heapAfterGc.push(mb(process.memoryUsage().heapUsed))
        }
        const exit = await runtime.runPromiseExit(call)
        if (Exit.isSuccess(exit)) {
          successes++
        } else {
          const failure = exit.cause.reasons.find(Cause.isFailReason)
          if (failure === undefined || Cause.hasDies(exit.cause)) defects++
          else {
            const tag = (failure.error as { _tag: string })._tag
            const reason = (failure.error as { reason?: string }).reason
            const key = reason === undefined ? tag : `${tag} (${reason})`
            typedFailures[key] = (typedFailures[key] ?? 0) + 1
          }
        }
      }
    })
  )
  const seconds = (performance.now() - started) / 1000
  collectGarbage()
  heapAfterGc.push(mb(process.memoryUsage().heapUsed))
  await runtime.dispose()
  const stats = fake.stats()
  await fake.close()
  // Let closed sockets and cleared timers leave the handle list.
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setTimeout(resolve, 50))
  const after = resources()
  process.off("unhandledRejection", onRejection)
  const leftover = [...after]
  for (const name of before) {
    const index = leftover.indexOf(name)
    if (index >= 0) leftover.splice(index, 1)
  }
  // One token per (lifetime − refresh window) = 1 s of run, each with at most 1 + 3 attempts, plus the cold start.
  const refreshWindow = tokenLifetimeSeconds / 2
  const tokenRequestBound = (Math.ceil(seconds / (tokenLifetimeSeconds - refreshWindow)) + 1) * 4
  return {
    calls: options.calls,
    concurrency: options.concurrency,
    seconds,
    successes,
    typedFailures,
    defects,
    unhandledRejections,
    successRate: successes / options.calls,
    tokenRequests: stats.tokenRequests,
    tokenRequestBound,
    apiRequests: stats.apiRequests,
    apiByStatus: stats.apiByStatus,
    heapAfterGcMb: heapAfterGc,
    leftoverResources: leftover
  }
}

export const report = (figures: SoakFigures): string =>
  [
    `chaos soak: ${figures.calls} calls at concurrency ${figures.concurrency} in ${figures.seconds.toFixed(1)} s`,
    `  successes ${figures.successes} (${(figures.successRate * 100).toFixed(2)} %), typed failures ${JSON.stringify(figures.typedFailures)}, defects ${figures.defects}, unhandled rejections ${figures.unhandledRejections}`,
    `  token requests ${figures.tokenRequests} (bound ${figures.tokenRequestBound}); API requests ${figures.apiRequests} ${JSON.stringify(figures.apiByStatus)}`,
    `  heap after GC at 25/50/75/100 %: ${figures.heapAfterGcMb.join(" / ")} MB; handles left open: ${figures.leftoverResources.length === 0 ? "none" : figures.leftoverResources.join(", ")}`
  ].join("\n")

/** Growth of the retained heap from the first checkpoint to the end, in MB. */
export const heapGrowth = (figures: SoakFigures): number =>
  (figures.heapAfterGcMb.at(-1) ?? 0) - (figures.heapAfterGcMb[0] ?? 0)

/** What must hold after a soak; the failed criteria, empty when all hold. */
export const check = (figures: SoakFigures): ReadonlyArray<string> =>
  [
    figures.defects === 0 ? undefined : `${figures.defects} defects`,
    figures.unhandledRejections === 0 ? undefined : `${figures.unhandledRejections} unhandled rejections`,
    figures.successes + Object.values(figures.typedFailures).reduce((a, b) => a + b, 0) === figures.calls
      ? undefined
      : "calls lost",
    figures.successRate >= 0.95 ? undefined : `success rate ${(figures.successRate * 100).toFixed(2)} % < 95 %`,
    figures.tokenRequests <= figures.tokenRequestBound
      ? undefined
      : `${figures.tokenRequests} token requests > bound ${figures.tokenRequestBound}`,
    heapGrowth(figures) < 10
      ? undefined
      : `heap grew ${heapGrowth(figures).toFixed(1)} MB between the 25 % and 100 % checkpoints`,
    figures.leftoverResources.length === 0 ? undefined : `left open: ${figures.leftoverResources.join(", ")}`
  ].filter((problem): problem is string => problem !== undefined)
