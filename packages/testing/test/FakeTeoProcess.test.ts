/**
 * `fake-teo`, the standalone process (the built package: `npm test` builds
 * before testing): its flags, what it prints, how it stops.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"

// The executable as installed: the bin shim, which runs the built dist/bin/fake-teo.js.
const built = fileURLToPath(new URL("../bin/fake-teo.js", import.meta.url))

/** Starts `fake-teo args`; resolves once it printed its six `export` lines. */
const launch = async (args: ReadonlyArray<string>) => {
  assert.isTrue(existsSync(built), `${built} is missing: run \`pnpm run build\` first`)
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [built, ...args])
  let out = ""
  let err = ""
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString()
  })
  const lines = await new Promise<ReadonlyArray<string>>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      const lines = out.split("\n").filter((line) => line !== "")
      if (lines.length >= 6) resolve(lines)
    })
    child.once("exit", (code) => reject(new Error(`fake-teo exited with ${code}: ${err}`)))
  })
  const env = Object.fromEntries(lines.map((line) => line.replace(/^export /, "").split("=") as [string, string]))
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve))
  const stop = () => {
    child.kill("SIGINT")
    return exited
  }
  return { env, lines, stderr: () => err, stop }
}

/** Runs `fake-teo args` to its end. */
const runToEnd = (args: ReadonlyArray<string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [built, ...args])
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.once("exit", (code) => resolve({ code, stdout, stderr }))
  })

describe("fake-teo", () => {
  it("is linked on a workspace's first install: its bin is a committed file, not a build output", async () => {
    const { readFileSync } = await import("node:fs")
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      bin: Record<string, string>
    }
    const target = manifest.bin["fake-teo"] ?? ""
    assert.notInclude(target, "dist/")
    assert.isTrue(existsSync(fileURLToPath(new URL(`../${target}`, import.meta.url))))
  })

  it("prints the environment on stdout, the rest on stderr; answers as its flags say; exits 0 when interrupted", async () => {
    const fake = await launch(["--port", "0", "--dossiers", "7", "--profile", "documented", "--unprefixed"])
    try {
      assert.deepStrictEqual(Object.keys(fake.env), [
        "TEO_CLIENT_ID",
        "TEO_CLIENT_SECRET",
        "TEO_ID",
        "TEO_AUTH_URL",
        "TEO_API_URL",
        "TEO_PARTNER_JWKS_URL"
      ])
      assert.include(fake.stderr(), "FakeTeo (documented profile) listening on http://127.0.0.1:")
      // The serviceIds a new dossier can take: what a first `teo dossiers create` needs.
      assert.match(
        fake.stderr(),
        /Its prestations \(the serviceId of a new dossier\): [0-9a-f]{8}-[0-9a-f-]{27}(, |$)/m
      )
      const tokenResponse = await fetch(fake.env.TEO_AUTH_URL ?? "", {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Authorization: `Basic ${Buffer.from(`${fake.env.TEO_CLIENT_ID}:${fake.env.TEO_CLIENT_SECRET}`).toString("base64")}`
        },
        body: `grant_type=client_credentials&scope=target-entity:${fake.env.TEO_ID}`
      })
      assert.strictEqual(tokenResponse.status, 200)
      const { access_token } = (await tokenResponse.json()) as { access_token: string }
      const page = (await (
        await fetch(`${fake.env.TEO_API_URL}/production/dossiers`, {
          headers: { Authorization: `Bearer ${access_token}` }
        })
      ).json()) as { totalItems: number; member: Array<Record<string, unknown>> }
      assert.strictEqual(page.totalItems, 7)
      assert.sameMembers(Object.keys(page.member[0] ?? {}), ["@id", "@type", "firstName", "lastName", "email", "phone"])
    } finally {
      assert.strictEqual(await fake.stop(), 0)
    }
  })

  it("names a bad flag, exit 2", async () => {
    const result = await runToEnd(["--dossiers", "many"])
    assert.strictEqual(result.code, 2)
    assert.include(result.stderr, "--dossiers")
  })

  it("says the port is taken, exit 2", async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const result = await runToEnd(["--port", String(port)])
      assert.strictEqual(result.code, 2)
      assert.include(result.stderr, `fake-teo: FakeTeo could not listen on 127.0.0.1:${port}: the port is in use`)
      assert.strictEqual(result.stdout, "")
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()))
    }
  })

  it("runs from a directory whose path holds a space and an accent (a user's « Mes documents »)", async () => {
    const { cpSync, mkdtempSync, rmSync, symlinkSync } = await import("node:fs")
    const { tmpdir } = await import("node:os")
    const { join } = await import("node:path")
    const home = join(mkdtempSync(join(tmpdir(), "fake-teo-")), "Mes documents", "intégration téo")
    const packageDir = fileURLToPath(new URL("..", import.meta.url))
    try {
      for (const part of ["bin", "dist", "package.json"])
        cpSync(join(packageDir, part), join(home, part), { recursive: true })
      symlinkSync(join(packageDir, "node_modules"), join(home, "node_modules"))
      const child = spawn(process.execPath, [join(home, "bin", "fake-teo.js"), "--help"])
      let stdout = ""
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString()
      })
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve))
      assert.strictEqual(code, 0)
      assert.include(stdout, "fake-teo")
      assert.include(stdout, "--port")
    } finally {
      rmSync(join(home, "..", ".."), { recursive: true, force: true })
    }
  })
})

describe("fake-teo on the Node.js version", () => {
  /** `fake-teo --help` on a Node.js that says it is `version`. */
  const on = (version: string) =>
    spawnSync(
      process.execPath,
      [
        "--import",
        `data:text/javascript,Object.defineProperty(process,"versions",{value:{...process.versions,node:"${version}"}})`,
        built,
        "--help"
      ],
      { encoding: "utf8" }
    )

  it("older than package.json's engines: one line saying what is needed and what runs, exit 1", () => {
    const old = on("20.20.2")
    assert.strictEqual(old.status, 1)
    assert.include(old.stderr, "fake-teo: Node.js 22.19 or later is needed; this is Node.js 20.20.2.")
    const recent = on("22.19.0")
    assert.strictEqual(recent.status, 0, recent.stderr)
  })
})
