/**
 * End to end: the built `teo` executable, spawned as a user would run it,
 * against a FakeTeo (or its own embedded one). Exit codes, stdout and stderr
 * kept apart, valid NDJSON, and never the secret or the token unless asked.
 */
import { spawn, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import { FakeTeo, type RunningFakeTeo } from "@teo-effect/testing"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { bin, type Run, teo } from "./utils/teo.js"

const secret = "cli-CANARY-secret-4e1f"

let fake: RunningFakeTeo
let env: Record<string, string>

beforeAll(async () => {
  assert.isTrue(existsSync(bin), `${bin} is missing: build first (npm test does)`)
  fake = await FakeTeo.start({ clients: [{ clientId: "cli-client", clientSecret: secret, teoIds: ["cli-instance"] }] })
  env = fake.env
})

afterAll(() => fake.close())

/** The secret and every token FakeTeo issued must be absent from `run`'s output. */
const assertNoSecrets = (run: Run) => {
  assert.notInclude(run.stdout + run.stderr, secret)
  assert.notInclude(run.stdout + run.stderr, Buffer.from(`cli-client:${secret}`).toString("base64"))
  assert.notMatch(run.stdout + run.stderr, /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/)
}

describe("teo token", () => {
  it("prints instance, scope, lifetime, expiry and latency, not the token", async () => {
    const run = await teo(["token"], env)
    assert.strictEqual(run.code, 0, run.stderr)
    assert.match(run.stdout, /^instance {4}cli-instance$/m)
    assert.match(run.stdout, /^scope {7}target-entity:cli-instance$/m)
    assert.match(run.stdout, /^lifetime {4}599 s$/m)
    assert.match(run.stdout, /^expires at {2}\d{4}-\d{2}-\d{2}T/m)
    assert.match(run.stdout, /^latency {5}\d+ ms$/m)
    assert.strictEqual(run.stderr, "")
    assertNoSecrets(run)
  })

  it("prints the token with --show-token, and warns on stderr", async () => {
    const run = await teo(["token", "--show-token"], env)
    assert.strictEqual(run.code, 0)
    assert.match(run.stdout, /^token {7}eyJ[\w-]+\.[\w-]+\.[\w-]+$/m)
    assert.include(run.stderr, "warning")
    assert.notInclude(run.stdout + run.stderr, secret)
  })

  it("--format json and raw, for scripts: raw is the token alone and needs --show-token", async () => {
    const described = await teo(["token", "--format", "json"], env)
    assert.strictEqual(described.code, 0, described.stderr)
    const facts = JSON.parse(described.stdout) as Record<string, unknown>
    assert.strictEqual(facts.lifetimeSeconds, 599)
    assert.isUndefined(facts.token)
    assertNoSecrets(described)
    const withToken = JSON.parse((await teo(["token", "--format", "json", "--show-token"], env)).stdout) as {
      token: string
    }
    assert.match(withToken.token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/)
    const raw = await teo(["token", "--format", "raw", "--show-token"], env)
    assert.strictEqual(raw.code, 0)
    assert.match(raw.stdout, /^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/)
    assert.include(raw.stderr, "warning")
    const unasked = await teo(["token", "--format", "raw"], env)
    assert.strictEqual(unasked.code, 2)
    assert.strictEqual(unasked.stdout, "")
    assert.include(unasked.stderr, "add --show-token")
  })

  it("a wrong secret exits 3 with a hint in French and English", async () => {
    const run = await teo(["token"], { ...env, TEO_CLIENT_SECRET: "wrong" })
    assert.strictEqual(run.code, 3)
    assert.strictEqual(run.stdout, "")
    assert.include(run.stderr, "invalid_client")
    assert.include(run.stderr, "vérifiez CLIENT_ID et CLIENT_SECRET")
    assert.include(run.stderr, "check TEO_CLIENT_ID and TEO_CLIENT_SECRET")
    assert.notInclude(run.stderr, "    at ")
  })

  it("a wrong TEO_ID exits 3", async () => {
    const run = await teo(["token"], { ...env, TEO_ID: "not-mine" })
    assert.strictEqual(run.code, 3)
    assert.include(run.stderr, "TEO_ID")
  })

  it("an unreachable auth server exits 5", async () => {
    const run = await teo(["token"], { ...env, TEO_AUTH_URL: "http://127.0.0.1:9/oauth2/token" })
    assert.strictEqual(run.code, 5)
    assert.include(run.stderr, "TEO_AUTH_URL")
  })

  it("a malformed TEO_AUTH_URL exits 2, naming the variable, not an internal field or SchemaError(", async () => {
    const run = await teo(["token"], { ...env, TEO_AUTH_URL: "ftp://auth.example.test" })
    assert.strictEqual(run.code, 2)
    assert.include(run.stderr, "TEO_AUTH_URL (or --auth-url) must be an absolute http(s) URL")
    assert.notInclude(run.stderr, "SchemaError")
    assert.notInclude(run.stderr, "tokenUrl")
  })

  it("incomplete credentials exit 2, naming what is missing", async () => {
    const run = await teo(["token"], { TEO_CLIENT_ID: "cli-client", TEO_ID: "cli-instance" })
    assert.strictEqual(run.code, 2)
    assert.include(run.stderr, "incomplete credentials: TEO_CLIENT_SECRET (--client-secret-file) missing")
    assert.notInclude(run.stderr, "TEO_CLIENT_ID (")
  })

  it("reads the secret from --client-secret-file", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs")
    const dir = mkdtempSync(`${process.env.TMPDIR ?? "/tmp"}/teo-`)
    writeFileSync(`${dir}/secret`, `${secret}\n`)
    const { TEO_CLIENT_SECRET: _, ...withoutSecret } = env
    const run = await teo(["--client-secret-file", `${dir}/secret`, "token"], withoutSecret)
    assert.strictEqual(run.code, 0, run.stderr)
    assertNoSecrets(run)
  })
})

