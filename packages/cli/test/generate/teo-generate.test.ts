/**
 * `teo generate`, the built executable as a user runs it: from a file, from a
 * public URL, from a URL of the API that asks for the téo token (sent there
 * only), and the exit code and message of a missing file or a broken document.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { FakeTeo, type RunningFakeTeo } from "@teo-effect/testing"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { teo } from "../utils/teo.js"

const here = new URL(".", import.meta.url).pathname
const fixture = (name: string) => `${here}fixtures/${name}.openapi.json`

let fake: RunningFakeTeo
let server: Server
let origin: string
const seen: Array<{ readonly url: string; readonly authorization: string | undefined }> = []
const folders: Array<string> = []

const folder = () => {
  const made = mkdtempSync(join(tmpdir(), "teo-generate-"))
  folders.push(made)
  return made
}

beforeAll(async () => {
  fake = await FakeTeo.start()
  const document = readFileSync(fixture("teo"), "utf8")
  server = createServer((request, response) => {
    seen.push({ url: request.url ?? "", authorization: request.headers.authorization })
    if (request.url === "/public/docs.jsonopenapi") {
      response.writeHead(200, { "content-type": "application/vnd.openapi+json" }).end(document)
    } else if (request.url === "/api/docs.jsonopenapi" && request.headers.authorization?.startsWith("Bearer ")) {
      response.writeHead(200, { "content-type": "application/json" }).end(document)
    } else if (request.url === "/api/docs.jsonopenapi") {
      response
        .writeHead(401, { "content-type": "application/json" })
        .end('{"code":401,"message":"JWT Token not found"}')
    } else {
      response.writeHead(404).end()
    }
  })
  origin = await new Promise<string>((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resolve(`http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`)
    })
  )
})

afterAll(async () => {
  await fake.close()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  for (const made of folders) rmSync(made, { recursive: true, force: true })
})

/** The files `teo generate` wrote, against those kept for the fixture. */
const assertGenerated = (out: string, name: string) => {
  const kept = readdirSync(`${here}generated/${name}`).sort()
  assert.deepStrictEqual(readdirSync(out).sort(), kept)
  for (const file of kept) {
    assert.strictEqual(readFileSync(join(out, file), "utf8"), readFileSync(`${here}generated/${name}/${file}`, "utf8"))
  }
}

describe("teo generate", () => {
  it("from a file: the modules, and a line saying what was written", async () => {
    const out = folder()
    const run = await teo(["generate", "--spec", fixture("teo"), "--out", out, "--name", "teo"])
    assert.strictEqual(run.code, 0, run.stderr)
    assert.strictEqual(
      run.stdout.trim(),
      `4 files written to ${out}: Dossiers, Prestations, their schemas and an index.`
    )
    assertGenerated(out, "teo")
  })

  it("again into the same folder: stale generated modules removed, the user's own files kept", async () => {
    const out = folder()
    assert.strictEqual((await teo(["generate", "--spec", fixture("demo-3.2"), "--out", out])).code, 0)
    const own = join(out, "notes.ts")
    writeFileSync(own, "export const mine = 1\n")
    const run = await teo(["generate", "--spec", fixture("teo"), "--out", out, "--name", "teo"])
    assert.strictEqual(run.code, 0, run.stderr)
    assert.deepStrictEqual(readdirSync(out).sort(), [
      "Dossiers.ts",
      "Prestations.ts",
      "index.ts",
      "notes.ts",
      "schemas.ts"
    ])
  })

  it("from a public URL, without a token", async () => {
    const out = folder()
    const run = await teo(["generate", "--spec", `${origin}/public/docs.jsonopenapi`, "--out", out, "--name", "teo"])
    assert.strictEqual(run.code, 0, run.stderr)
    assertGenerated(out, "teo")
    assert.isUndefined(seen.find((request) => request.url === "/public/docs.jsonopenapi")?.authorization)
  })

  it("from a URL of the API that answers 401: read again with the téo token, which is never printed", async () => {
    const out = folder()
    const run = await teo(["generate", "--spec", `${origin}/api/docs.jsonopenapi`, "--out", out, "--name", "teo"], {
      ...fake.env,
      TEO_API_URL: `${origin}/api`,
      TEO_ALLOW_PLAIN_HTTP: "1"
    })
    assert.strictEqual(run.code, 0, run.stderr)
    assert.include(run.stderr, "answered 401: reading it again with the téo token")
    assertGenerated(out, "teo")
    const asked = seen.filter((request) => request.url === "/api/docs.jsonopenapi")
    assert.deepStrictEqual(
      asked.map((request) => request.authorization === undefined),
      [true, false]
    )
    assert.notMatch(run.stdout + run.stderr, /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/)
  })

  it("a URL outside TEO_API_URL that asks for a token: refused, the token is not sent", async () => {
    const before = seen.length
    const run = await teo(["generate", "--spec", `${origin}/api/docs.jsonopenapi`, "--out", folder()], {
      ...fake.env,
      TEO_ALLOW_PLAIN_HTTP: "1"
    })
    assert.strictEqual(run.code, 2, run.stderr)
    assert.include(run.stderr, "refusing to send the téo token outside")
    assert.isTrue(seen.slice(before).every((request) => request.authorization === undefined))
  })

  it("a missing file exits 2, naming it", async () => {
    const run = await teo(["generate", "--spec", "nowhere.json", "--out", folder()])
    assert.strictEqual(run.code, 2)
    assert.include(run.stderr, "cannot read nowhere.json: no such file")
  })

  it("a document that is not API Platform's exits 2, naming the place", async () => {
    const spec = join(folder(), "pets.yaml")
    writeFileSync(
      spec,
      "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: {}\n"
    )
    const run = await teo(["generate", "--spec", spec, "--out", folder()])
    assert.strictEqual(run.code, 2)
    assert.include(run.stderr, `${spec} at #/paths: no operation answers application/ld+json`)
    assert.notInclude(run.stderr, "    at ")
  })
})
