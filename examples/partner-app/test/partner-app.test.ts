/**
 * The partner application end to end against FakeTeo: through its web
 * handler with both FakeTeo profiles (links FakeTeo issues, verified against
 * its JWKS; the dossier read from its API), and as the program, spawned with
 * the environment `teo fake-server` prints, over real sockets.
 */
import { Dossiers } from "@teo-effect/api"
import { PartnerLink } from "@teo-effect/auth"
import { FakeTeo, TeoTest } from "@teo-effect/testing"
import { Context, Effect, Layer, Logger, ManagedRuntime } from "effect"
import { FetchHttpClient } from "effect/http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeApp } from "../src/App.ts"
import { freePort, main, startProgram } from "./program.ts"

const open = (link: string) => new Request(`http://localhost/teo?token=${encodeURIComponent(link)}`)

describe.each(["rich", "documented"] as const)("with FakeTeo's %s profile", (profile) => {
  let app: ReturnType<typeof makeApp>
  let fake: FakeTeo["Service"]
  let runtime: ManagedRuntime.ManagedRuntime<FakeTeo | Dossiers | PartnerLink, unknown>
  const logs: Array<string> = []

  beforeAll(async () => {
    const links = Layer.unwrap(
      Effect.map(Effect.service(FakeTeo), (fake) =>
        PartnerLink.layer({ jwksUrl: fake.jwksUrl, replayProtection: true }).pipe(Layer.provide(FetchHttpClient.layer))
      )
    )
    runtime = ManagedRuntime.make(links.pipe(Layer.provideMerge(TeoTest.layer({ fakeTeo: { profile } }))))
    const context = await runtime.runPromise(Effect.context<FakeTeo | Dossiers | PartnerLink>())
    fake = Context.get(context, FakeTeo)
    // The app's logs, kept for the tests to read (a passing run prints none of them).
    app = makeApp(
      Layer.succeedContext(context),
      Logger.layer([Logger.map(Logger.formatLogFmt, (line) => logs.push(line))])
    )
  })

  afterAll(async () => {
    await app.dispose()
    await runtime.dispose()
  })

  const run = <A, E>(effect: Effect.Effect<A, E, FakeTeo | Dossiers>) => runtime.runPromise(effect)

  /** A new dossier in FakeTeo for this beneficiary; its UUID. */
  const createDossier = async (firstName: string, lastName: string, email: string) => {
    const created = await run(
      Effect.flatMap(Effect.service(Dossiers), (dossiers) =>
        dossiers.create({ firstName, lastName, email, serviceId: fake.prestationIds[0] ?? "" })
      )
    )
    return String(created["@id"]).split("/").at(-1) ?? ""
  }

  it("a valid link shows its dossier, read from téo's API; the same link again is refused", async () => {
    const dossierId = await createDossier("Léa", "Dupont", "lea.dupont@example.fr")
    const link = await run(fake.partnerLink({ dossierId, userId: "conseiller-7" }))
    const response = await app.handler(open(link))
    expect(response.status).toBe(200)
    const page = await response.text()
    expect(page).toContain("<h1>Dossier Léa Dupont</h1>")
    expect(page).toContain("lea.dupont@example.fr")
    expect(page).toContain("conseiller-7")
    const again = await app.handler(open(link))
    expect(again.status).toBe(401)
    expect(await again.text()).toContain("Replayed")
  })

  it("téo's values are text, never markup", async () => {
    const dossierId = await createDossier("<script>alert(1)</script>", "O'Brien & fils", "obrien@example.fr")
    const link = await run(fake.partnerLink({ dossierId }))
    const page = await (await app.handler(open(link))).text()
    expect(page).not.toContain("<script>")
    expect(page).toContain("&#60;script&#62;alert(1)&#60;/script&#62;")
    expect(page).toContain("O&#39;Brien &#38; fils")
  })

  it("no token, a forged token, a link from another téo: 401 pages, nothing of the dossier", async () => {
    const missing = await app.handler(new Request("http://localhost/teo"))
    expect(missing.status).toBe(401)
    expect(await missing.text()).toContain("Ce lien doit être ouvert depuis téo")
    const link = await run(fake.partnerLink())
    const [header, payload] = link.split(".")
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()), dossierId: "x" })
    ).toString("base64url")
    const forged = await app.handler(open(`${header}.${forgedPayload}.${link.split(".")[2]}`))
    expect(forged.status).toBe(401)
    expect(await forged.text()).toContain("BadSignature")
    // Another FakeTeo: its own keys (with the same kid), so the signature does not verify.
    const other = await Effect.runPromise(
      Effect.scoped(Effect.flatMap(FakeTeo.make(), (another) => another.partnerLink()))
    )
    const foreign = await app.handler(open(other))
    expect(foreign.status).toBe(401)
    expect(await foreign.text()).not.toContain("<dl>")
  })

  it("a link to a dossier téo does not have: 404", async () => {
    const link = await run(fake.partnerLink({ dossierId: "00000000-0000-4000-8000-000000000000" }))
    const response = await app.handler(open(link))
    expect(response.status).toBe(404)
    expect(await response.text()).toContain("Ce dossier n'existe pas (ou plus) dans téo.")
  })

  it("téo failing: 502, nothing of the error on the page", async () => {
    const link = await run(fake.partnerLink())
    await run(fake.failNext("api", 10, "500"))
    const response = await app.handler(open(link))
    expect(response.status).toBe(502)
    const page = await response.text()
    expect(page).toContain("téo ne répond pas pour le moment")
    expect(page).not.toContain("500")
    // Logged for whoever runs the app, with what téo answered.
    expect(
      logs.some((line) => line.includes("level=ERROR") && line.includes("téo failed while reading the dossier"))
    ).toBe(true)
    await run(fake.reset)
  })
})

describe("the program (src/main.ts)", () => {
  it("with teo fake-server's environment: listens, shows the dossier of a link once, refuses it the second time", async () => {
    const fake = await FakeTeo.start({ dossiers: 3, profile: "documented" })
    try {
      const program = await startProgram(fake.env)
      try {
        const link = await fake.partnerLink()
        const shown = await fetch(`${program.origin}/teo?token=${link}`)
        expect(shown.status).toBe(200)
        expect(await shown.text()).toMatch(/<h1>Dossier [^<]+<\/h1>/)
        const replayed = await fetch(`${program.origin}/teo?token=${link}`)
        expect(replayed.status).toBe(401)
      } finally {
        await program.stop()
      }
    } finally {
      await fake.close()
    }
  })

  it("a TEO_PARTNER_JWKS_URL in clear to another host: says so and does not listen, exit 1", async () => {
    const { spawnSync } = await import("node:child_process")
    const run = spawnSync(process.execPath, [main], {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "",
        TEO_CLIENT_ID: "c",
        TEO_CLIENT_SECRET: "s",
        TEO_ID: "i",
        TEO_PARTNER_JWKS_URL: "http://teo.example/.well-known/jwks.json",
        PORT: String(await freePort())
      },
      timeout: 60_000
    })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain("not started: TEO_PARTNER_JWKS_URL")
    expect(run.stderr).toContain("must use https")
    expect(run.stdout + run.stderr).not.toContain("Listening")
  })
})
