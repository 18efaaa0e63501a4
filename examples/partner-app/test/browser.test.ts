/**
 * The partner link as a person meets it, in a real browser: the program
 * (`src/main.ts`) against FakeTeo over real sockets, a link as téo sends it
 * (the application's URL with `?token=<JWT>`) opened in Chromium, the
 * dossier's page shown, then the same page reloaded and refused (single
 * use) — with the browser in French and in English. A screenshot of each
 * page goes to `test-results/` (ignored by git).
 *
 * Chromium is Debian's (`/usr/bin/chromium`, or `TEO_CHROMIUM`), driven by
 * playwright-core, which downloads no browser. Without it, this test fails
 * saying what to install.
 */
import { accessSync, constants, mkdirSync, readFileSync, rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { FakeTeo, type RunningFakeTeo } from "@teo-effect/testing"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Program, startProgram } from "./program.ts"

const executablePath = process.env.TEO_CHROMIUM ?? "/usr/bin/chromium"

/**
 * Nothing that reaches the network on its own (the machine may have none); `headless: true` adds
 * `--headless`, and playwright a fresh, empty `--user-data-dir`, removed on close.
 */
const args = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

const results = fileURLToPath(new URL("../test-results/", import.meta.url))

/** The PNG file signature: the first 8 bytes of every PNG. */
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** The dossiers of FakeTeo's instance, one per browser language: their pages are known. */
const dossiers = {
  "fr-FR": {
    id: "6f1c2a4e-3b7d-4c8e-9a10-000000000001",
    firstName: "Léa",
    lastName: "Dupont",
    email: "lea.dupont@example.fr",
    phone: "+33 6 12 34 56 78"
  },
  "en-US": {
    id: "6f1c2a4e-3b7d-4c8e-9a10-000000000002",
    firstName: "Hugo",
    lastName: "Martin",
    email: "hugo.martin@example.fr",
    phone: null
  }
} as const

/** A browser launch, a FakeTeo, a program: seconds, not milliseconds. */
const timeout = 60_000

describe("a partner link in Chromium", () => {
  let browser: Browser | undefined
  let fake: RunningFakeTeo | undefined
  let program: Program | undefined
  // Kept for each test to fail with: a failing beforeAll would only mark the tests skipped.
  let notStarted: Error | undefined

  beforeAll(async () => {
    try {
      try {
        accessSync(executablePath, constants.X_OK)
      } catch {
        throw new Error(
          `Chromium not found at ${executablePath}: install it with \`sudo apt-get install chromium\` (Debian/Ubuntu) or set TEO_CHROMIUM to a Chromium/Chrome binary`
        )
      }
      browser = await chromium.launch({ executablePath, headless: true, args }).catch((error: unknown) => {
        throw new Error(
          `Chromium at ${executablePath} did not start (set TEO_CHROMIUM to a Chromium/Chrome binary that runs here): ${error instanceof Error ? error.message : String(error)}`
        )
      })
      fake = await FakeTeo.start({
        profile: "documented",
        dossiers: { "fake-instance": Object.values(dossiers) }
      })
      program = await startProgram(fake.env)
      mkdirSync(results, { recursive: true })
    } catch (error) {
      notStarted = error instanceof Error ? error : new Error(String(error))
    }
  }, timeout)

  /** The browser, FakeTeo and the program, or the reason they are not there. */
  const started = () => {
    if (notStarted !== undefined) throw notStarted
    if (browser === undefined || fake === undefined || program === undefined) throw new Error("not started")
    return { browser, fake, program }
  }

  // Each one, even when the one before failed or was never started.
  afterAll(async () => {
    try {
      await browser?.close()
    } finally {
      try {
        await program?.stop()
      } finally {
        await fake?.close()
      }
    }
  }, timeout)

  /** A screenshot of the whole page, checked to be a PNG that is not empty. */
  const screenshot = async (page: Page, name: string) => {
    const path = `${results}${name}.png`
    rmSync(path, { force: true })
    await page.screenshot({ path, fullPage: true })
    const png = readFileSync(path)
    expect(png.length).toBeGreaterThan(pngSignature.length)
    expect(png.subarray(0, pngSignature.length).equals(pngSignature)).toBe(true)
  }

  it.each(Object.keys(dossiers) as Array<keyof typeof dossiers>)(
    "browser in %s: the link shows the dossier; reloaded, it is refused, in French and in English",
    async (locale) => {
      const { browser, fake, program } = started()
      const dossier = dossiers[locale]
      const context = await browser.newContext({ locale, viewport: { width: 900, height: 600 } })
      try {
        const page = await context.newPage()
        expect(await page.evaluate(() => navigator.language)).toBe(locale)
        // As téo sends it: the application's URL, the token in `?token=`.
        const link = new URL("/teo", program.origin)
        link.searchParams.set("token", await fake.partnerLink({ dossierId: dossier.id, userId: "conseiller-7" }))

        const shown = await page.goto(link.href)
        expect(shown?.status()).toBe(200)
        expect(await page.title()).toBe(`Dossier ${dossier.firstName} ${dossier.lastName}`)
        const heading = page.getByRole("heading", { level: 1 })
        expect(await heading.textContent()).toBe(`Dossier ${dossier.firstName} ${dossier.lastName}`)
        expect(await heading.isVisible()).toBe(true)
        expect(await page.getByText(dossier.email).isVisible()).toBe(true)
        expect(await page.getByText("Ouvert depuis téo par l'utilisateur conseiller-7").isVisible()).toBe(true)
        // An empty field from téo is left out, not shown empty.
        expect(await page.getByText("Téléphone").isVisible()).toBe(dossier.phone !== null)
        await screenshot(page, `${locale}-dossier`)

        const refused = await page.reload()
        expect(refused?.status()).toBe(401)
        expect(await page.locator("h1").count()).toBe(0)
        expect(await page.getByText(dossier.email).count()).toBe(0)
        // The page says it in both languages, whatever the browser's: French first, then English.
        expect(await page.locator("html").getAttribute("lang")).toBe("fr")
        expect(
          await page.getByText("Ce lien partenaire est refusé (Replayed) : ouvrez-le à nouveau depuis téo.").isVisible()
        ).toBe(true)
        const english = page.locator('p[lang="en"]')
        expect(await english.textContent()).toBe("This partner link is refused (Replayed): open it again from téo.")
        expect(await english.isVisible()).toBe(true)
        await screenshot(page, `${locale}-refused`)
      } finally {
        await context.close()
      }
    },
    timeout
  )
})