describe("teo dossiers", () => {
  it("list --format ndjson: one valid dossier per line, 95 in all, nothing else on stdout", async () => {
    const run = await teo(["dossiers", "list", "--format", "ndjson"], env)
    assert.strictEqual(run.code, 0, run.stderr)
    const lines = run.stdout.trimEnd().split("\n")
    assert.lengthOf(lines, 95)
    for (const line of lines) {
      const dossier = JSON.parse(line) as Record<string, unknown>
      assert.match(String(dossier["@id"]), /^\/api\/production\/dossiers\//)
    }
    assertNoSecrets(run)
  })

  it("list --limit --format json: a JSON array", async () => {
    const run = await teo(["dossiers", "list", "--limit", "7", "--page-size", "5", "--format", "json"], env)
    assert.strictEqual(run.code, 0, run.stderr)
    const dossiers = JSON.parse(run.stdout) as Array<unknown>
    assert.lengthOf(dossiers, 7)
  })

  it("list as a table fits the width, with --stats on stderr", async () => {
    const run = await teo(["dossiers", "list", "--limit", "3", "--stats"], env)
    assert.strictEqual(run.code, 0, run.stderr)
    const lines = run.stdout.trimEnd().split("\n")
    assert.lengthOf(lines, 5)
    assert.match(lines[0] ?? "", /^Numéro\s+Nom\s+Prénom\s+Statut\s+Début\s+Email$/)
    for (const line of lines) assert.isAtMost(line.length, 120)
    assert.match(run.stderr, /^3 dossiers shown · \d+ pages? fetched · 1 token request · \d+\.\d\d s$/m)
  })

  it("a table without --limit shows the first 100 and says there are more; ndjson and --limit are not bounded", async () => {
    const many = await FakeTeo.start({
      dossiers: 130,
      clients: [{ clientId: "cli-client", clientSecret: secret, teoIds: ["cli-instance"] }]
    })
    try {
      const table = await teo(["dossiers", "list"], many.env)
      assert.strictEqual(table.code, 0, table.stderr)
      assert.lengthOf(table.stdout.trimEnd().split("\n"), 102) // the header, its rule, 100 rows
      assert.include(table.stderr, "the first 100 dossiers are shown, and there are more")
      const all = await teo(["dossiers", "list", "--format", "ndjson"], many.env)
      assert.lengthOf(all.stdout.trimEnd().split("\n"), 130)
      assert.notInclude(all.stderr, "first 100")
      const asked = await teo(["dossiers", "list", "--limit", "110"], many.env)
      assert.lengthOf(asked.stdout.trimEnd().split("\n"), 112)
      assert.notInclude(asked.stderr, "first 100")
      // Fewer than the bound: all of them, nothing said.
      const few = await teo(["dossiers", "list", "--limit", "5"], env)
      assert.notInclude(few.stderr, "first 100")
    } finally {
      await many.close()
    }
  })

  it("get with a whole URL: refused before anything is sent, exit 2, saying why", async () => {
    for (const url of ["https://evil.example/api/production/dossiers", "//evil.example/api", "HTTP://127.0.0.1:9/x"]) {
      const run = await teo(["get", url], env)
      assert.strictEqual(run.code, 2, run.stderr)
      assert.include(run.stderr, "not a URL")
      assert.include(run.stderr, "TEO_API_URL")
      assert.strictEqual(run.stdout, "")
    }
    const path = await teo(["get", "/production/dossiers"], env)
    assert.strictEqual(path.code, 0, path.stderr)
  })

  it("get by UUID prints the dossier; a bad argument exits 2; an unknown dossier exits 4", async () => {
    const listed = await teo(["dossiers", "list", "--limit", "1", "--format", "json"], env)
    const [first] = JSON.parse(listed.stdout) as Array<{ "@id": string; lastName: string }>
    const id = first?.["@id"].split("/").at(-1) ?? ""
    const found = await teo(["dossiers", "get", id], env)
    assert.strictEqual(found.code, 0, found.stderr)
    assert.strictEqual((JSON.parse(found.stdout) as { lastName: string }).lastName, first?.lastName)
    const byIri = await teo(["dossiers", "get", first?.["@id"] ?? ""], env)
    assert.strictEqual(byIri.code, 0)

    for (const notARef of ["not an id", "hello"]) {
      const bad = await teo(["dossiers", "get", notARef], env)
      assert.strictEqual(bad.code, 2)
      assert.include(bad.stderr, "not a dossier UUID, IRI or number")
    }
    // Not found is one exit code, by number as by UUID.
    const noSuchNumber = await teo(["dossiers", "get", "D-1900-0001"], env)
    assert.strictEqual(noSuchNumber.code, 4)
    assert.include(noSuchNumber.stderr, 'no dossier is numbered "D-1900-0001"')
    // By number and by UUID: the same answer, @context included.
    const number = (JSON.parse(found.stdout) as { number: string }).number
    const byNumber = await teo(["dossiers", "get", number], env)
    assert.strictEqual(byNumber.code, 0, byNumber.stderr)
    assert.deepStrictEqual(JSON.parse(byNumber.stdout), JSON.parse(found.stdout))

    const unknown = await teo(["dossiers", "get", "00000000-0000-4000-8000-000000000000"], env)
    assert.strictEqual(unknown.code, 4)
    assert.include(unknown.stderr, "404")
  })

  it("create prints the new dossier; invalid fields exit 2 (checked first) or 4 (téo's 422), in French", async () => {
    /** `teo dossiers create` for Léa Dupont, with `email` and `serviceId` as given. */
    const create = (email: string, serviceId: string) =>
      teo(
        [
          ...["dossiers", "create", "--first-name", "Léa", "--last-name", "Dupont"],
          ...["--email", email, "--service-id", serviceId]
        ],
        env
      )
    const created = await create("lea.dupont@example.fr", fake.prestationIds[0] ?? "")
    assert.strictEqual(created.code, 0, created.stderr)
    assert.strictEqual((JSON.parse(created.stdout) as { lastName: string }).lastName, "Dupont")

    const local = await create("pas-un-email", "x")
    assert.strictEqual(local.code, 2)
    assert.include(local.stderr, "email: Cette valeur n'est pas une adresse email valide.")
    assert.strictEqual(local.stdout, "")

    const remote = await create("lea@example.fr", "00000000-0000-4000-8000-000000000000")
    assert.strictEqual(remote.code, 4)
    assert.include(remote.stderr, "serviceId: Cette prestation n'existe pas.")
  })
})

describe("teo get", () => {
  it("prints any path as JSON-LD, and every member as NDJSON with --all", async () => {
    const entrypoint = await teo(["get", "/api"], env)
    assert.strictEqual(entrypoint.code, 0, entrypoint.stderr)
    assert.strictEqual((JSON.parse(entrypoint.stdout) as Record<string, unknown>)["@type"], "Entrypoint")
    const all = await teo(["get", "/production/dossiers", "--all"], env)
    assert.strictEqual(all.code, 0)
    const lines = all.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    assert.isAtLeast(lines.length, 95)
  })
})

describe("usage", () => {
  it("an unknown flag exits 2 with the error and where the help is, on stderr — not the whole help", async () => {
    const run = await teo(["dossiers", "list", "--colour"], env)
    assert.strictEqual(run.code, 2)
    assert.strictEqual(run.stdout, "")
    assert.include(run.stderr, "--colour")
    assert.include(run.stderr, "see `teo dossiers list --help`")
    assert.notInclude(run.stderr, "USAGE")
    assert.isAtMost(run.stderr.trim().split("\n").length, 8)
  })

  it("bare teo (or a group alone) shows the help on stderr and exits 2; --help is the output, exit 0", async () => {
    for (const args of [[], ["dossiers"]]) {
      const run = await teo(args, env)
      assert.strictEqual(run.code, 2, args.join(" "))
      assert.strictEqual(run.stdout, "")
      assert.include(run.stderr, "USAGE")
    }
    const help = await teo(["--help"], env)
    assert.strictEqual(help.code, 0)
    assert.include(help.stdout, "USAGE")
  })

  it("--version is the package's version", async () => {
    const { version } = createRequire(import.meta.url)("../package.json") as { version: string }
    const run = await teo(["--version"])
    assert.strictEqual(run.code, 0)
    assert.strictEqual(run.stdout.trim(), `teo v${version}`)
  })

  it("--help shows the commands with examples and exits 0", async () => {
    const run = await teo(["dossiers", "list", "--help"])
    assert.strictEqual(run.code, 0)
    assert.include(run.stdout, "--format")
    assert.include(run.stdout, "teo dossiers list --limit 20")
  })
})

describe("from the table to a new dossier, as the help says", () => {
  it("shows the UUIDs (--columns), finds a dossier by its number, lists prestations, creates with one", async () => {
    const listed = await teo(["dossiers", "list", "--limit", "2", "--columns", "id,number,lastName"], env)
    assert.strictEqual(listed.code, 0, listed.stderr)
    const [header, , row] = listed.stdout.trimEnd().split("\n")
    assert.match(header ?? "", /^UUID\s+Numéro\s+Nom$/)
    const [uuid, number] = (row ?? "").split(/\s+/)
    assert.match(uuid ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-/)
    const byNumber = await teo(["dossiers", "get", number ?? ""], env)
    assert.strictEqual(byNumber.code, 0, byNumber.stderr)
    assert.strictEqual((JSON.parse(byNumber.stdout) as { "@id": string })["@id"], `/api/production/dossiers/${uuid}`)
    const unknownColumn = await teo(["dossiers", "list", "--columns", "id,colour"], env)
    assert.strictEqual(unknownColumn.code, 2)
    assert.include(unknownColumn.stderr, 'no column "colour"')

    const prestations = await teo(["prestations", "list", "--format", "json"], env)
    assert.strictEqual(prestations.code, 0, prestations.stderr)
    const [prestation] = JSON.parse(prestations.stdout) as Array<{ "@id": string; name: string }>
    const serviceId = prestation?.["@id"].split("/").at(-1) ?? ""
    assert.include([...fake.prestationIds], serviceId)
    const created = await teo(
      [
        "dossiers",
        "create",
        "--first-name",
        "Léa",
        "--last-name",
        "Dupont",
        "--email",
        "lea@example.fr",
        "--service-id",
        serviceId
      ],
      env
    )
    assert.strictEqual(created.code, 0, created.stderr)
  })
})

describe("streams", () => {
  it("a reader that closes the pipe early (| head -1) ends it quietly, exit 0", async () => {
    const child = spawn(process.execPath, [bin, "dossiers", "list", "--format", "ndjson"], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    // The first line read, the reader goes away, as `head -1` does.
    child.stdout.once("data", () => child.stdout.destroy())
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
    assert.strictEqual(code, 0, stderr)
    assert.notInclude(stderr, "EPIPE")
    assert.notInclude(stderr, "    at ")
  })

  it("logs go to stderr: with --log-level debug, stdout is still one JSON dossier per line", async () => {
    const run = await teo(["dossiers", "list", "--limit", "3", "--format", "ndjson", "--log-level", "debug"], env)
    assert.strictEqual(run.code, 0, run.stderr)
    const lines = run.stdout.trimEnd().split("\n")
    assert.lengthOf(lines, 3)
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), line)
    assert.match(run.stderr, /level=DEBUG/)
  })

  it("an unreachable API exits 5 and says where it looked", async () => {
    const run = await teo(["dossiers", "list", "--limit", "1"], { ...env, TEO_API_URL: "http://127.0.0.1:9/api" })
    assert.strictEqual(run.code, 5)
    assert.include(run.stderr, "http://127.0.0.1:9")
    assert.include(run.stderr, "TEO_API_URL")
  })

  it("help states the defaults and the page size's cap", async () => {
    const run = await teo(["dossiers", "list", "--help"])
    assert.strictEqual(run.code, 0)
    assert.include(run.stdout, "(default: table)")
    assert.include(run.stdout, "FakeTeo: at most 100")
  })
})

