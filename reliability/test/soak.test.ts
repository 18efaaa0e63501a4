/**
 * The chaos soak in `npm test`: 2,000 calls against a FakeTeo failing in every
 * way (docs/reliability.md), on the real clock. `npm run soak` runs 50,000.
 */
import { assert, describe, it } from "vitest"
import { check, report, runSoak } from "../src/soak.ts"

describe("chaos soak", () => {
  it("2,000 calls: each a success or a typed error, ≥ 95 % successes, bounded token requests, nothing left open", async () => {
    const figures = await runSoak({ calls: 2000, concurrency: 40 })
    console.log(report(figures))
    assert.deepStrictEqual(check(figures), [])
    assert.isAbove(Object.keys(figures.apiByStatus).length, 3, "the faults did happen")
  })
})
