/**
 * `teo partner-link` end to end: the built executable asks a running FakeTeo
 * (found through the environment `teo fake-server` prints) for a link, which
 * `PartnerLink` then verifies against that FakeTeo's JWKS — as a partner
 * application would.
 */
import { createServer } from "node:http"
import { PartnerLink } from "@teo-effect/auth"
import { FakeTeo, type RunningFakeTeo } from "@teo-effect/testing"
import { Effect } from "effect"
import { FetchHttpClient } from "effect/http"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { teo } from "./utils/teo.js"

let fake: RunningFakeTeo
let dossierId: string
let dossierNumber: string

/** What a partner application configured with `fake`'s environment makes of `token`. */
const verify = (token: string) =>
  Effect.runPromise(
    Effect.flatMap(Effect.service(PartnerLink), (links) => links.verify(token)).pipe(
      Effect.provide(PartnerLink.layer({ jwksUrl: fake.env.TEO_PARTNER_JWKS_URL })),
      Effect.provide(FetchHttpClient.layer)
    )
  )

beforeAll(async () => {
  fake = await FakeTeo.start({ dossiers: 3 })
  const listed = await teo(["dossiers", "list", "--format", "json"], fake.env)
  const dossiers = JSON.parse(listed.stdout) as Array<{ "@id": string; number: string }>
  dossierId = dossiers[2]?.["@id"].split("/").at(-1) ?? ""
  dossierNumber = dossiers[2]?.number ?? ""
})

afterAll(() => fake.close())

describe("teo partner-link", () => {
  it("prints a link to the application, signed by the FakeTeo of TEO_AUTH_URL, that PartnerLink accepts", async () => {
    const run = await teo(
      ["partner-link", "--dossier", dossierId, "--user", "u-9", "--app-url", "http://localhost:3000/teo?lang=fr"],
      fake.env
    )
    assert.strictEqual(run.code, 0, run.stderr)
    const lines = run.stdout.trimEnd().split("\n")
    assert.lengthOf(lines, 1)
    const link = new URL(lines[0] ?? "")
    assert.strictEqual(`${link.origin}${link.pathname}`, "http://localhost:3000/teo")
    assert.strictEqual(link.searchParams.get("lang"), "fr")
    const context = await verify(link.searchParams.get("token") ?? "")
    assert.strictEqual(context.dossierId, dossierId)
    assert.strictEqual(context.userId, "u-9")
    assert.include(run.stderr, `dossier ${dossierId}`)
    assert.include(run.stderr, fake.jwksUrl)
  })

  it("takes the dossier by number or IRI, as teo dossiers get: the link is for that dossier", async () => {
    for (const reference of [dossierNumber, `/api/production/dossiers/${dossierId}`]) {
      const run = await teo(["partner-link", "--dossier", reference], fake.env)
      assert.strictEqual(run.code, 0, run.stderr)
      const context = await verify(run.stdout.trim())
      assert.strictEqual(context.dossierId, dossierId)
    }
    assert.match(dossierNumber, /^D-\d{4}-\d{4}$/)
  })

  it("without --app-url, only the token; --ttl sets its lifetime; --parameter names the query parameter", async () => {
    const bare = await teo(["partner-link", "--dossier", dossierId, "--ttl", "60", "--fake-url", fake.url], {})
    assert.strictEqual(bare.code, 0, bare.stderr)
    const context = await verify(bare.stdout.trim())
    assert.strictEqual(context.expiresAt.epochMilliseconds - (context.issuedAt?.epochMilliseconds ?? 0), 60_000)
    const named = await teo(
      ["partner-link", "--dossier", dossierId, "--app-url", "https://partner.example/", "--parameter", "jwt"],
      fake.env
    )
    assert.strictEqual(named.code, 0, named.stderr)
    assert.match(named.stdout.trim(), /^https:\/\/partner\.example\/\?jwt=eyJ/)
  })

  it("an unknown dossier or a bad argument exits 2, saying what is wrong", async () => {
    const unknown = await teo(["partner-link", "--dossier", "00000000-0000-4000-8000-000000000000"], fake.env)
    assert.strictEqual(unknown.code, 2)
    assert.include(unknown.stderr, "FakeTeo has no dossier 00000000-0000-4000-8000-000000000000")
    assert.include(unknown.stderr, "teo dossiers list --columns id")
    const unknownNumber = await teo(["partner-link", "--dossier", "D-1999-9999"], fake.env)
    assert.strictEqual(unknownNumber.code, 2)
    assert.include(unknownNumber.stderr, "FakeTeo has no dossier numbered D-1999-9999")
    const notUuid = await teo(["partner-link", "--dossier", "hello"], fake.env)
    assert.strictEqual(notUuid.code, 2)
    assert.include(notUuid.stderr, 'not a dossier UUID, IRI or number: "hello"')
    const badUrl = await teo(["partner-link", "--dossier", dossierId, "--app-url", "localhost:3000"], fake.env)
    assert.strictEqual(badUrl.code, 2)
    assert.include(badUrl.stderr, "--app-url must be an absolute http(s) URL")
    // --fake would sign with an embedded FakeTeo gone when teo exits: refused, not ignored.
    const embedded = await teo(["--fake", "partner-link", "--dossier", dossierId], fake.env)
    assert.strictEqual(embedded.code, 2)
    assert.include(embedded.stderr, "never an embedded one: drop --fake")
    // TEO_FAKE asks for the same embedded FakeTeo: refused the same way, naming it as set.
    const runs = [unknown, unknownNumber, notUuid, badUrl, embedded]
    for (const value of ["1", "yes"]) {
      const fromEnv = await teo(["partner-link", "--dossier", dossierId], { ...fake.env, TEO_FAKE: value })
      assert.strictEqual(fromEnv.code, 2, fromEnv.stderr)
      assert.include(fromEnv.stderr, `never an embedded one: unset TEO_FAKE (TEO_FAKE=${value})`)
      runs.push(fromEnv)
    }
    // TEO_FAKE=0 asks for nothing: the link, from the running FakeTeo.
    const off = await teo(["partner-link", "--dossier", dossierId], { ...fake.env, TEO_FAKE: "0" })
    assert.strictEqual(off.code, 0, off.stderr)
    assert.strictEqual(runs.map((run) => run.stdout).join(""), "")
  })

  it("no FakeTeo there exits 5 and says how to start one; a server that is not a FakeTeo exits 4", async () => {
    const none = await teo(["partner-link", "--dossier", dossierId, "--fake-url", "http://127.0.0.1:9"])
    assert.strictEqual(none.code, 5)
    assert.include(none.stderr, "no FakeTeo answers at http://127.0.0.1:9")
    assert.include(none.stderr, "teo fake-server")
    const other = createServer((_request, response) => response.writeHead(404).end())
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve))
    try {
      const port = (other.address() as { port: number }).port
      const run = await teo(["partner-link", "--dossier", dossierId, "--fake-url", `http://127.0.0.1:${port}`])
      assert.strictEqual(run.code, 4, run.stderr)
      assert.include(run.stderr, "answered HTTP 404 to /_fake/partner-links: it is not a FakeTeo")
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()))
    }
  })
})
