/**
 * Fleet mode, measured with real processes: FakeTeo in its own process, a
 * real `redis-server`, and N worker processes (`fleet-worker.ts`), each
 * teo-effect on undici.
 *
 *   node bench/src/fleet.ts [--quick]
 *
 * (a) 8 processes, a cold start of 250 concurrent calls each: token requests,
 *     with and without the Redis token store;
 * (b) 4 processes for 30 s (10 s with --quick), 3 s tokens, a 250 ms token
 *     endpoint: token requests per refresh period across the fleet (goal 1),
 *     calls stalled by a refresh (goal 0);
 * (c) 6 processes as fast as they can against a FakeTeo limit of 50
 *     requests/s: 429s and throughput, with and without the shared budget;
 * (d) 4 processes, 20 calls/s each, Redis frozen (SIGSTOP) for 3 s mid-run;
 * (e) the same, Redis down at start and up 2 s later: failed calls (goal 0),
 *     the longest call, token requests.
 *
 * Prints a table; writes bench/results/fleet.json.
 */
import { type ChildProcess, fork, spawn } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { cpus, totalmem } from "node:os"
import { fileURLToPath } from "node:url"
import { launchRedisServer } from "@teo-effect/test-support"
import { type RemoteFake, startRemoteFake } from "./FakeProcess.ts"
import type { WorkerConfig, WorkerResult } from "./fleet-worker.ts"

const quick = process.argv.includes("--quick")

/** A redis-server, and a way to empty it between scenarios. */
const startRedis = async () => {
  const redis = await launchRedisServer()
  const flush = () =>
    new Promise<void>((resolve) => {
      spawn("redis-cli", ["-p", String(redis.port), "FLUSHALL"]).once("exit", () => resolve())
    })
  return { url: redis.url, flush, stop: redis.stop, start: redis.start, freeze: redis.freeze, thaw: redis.thaw }
}

/** Runs `count` workers with `config`, started together; their results. */
const fleet = async (
  count: number,
  config: WorkerConfig,
  during: () => Promise<void> = async () => {}
): Promise<ReadonlyArray<WorkerResult>> => {
  const workers: Array<ChildProcess> = Array.from({ length: count }, () =>
    fork(fileURLToPath(new URL("./fleet-worker.ts", import.meta.url)), [JSON.stringify(config)], {
      stdio: ["ignore", "ignore", "inherit", "ipc"]
    })
  )
  await Promise.all(workers.map((worker) => new Promise<void>((resolve) => worker.once("message", () => resolve()))))
  const results = workers.map(
    (worker) =>
      new Promise<WorkerResult>((resolve) =>
        worker.on("message", (message: { result?: WorkerResult }) => {
          if (message.result !== undefined) resolve(message.result)
        })
      )
  )
  for (const worker of workers) worker.send({ go: true })
  await during()
  return Promise.all(results)
}

/** A worker's config against `fake`: its endpoints and credentials, and the scenario's settings. */
const workerConfig = (
  fake: RemoteFake,
  settings: Pick<WorkerConfig, "scenario" | "store" | "seconds"> & Partial<Pick<WorkerConfig, "budget">>
): WorkerConfig => ({
  tokenUrl: fake.tokenUrl,
  apiUrl: fake.apiUrl,
  clientId: fake.env.TEO_CLIENT_ID,
  clientSecret: fake.env.TEO_CLIENT_SECRET,
  teoId: fake.env.TEO_ID,
  redisUrl: redis.url,
  ...settings
})

const sum = (results: ReadonlyArray<WorkerResult>, key: keyof WorkerResult) =>
  results.reduce((total, result) => total + result[key], 0)

