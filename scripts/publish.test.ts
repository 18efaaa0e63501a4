/**
 * `scripts/publish.ts`, the release's publishing step, against real
 * registries on loopback: a local verdaccio (local-registry.ts) holding part
 * of the release, one that refuses connections, one that never answers.
 * A whole release and its refusal the second time are checked by
 * release-local.ts, in `npm test`'s docs run. Publishes the built packages
 * (`tsc -b` first).
 *
 * Usage: pnpm exec vitest run --project scripts publish
 */
import { spawn, spawnSync } from "node:child_process"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { npmEnvironment, startLocalRegistry } from "./local-registry.ts"
import { frozenServer, refusingUrl } from "./loopback.ts"

const script = fileURLToPath(new URL("./publish.ts", import.meta.url))
const root = fileURLToPath(new URL("..", import.meta.url))
const names = ["@teo-effect/api", "@teo-effect/auth", "@teo-effect/cli", "@teo-effect/testing"]
const { version } = JSON.parse(readFileSync(join(root, "packages/auth/package.json"), "utf8")) as {
  readonly version: string
}

/** publish.ts as `pnpm run release` runs it, in a process of its own (spawn: the registry may be in this one). */
const publish = (env: Readonly<Record<string, string>>) =>
  new Promise<{ readonly status: number | null; readonly stdout: string; readonly stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [script], { cwd: root, env: npmEnvironment(env) })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8")
    })
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
    })
    child.once("close", (status) => resolve({ status, stdout, stderr }))
  })

const tags = () => spawnSync("git", ["tag", "--list", "@teo-effect/*"], { cwd: root, encoding: "utf8" }).stdout.trim()

describe("publish.ts", () => {
  it("publishes what the registry lacks, and names what it already had", { timeout: 180_000 }, async () => {
    const registry = await startLocalRegistry()
    try {
      // An earlier release that stopped after one package.
      const first = spawnSync("pnpm", ["publish", "--no-git-checks"], {
        cwd: join(root, "packages/auth"),
        env: npmEnvironment(registry.publishEnv),
        encoding: "utf8"
      })
      expect(first.status, first.stderr).toBe(0)

      const tagsBefore = tags()
      const run = await publish(registry.publishEnv)
      expect(run.status, run.stderr).toBe(0)
      expect(run.stdout).toContain(`${registry.url} already has ${version} of @teo-effect/auth: publishing the others.`)
      expect(run.stdout).toContain(`✓ ${registry.url} has ${version} of ${names.join(", ")}`)
      for (const name of names) {
        const shown = spawnSync("npm", ["view", name, "versions", "--json"], {
          env: npmEnvironment(registry.installEnv),
          encoding: "utf8"
        })
        expect(JSON.parse(shown.stdout)).toEqual([version])
      }
      // No git tag: release:tag makes them.
      expect(tags()).toEqual(tagsBefore)
    } finally {
      await registry.stop()
    }
  })

  it("refuses a file in a published folder that git does not track, before asking any registry", {
    timeout: 120_000
  }, async () => {
    // A local secret beside the sources: `files` publishes src/, so the release would carry it.
    const stray = join(root, "packages/auth/src", `.env.publish-test-${process.pid}`)
    writeFileSync(stray, "TEO_CLIENT_SECRET=canary\n")
    try {
      const url = await refusingUrl()
      const run = await publish({ npm_config_registry: url, npm_config_fetch_retries: "0" })
      expect(run.status).toBe(1)
      expect(run.stderr).toBe(
        `✗ @teo-effect/auth would publish files git does not track: packages/auth/src/.env.publish-test-${process.pid}. Commit them or remove them, then release\n`
      )
      expect(`${run.stdout}${run.stderr}`).not.toContain("canary")
    } finally {
      rmSync(stray, { force: true })
    }
  })

  it("stops, naming the registry, when it refuses connections", { timeout: 120_000 }, async () => {
    const url = await refusingUrl()
    const run = await publish({ npm_config_registry: url, npm_config_fetch_retries: "0" })
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(new RegExp(`^✗ could not ask ${url.replace(/[.]/g, "\\.")} whether @teo-effect/`))
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(run.stdout).not.toContain("changeset")
  })

  it("stops, naming the registry, when it accepts and never answers", { timeout: 120_000 }, async () => {
    const { url, server: frozen } = await frozenServer()
    try {
      const run = await publish({
        npm_config_registry: url,
        npm_config_fetch_retries: "0",
        npm_config_fetch_timeout: "1000"
      })
      expect(run.status).toBe(1)
      expect(run.stderr).toContain(`✗ could not ask ${url} whether @teo-effect/`)
      expect(run.stderr).not.toMatch(/\n\s+at /)
    } finally {
      frozen.close()
    }
  })
})
