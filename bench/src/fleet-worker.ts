/**
 * One process of a fleet, for `fleet.ts`: teo-effect on undici against a
 * FakeTeo process, with or without the Redis token store and the shared rate
 * budget. Driven over IPC: it says `ready` once its layers are built, runs
 * its scenario on `go`, and sends back what it saw.
 */
import { NodeHttpClient, NodeRedis } from "@effect/platform-node"
import { Dossiers, RateLimited, Teo, TeoApiError } from "@teo-effect/api"
import { RedisTokenStore, ResilientRedis } from "@teo-effect/auth"
import { Effect, Exit, Layer, ManagedRuntime, Redacted } from "effect"
import { RateLimiter } from "effect/persistence"

export interface WorkerConfig {
  readonly scenario: "cold" | "refresh" | "budget" | "steady"
  readonly tokenUrl: string
  readonly apiUrl: string
  readonly clientId: string
  readonly clientSecret: string
  readonly teoId: string
  readonly redisUrl: string
  readonly store: boolean
  readonly budget?: { readonly limit: number; readonly windowMillis: number } | undefined
  readonly seconds: number
}

export interface WorkerResult {
  readonly calls: number
  readonly ok: number
  readonly rateLimited: number
  readonly failed: number
  /** Calls slower than 200 ms: waiting on a token (the token endpoint answers in 250 ms). */
  readonly stalled: number
  /** From `go` to the last call's answer. */
  readonly elapsedMs: number
  /** The longest call. */
  readonly maxMs: number
}

const config = JSON.parse(process.argv[2] ?? "{}") as WorkerConfig

// As docs/fleet.md wires it: a Redis down or frozen at start is a degraded start, not a failed one.
const redis = ResilientRedis.layer(NodeRedis.layer({ url: config.redisUrl, ...ResilientRedis.nodeRedisOptions }))
const teo = Teo.layer({
  credentials: {
    clientId: config.clientId,
    clientSecret: Redacted.make(config.clientSecret),
    teoId: config.teoId,
    tokenUrl: config.tokenUrl
  },
  token: {
    refreshWindow: config.scenario === "refresh" ? "1 second" : "60 seconds",
    ...(config.store ? { store: RedisTokenStore.make() } : {})
  },
  api: {
    baseUrl: config.apiUrl,
    retry: false,
    ...(config.budget === undefined
      ? {}
      : { rateLimit: { limit: config.budget.limit, window: config.budget.windowMillis } })
  }
}).pipe(
  Layer.provide(
    config.budget === undefined || !config.store
      ? Layer.empty
      : RateLimiter.layer.pipe(Layer.provide(RateLimiter.layerStoreRedis()))
  ),
  Layer.provide(redis),
  Layer.provide(NodeHttpClient.layerUndici)
)
const runtime = ManagedRuntime.make(teo)

const call = Effect.flatMap(Effect.service(Dossiers), (dossiers) => dossiers.page({ itemsPerPage: 1 }))

const scenario = async (): Promise<WorkerResult> => {
  const tally = { calls: 0, ok: 0, rateLimited: 0, failed: 0, stalled: 0, elapsedMs: 0, maxMs: 0 }
  const go = performance.now()
  const one = async () => {
    const started = performance.now()
    const exit = await runtime.runPromiseExit(call)
    tally.calls++
    const took = performance.now() - started
    if (took > 200) tally.stalled++
    if (took > tally.maxMs) tally.maxMs = took
    if (Exit.isSuccess(exit)) tally.ok++
    else if (
      exit.cause.reasons.some(
        (reason) =>
          reason._tag === "Fail" && reason.error instanceof TeoApiError && reason.error.reason instanceof RateLimited
      )
    )
      tally.rateLimited++
    else tally.failed++
  }
  const until = performance.now() + config.seconds * 1000
  switch (config.scenario) {
    case "cold":
      await Promise.all(Array.from({ length: 250 }, one))
      break
    case "refresh":
      // A first token before the clock starts: the stalls counted are the refreshes', not the cold start's.
      await runtime.runPromise(call)
      // About 50 calls a second, one after the other's start.
      while (performance.now() < until) {
        void one()
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      await new Promise((resolve) => setTimeout(resolve, 300))
      break
    case "steady":
      // About 20 calls a second, each started 50 ms after the previous one, however long it takes.
      while (performance.now() < until) {
        void one()
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      await new Promise((resolve) => setTimeout(resolve, 1500))
      break
    case "budget":
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (performance.now() < until) await one()
        })
      )
      break
  }
  tally.elapsedMs = performance.now() - go
  return tally
}

process.on("message", async (message: { readonly go?: boolean }) => {
  if (message.go !== true) return
  const result = await scenario()
  process.send?.({ result })
  await runtime.dispose()
  process.exit(0)
})

// Layers built (no token yet: AccessToken is lazy), then ready.
await runtime.runPromise(Effect.void)
process.send?.({ ready: true })
