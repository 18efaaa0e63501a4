/**
 * The benchmark at tiny sizes: it runs end to end and writes results of the
 * expected shape. No timing is asserted here; the figures are in
 * docs/benchmarks.md.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "vitest"

describe("npm run bench --tiny", () => {
  it("runs every scenario and writes results of the expected shape", () => {
    const out = join(mkdtempSync(join(tmpdir(), "bench-")), "tiny.json")
    const run = spawnSync(
      process.execPath,
      [fileURLToPath(new URL("../src/main.ts", import.meta.url)), "--tiny", "--out", out],
      {
        encoding: "utf8",
        timeout: 120_000
      }
    )
    assert.strictEqual(run.status, 0, run.stderr)
    assert.include(run.stdout, "## teo-effect benchmarks (tiny)")
    const results = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>
    assert.includeMembers(Object.keys(results), [
      "machine",
      "sizes",
      "herd",
      "overhead",
      "stalls",
      "streaming",
      "decode"
    ])
    const herd = results.herd as Array<{ contender: string; tokenRequests: number; ratioToFloor: number }>
    assert.deepStrictEqual(
      herd.map((row) => row.contender),
      [
        "fetch floor (fetch + JSON.parse)",
        "teo-effect (undici)",
        "teo-effect (fetch)",
        "téo's sample",
        "openid-client 6",
        "@badgateway/oauth2-client"
      ]
    )
    assert.strictEqual(herd[1]?.tokenRequests, 1, "teo-effect on undici: one token request for the herd")
    assert.strictEqual(herd[2]?.tokenRequests, 1, "teo-effect on fetch: one token request for the herd")
    assert.strictEqual(herd[0]?.ratioToFloor, 1)
    const overhead = results.overhead as Array<Record<string, number> & { contender: string }>
    assert.includeMembers(
      overhead.map((row) => row.contender),
      [
        "fetch floor (fetch + JSON.parse)",
        "undici floor (request + JSON.parse)",
        "teo-effect Dossiers.page() on undici",
        "teo-effect TeoApi.page(Unknown) on undici",
        "teo-effect Dossiers.page() on FetchHttpClient",
        "teo-effect TeoApi.page(Unknown) on FetchHttpClient"
      ]
    )
    for (const row of overhead) {
      assert.isAbove(row.requestsPerSecond ?? 0, 0)
      assert.isAbove(row.cpuMicrosPerCall ?? 0, 0, "client CPU is measured")
      assert.isAtLeast(row.p99Millis ?? 0, row.p50Millis ?? 0)
    }
    assert.lengthOf(results.stalls as Array<unknown>, 6)
    assert.lengthOf(results.streaming as Array<unknown>, 5)
    assert.lengthOf(results.decode as Array<unknown>, 2)
  })
})
