/**
 * The service against FakeTeo, through its web handler: the routes, the form
 * that creates a dossier, and téo's French validation messages.
 */
import type { Dossiers } from "@teo-effect/api"
import { FakeTeo, TeoTest } from "@teo-effect/testing"
import { Context, Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeApp } from "../src/App.ts"

const form = (fields: Record<string, string>) =>
  new Request("http://localhost/inscriptions", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString()
  })

// Against both FakeTeo profiles: the rich one, and the one that serves only what téo documents.
describe.each(["rich", "documented"] as const)("with FakeTeo's %s profile", (profile) => {
  let app: ReturnType<typeof makeApp>
  let fake: FakeTeo["Service"]
  let runtime: ManagedRuntime.ManagedRuntime<FakeTeo | Dossiers, unknown>

  beforeAll(async () => {
    runtime = ManagedRuntime.make(TeoTest.layer({ fakeTeo: { profile } }))
    const context = await runtime.runPromise(Effect.context<FakeTeo | Dossiers>())
    fake = Context.get(context, FakeTeo)
    app = makeApp(Layer.succeedContext(context))
  })

  afterAll(async () => {
    await app.dispose()
    await runtime.dispose()
  })

  describe("http-service", () => {
    it("GET /dossiers lists the first dossiers", async () => {
      const response = await app.handler(new Request("http://localhost/dossiers"))
      expect(response.status).toBe(200)
      const body = (await response.json()) as { total: number; dossiers: Array<{ id: string; name: string }> }
      expect(body.total).toBe(95)
      expect(body.dossiers).toHaveLength(20)
      expect(body.dossiers[0]?.id).toMatch(/^\/api\/production\/dossiers\//)
    })

    it("POST /inscriptions from a web form creates the dossier in téo", async () => {
      const response = await app.handler(
        form({
          firstName: "Léa",
          lastName: "Dupont",
          email: "lea.dupont@example.fr",
          serviceId: fake.prestationIds[0] ?? ""
        })
      )
      expect(response.status).toBe(201)
      const { id } = (await response.json()) as { id: string }
      expect(id).toMatch(/^\/api\/production\/dossiers\//)
    })

    it("POST /inscriptions with bad fields answers 422 with téo's messages, before asking téo", async () => {
      const before = (await runtime.runPromise(Effect.flatMap(Effect.service(FakeTeo), (f) => f.stats))).apiRequests
      const response = await app.handler(
        form({ firstName: "", lastName: "Dupont", email: "pas-un-email", serviceId: "x" })
      )
      expect(response.status).toBe(422)
      const body = (await response.json()) as { violations: Array<{ field: string; message: string }> }
      expect(body.violations).toContainEqual({
        field: "email",
        message: "Cette valeur n'est pas une adresse email valide."
      })
      expect(body.violations).toContainEqual({ field: "firstName", message: "Cette valeur ne doit pas être vide." })
      const after = (await runtime.runPromise(Effect.flatMap(Effect.service(FakeTeo), (f) => f.stats))).apiRequests
      expect(after).toBe(before)
    })

    it("POST /inscriptions without the form's fields answers 400", async () => {
      const response = await app.handler(form({ firstName: "Léa" }))
      expect(response.status).toBe(400)
    })
  })
})

describe("the program (src/main.ts)", () => {
  it("without credentials: says which variable is missing and does not listen, exit 1", async () => {
    const { spawnSync } = await import("node:child_process")
    const { fileURLToPath } = await import("node:url")
    const run = spawnSync(process.execPath, [fileURLToPath(new URL("../src/main.ts", import.meta.url))], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", PORT: String(40_000 + Math.floor(Math.random() * 20_000)) },
      timeout: 60_000
    })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain("not started: TEO_CLIENT_ID is not set")
    expect(run.stdout + run.stderr).not.toContain("Listening")
  })
})
