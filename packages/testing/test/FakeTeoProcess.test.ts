/**
 * `fake-teo`, the standalone process: its flags and what it prints.
 */
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { main, optionsFromArgs } from "../src/bin/fake-teo.js"

describe("fake-teo", () => {
  it("reads its flags, and names a bad one", () => {
    assert.deepStrictEqual(optionsFromArgs(["--port", "0", "--dossiers", "12", "--token-ttl", "30", "--unprefixed"]), {
      port: 0,
      dossiers: 12,
      tokenTtl: "30 seconds",
      seed: 1,
      keyStyle: "unprefixed"
    })
    assert.throws(() => optionsFromArgs(["--dossiers", "many"]), /--dossiers must be an integer/)
    assert.throws(() => optionsFromArgs(["--colour"]), /colour/)
  })

  it("prints the environment on stdout and the rest on stderr; the fake answers", async () => {
    const out: Array<string> = []
    const err: Array<string> = []
    const close = await main(
      ["--port", "0", "--dossiers", "7"],
      (line) => out.push(line),
      (line) => err.push(line)
    )
    try {
      const env = Object.fromEntries(out.map((line) => line.replace(/^export /, "").split("=") as [string, string]))
      assert.deepStrictEqual(Object.keys(env), [
        "TEO_CLIENT_ID",
        "TEO_CLIENT_SECRET",
        "TEO_ID",
        "TEO_AUTH_URL",
        "TEO_API_URL"
      ])
      assert.include(err[0], "FakeTeo listening on http://127.0.0.1:")
      const response = await fetch(env.TEO_AUTH_URL ?? "", {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Authorization: `Basic ${Buffer.from(`${env.TEO_CLIENT_ID}:${env.TEO_CLIENT_SECRET}`).toString("base64")}`
        },
        body: `grant_type=client_credentials&scope=target-entity:${env.TEO_ID}`
      })
      assert.strictEqual(response.status, 200)
    } finally {
      await close()
    }
  })

  const built = fileURLToPath(new URL("../dist/bin/fake-teo.js", import.meta.url))
  it("runs as a process until interrupted (the built package: `npm test` builds before testing)", async () => {
    assert.isTrue(existsSync(built), `${built} is missing: run \`pnpm run build\` first`)
    const child = spawn(process.execPath, [built, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] })
    const firstLine = await new Promise<string>((resolve) =>
      child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString()))
    )
    assert.match(firstLine, /^export TEO_CLIENT_ID=fake-client/)
    child.kill("SIGINT")
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve))
    assert.strictEqual(code, 0)
  })
})
