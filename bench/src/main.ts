/**
 * `npm run bench` — teo-effect against its peers, on FakeTeo over loopback, in
 * a child process (the client's CPU is measured alone).
 *
 *   node bench/src/main.ts [--quick (default) | --full | --tiny] [--out <file.json>] [--only herd,overhead,…]
 *
 * Prints a markdown table and writes the results as JSON (default
 * `bench/results/<mode>.json`), with the machine, Node version, sizes and rounds.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { cpus, totalmem } from "node:os"
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"
import { bulk, bulkBudget, bulkLatency } from "./Bulk.ts"
import { decode, herd, overhead, type Sizes, sizes, stalls, streaming } from "./Scenarios.ts"

const args = process.argv.slice(2)
const mode = args.includes("--full") ? "full" : args.includes("--tiny") ? "tiny" : "quick"
const size: Sizes = sizes[mode]
const outIndex = args.indexOf("--out")
const out =
  outIndex >= 0 && args[outIndex + 1] !== undefined
    ? (args[outIndex + 1] as string)
    : fileURLToPath(new URL(`../results/${mode}.json`, import.meta.url))

const log = (line: string) => process.stderr.write(`${line}\n`)
const fixed = (value: number, digits = 0) => value.toFixed(digits)

const started = performance.now()
const machine = {
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? "unknown"}`,
  memoryGb: Math.round(totalmem() / 1024 ** 3),
  node: process.version,
  platform: `${process.platform}-${process.arch}`
}
log(`bench (${mode}): ${machine.cpus}, ${machine.memoryGb} GB, Node ${machine.node}`)

const onlyIndex = args.indexOf("--only")
const only = onlyIndex >= 0 ? new Set((args[onlyIndex + 1] ?? "").split(",")) : undefined
/** Runs a scenario unless `--only` leaves it out (its results are then empty). */
const scenario = async <A>(name: string, step: string, run: () => Promise<ReadonlyArray<A>>) => {
  if (only !== undefined && !only.has(name)) return [] as ReadonlyArray<A>
  log(`${step} ${name}…`)
  return run()
}
const herdResults = await scenario("herd", "1/6", () => herd(size))
const overheadResults = await scenario("overhead", "2/6", () => overhead(size))
const stallResults = await scenario("stalls", "3/6", () => stalls(size))
const streamResults = await scenario("streaming", "4/6", () => streaming(size))
const decodeResults = await scenario("decode", "5/6", () => decode(size))
const bulkResults = await scenario("bulk", "6/6", () => bulk(size))
const seconds = (performance.now() - started) / 1000

const results = {
  date: new Date().toISOString(),
  mode,
  machine,
  sizes: size,
  seconds,
  herd: herdResults,
  overhead: overheadResults,
  stalls: stallResults,
  streaming: streamResults,
  decode: decodeResults,
  bulk: bulkResults
}

mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)

const table = (title: string, head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) =>
  [
    `### ${title}`,
    "",
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
    ""
  ].join("\n")

console.log(
  [
    `## teo-effect benchmarks (${mode})`,
    "",
    `${machine.cpus}, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}; median of ${size.rounds} round(s); ${fixed(seconds)} s in all.`,
    "",
    table(
      `1. Cold-start herd: ${size.herd} concurrent calls, empty cache`,
      ["contender", "token requests", "wall ms", "× fetch floor"],
      herdResults.map((r) => [r.contender, fixed(r.tokenRequests), fixed(r.wallMillis), fixed(r.ratioToFloor, 2)])
    ),
    table(
      `2. Per-call overhead: a 30-dossier page (${size.overheadSequential} calls at concurrency 1, ${size.overheadConcurrent} at 64)`,
      ["profile", "contender", "concurrency", "requests/s", "× fetch floor", "p50 ms", "p99 ms", "client CPU µs/call"],
      overheadResults.map((r) => [
        r.profile,
        r.contender,
        String(r.concurrency),
        fixed(r.requestsPerSecond),
        fixed(r.ratioToFloor, 2),
        fixed(r.p50Millis, 2),
        fixed(r.p99Millis, 2),
        fixed(r.cpuMicrosPerCall)
      ])
    ),
    table(
      `3. Refresh stalls: 3 s tokens, 250 ms token endpoint, ~200 calls/s for ${size.stallSeconds} s`,
      ["contender", "calls", "p99 ms", "max ms", "calls that waited on a token", "token requests"],
      stallResults.map((r) => [
        r.contender,
        fixed(r.calls),
        fixed(r.p99Millis, 1),
        fixed(r.maxMillis, 1),
        fixed(r.waitedOnToken),
        fixed(r.tokenRequests)
      ])
    ),
    table(
      `4. Streaming ${size.streamDossiers} dossiers (pages of 100)`,
      ["contender", "dossiers/s", "peak RSS growth MB"],
      streamResults.map((r) => [r.contender, fixed(r.itemsPerSecond), fixed(r.peakRssGrowthMb, 1)])
    ),
    table(
      `5. Decode cost (${decodeResults[0]?.dossiers ?? 0} dossiers)`,
      ["contender", "µs per dossier"],
      decodeResults.map((r) => [r.contender, fixed(r.microsPerDossier, 2)])
    ),
    table(
      `6. Bulk read: ${size.bulkDossiers} dossiers, 30 a page, ${bulkLatency} ms per API answer`,
      [
        "contender",
        "wall ms",
        "× hand loop",
        "items",
        "complete",
        "in order",
        "API requests",
        "peak heap Δ MB",
        "peak RSS Δ MB"
      ],
      bulkResults.map((r) => [
        r.contender,
        fixed(r.wallMillis),
        fixed(r.speedUp, 2),
        fixed(r.items),
        r.complete ? "yes" : "NO",
        r.inOrder ? "yes" : "no",
        fixed(r.apiRequests),
        fixed(r.peakHeapGrowthMb, 1),
        fixed(r.peakRssGrowthMb, 1)
      ])
    ),
    ...bulkResults.flatMap((r) =>
      r.idealMillis === undefined || r.ratioToIdeal === undefined
        ? []
        : [
            `Rate budget ${bulkBudget.limit} per ${bulkBudget.windowMillis} ms: ideal ${fixed(r.idealMillis)} ms (the first page, then window ⌈pages / ${bulkBudget.limit}⌉ − 1 opening, then one answer — an answer being the hand loop's time per page), measured ${fixed(r.wallMillis)} ms: ${fixed(r.ratioToIdeal, 3)} × the ideal.`,
            ""
          ]
    )
  ].join("\n")
)
log(`results written to ${out}`)