describe("embedded FakeTeo and fake-server", () => {
  it("with no credentials: exit 2 naming each variable and its flag, no data — not a FakeTeo unasked", async () => {
    for (const env of [
      {},
      { TEO_API_URL: "https://teoapp.fr/api", TEO_AUTH_URL: "https://auth.teoapp.fr/oauth2/token" }
    ]) {
      const run = await teo(["dossiers", "list", "--limit", "2", "--format", "json"], env)
      assert.strictEqual(run.code, 2, run.stderr)
      assert.strictEqual(run.stdout, "")
      for (const missing of [
        "TEO_CLIENT_ID (--client-id)",
        "TEO_CLIENT_SECRET (--client-secret-file)",
        "TEO_ID (--teo-id)"
      ]) {
        assert.include(run.stderr, missing)
      }
      assert.include(run.stderr, "--fake (or TEO_FAKE=1)")
      assert.notInclude(run.stderr, "FakeTeo embarqué")
    }
  })

  it("TEO_FAKE=1 (or --fake): says so on stderr and answers from an embedded FakeTeo", async () => {
    const run = await teo(["dossiers", "list", "--limit", "2", "--format", "json"], { TEO_FAKE: "1" })
    assert.strictEqual(run.code, 0, run.stderr)
    assert.include(run.stderr, "embedded FakeTeo (TEO_FAKE): generated data")
    assert.lengthOf(JSON.parse(run.stdout) as Array<unknown>, 2)
    const wrong = await teo(["dossiers", "list"], { TEO_FAKE: "maybe" })
    assert.strictEqual(wrong.code, 2)
    assert.include(wrong.stderr, "TEO_FAKE")
  })

  it("the demo (npm run demo): 20 dossiers from an embedded FakeTeo, even with credentials set, and a summary", async () => {
    const run = await teo(["--fake", "dossiers", "list", "--limit", "20", "--format", "table", "--stats"], env)
    assert.strictEqual(run.code, 0, run.stderr)
    assert.include(run.stderr, "embedded FakeTeo (--fake)")
    assert.lengthOf(run.stdout.trimEnd().split("\n"), 22)
    assert.match(
      run.stderr,
      /^20 dossiers shown · \d+ pages? fetched · 1 token request · \d+\.\d\d s \(embedded FakeTeo\)$/m
    )
    assertNoSecrets(run)
  })

  // The documented profile: teo reads a téo that serves only what téo documents (the other tests use the rich one).
  it("fake-server prints the environment, serves (documented profile), and stops on SIGINT", async () => {
    const child = spawn(
      process.execPath,
      [bin, "fake-server", "--port", "0", "--dossiers", "4", "--profile", "documented"],
      {
        env: { PATH: process.env.PATH ?? "" },
        stdio: ["ignore", "pipe", "pipe"]
      }
    )
    let stdout = ""
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString()
        if (stdout.includes("TEO_PARTNER_JWKS_URL")) resolve()
      })
    )
    const served = Object.fromEntries(
      stdout
        .trim()
        .split("\n")
        .map((line) => line.replace(/^export /, "").split("=") as [string, string])
    )
    const run = await teo(["dossiers", "list", "--format", "json"], served)
    const listed = JSON.parse(run.stdout) as Array<{ "@id": string; status?: string }>
    assert.lengthOf(listed, 4)
    assert.isTrue(listed.every((dossier) => dossier.status === undefined))
    const table = await teo(["dossiers", "list", "--format", "table"], served)
    assert.strictEqual(table.code, 0, table.stderr)
    assert.lengthOf(table.stdout.trimEnd().split("\n"), 6)
    const one = await teo(["dossiers", "get", listed[0]?.["@id"].split("/").at(-1) ?? ""], served)
    assert.strictEqual(one.code, 0, one.stderr)
    child.kill("SIGINT")
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
    assert.strictEqual(code, 130)
  })

  it("fake-server on a port in use says so, exit 2", async () => {
    const { createServer } = await import("node:net")
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const run = await teo(["fake-server", "--port", String(port)])
      assert.strictEqual(run.code, 2)
      assert.include(run.stderr, `FakeTeo could not listen on 127.0.0.1:${port}: the port is in use`)
      assert.notInclude(run.stderr, "unexpected error")
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()))
    }
  })

  it("fake-server and the fake-teo executable are one command: the same flags", async () => {
    const fakeTeo = createRequire(import.meta.url)
      .resolve("@teo-effect/testing/package.json")
      .replace(/package\.json$/, "dist/bin/fake-teo.js")
    const help = (command: string, args: ReadonlyArray<string>) =>
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, [command, ...args, "--help"], { stdio: ["ignore", "pipe", "pipe"] })
        let stdout = ""
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString()
        })
        child.on("close", () => resolve(stdout))
      })
    // Its own flags: teo adds its connection flags (INHERITED FLAGS), both the global ones.
    const flagsOf = (text: string) => text.slice(text.indexOf("FLAGS"), text.search(/INHERITED FLAGS|GLOBAL FLAGS/))
    const [server, standalone] = await Promise.all([help(bin, ["fake-server"]), help(fakeTeo, [])])
    assert.include(flagsOf(server), "--profile")
    assert.strictEqual(flagsOf(server), flagsOf(standalone))
  })
})

describe("the Node.js version", () => {
  const shim = fileURLToPath(new URL("../bin/teo.js", import.meta.url))
  /** The installed executable (the bin shim) on a Node.js that says it is `version`. */
  const on = (version: string) =>
    spawnSync(
      process.execPath,
      [
        "--import",
        `data:text/javascript,Object.defineProperty(process,"versions",{value:{...process.versions,node:"${version}"}})`,
        shim,
        "--version"
      ],
      { encoding: "utf8" }
    )

  it("older than package.json's engines: one line saying what is needed and what runs, exit 1", () => {
    for (const version of ["20.20.2", "22.18.9"]) {
      const run = on(version)
      assert.strictEqual(run.status, 1)
      assert.strictEqual(run.stdout, "")
      assert.include(run.stderr, `teo: Node.js 22.19 or later is needed; this is Node.js ${version}.`)
    }
  })

  it("recent enough: the command runs", () => {
    const run = on("22.19.0")
    assert.strictEqual(run.status, 0, run.stderr)
    assert.match(run.stdout, /^teo v\d+\.\d+\.\d+/)
  })
})