const only = process.env.FLEET_ONLY
const redis = await startRedis()
const rows: Array<Record<string, string | number>> = []
try {
  // (a) cold start
  for (const store of only === undefined || only === "a" ? [false, true] : []) {
    const fake = await startRemoteFake({ dossiers: 95 })
    await redis.flush()
    const results = await fleet(8, workerConfig(fake, { scenario: "cold", store, seconds: 0 }))
    const stats = await fake.stats()
    rows.push({
      scenario: "(a) cold start, 8 processes × 250 calls",
      store: store ? "Redis" : "in process",
      "token requests": stats.tokenRequests,
      calls: sum(results, "calls"),
      failed: sum(results, "failed")
    })
    await fake.close()
  }
  // (b) refresh periods
  const seconds = quick ? 10 : 30
  for (const store of only === undefined || only === "b" ? [false, true] : []) {
    const fake = await startRemoteFake({ dossiers: 95, tokenTtl: "3 seconds", faults: { token: { latency: 250 } } })
    await redis.flush()
    const results = await fleet(4, workerConfig(fake, { scenario: "refresh", store, seconds }))
    const stats = await fake.stats()
    // A token lives 3 s and is renewed 1 s (plus jitter) before expiry: about one period per 2 s.
    const periods = seconds / 2
    rows.push({
      scenario: `(b) refresh, 4 processes × ${seconds} s, 3 s tokens`,
      store: store ? "Redis" : "in process",
      "token requests": stats.tokenRequests,
      "per refresh period": (stats.tokenRequests / periods).toFixed(2),
      calls: sum(results, "calls"),
      stalled: sum(results, "stalled")
    })
    await fake.close()
  }
  // (c) shared budget
  for (const shared of only === undefined || only === "c" ? [false, true] : []) {
    const fake = await startRemoteFake({ dossiers: 95, rateLimit: { requests: 50, window: "1 second" } })
    await redis.flush()
    const budgetSeconds = quick ? 5 : 15
    const results = await fleet(
      6,
      workerConfig(fake, {
        scenario: "budget",
        store: shared,
        budget: shared ? { limit: 48, windowMillis: 1000 } : undefined,
        seconds: budgetSeconds
      })
    )
    const stats = await fake.stats()
    const limited = stats.apiByStatus["429"] ?? 0
    const elapsed = Math.max(...results.map((result) => result.elapsedMs)) / 1000
    rows.push({
      scenario: `(c) 6 processes for ${budgetSeconds} s, téo limit 50/s`,
      store: shared ? "shared budget (48/s, Redis)" : "no budget",
      "API requests": stats.apiRequests,
      "429s": limited,
      "429 share": `${((100 * limited) / Math.max(1, stats.apiRequests)).toFixed(2)} %`,
      "successes/s": (sum(results, "ok") / elapsed).toFixed(1),
      "× the limit": (sum(results, "ok") / elapsed / 50).toFixed(2)
    })
    await fake.close()
  }
  // (d) Redis frozen (SIGSTOP) for 3 s in the middle of a run; (e) Redis down at start, up after 2 s
  const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))
  for (const fault of only === undefined || only === "d" ? (["frozen", "down at start"] as const) : []) {
    const fake = await startRemoteFake({ dossiers: 95 })
    await redis.flush()
    if (fault === "down at start") await redis.stop()
    const before = await fake.stats()
    const results = await fleet(
      4,
      workerConfig(fake, { scenario: "steady", store: true, budget: { limit: 1000, windowMillis: 1000 }, seconds: 6 }),
      async () => {
        if (fault === "frozen") {
          await sleep(1500)
          redis.freeze()
          await sleep(3000)
          redis.thaw()
        } else {
          await sleep(2000)
          await redis.start()
        }
      }
    )
    const stats = await fake.stats()
    rows.push({
      scenario:
        fault === "frozen"
          ? "(d) 4 processes × 6 s, 20 calls/s each, Redis frozen 3 s mid-run"
          : "(e) 4 processes × 6 s, 20 calls/s each, Redis down at start, up after 2 s",
      store: "Redis token store + shared budget, ResilientRedis",
      calls: sum(results, "calls"),
      failed: sum(results, "failed") + sum(results, "rateLimited"),
      "longest call (ms)": Math.round(Math.max(...results.map((result) => result.maxMs))),
      "calls > 200 ms": sum(results, "stalled"),
      "token requests": stats.tokenRequests - before.tokenRequests
    })
    await fake.close()
  }
} finally {
  await redis.stop()
}

for (const row of rows) console.log(JSON.stringify(row))
mkdirSync(fileURLToPath(new URL("../results", import.meta.url)), { recursive: true })
writeFileSync(
  fileURLToPath(new URL(`../results/fleet${quick ? "-quick" : ""}.json`, import.meta.url)),
  `${JSON.stringify({ machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version }, rows }, null, 2)}\n`
)
process.exit(0)
