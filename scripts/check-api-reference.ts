/**
 * The API reference is readable. TypeDoc builds it as `npm run docs` does
 * (`scripts/typedoc.json`, with `scripts/typedoc-plugin.ts`), into a temporary
 * folder, with zero warnings (`treatWarningsAsErrors`: a broken `{@link}`, an
 * unknown tag, a relative link to nothing fail); then its pages are read:
 *
 * - each service page lists what `yield* TheService` gives first (its
 *   "Service" group), then its own `make` and layers;
 * - a namespace page (`Teo`, `RedisTokenStore`…) has its module's summary;
 * - no page shows Effect's internals (`[iterator]`, `NodeInspectSymbol`,
 *   `useSync`, `~effect/…`), and no page, nor the whole, outgrows its budget.
 *
 * Usage: node scripts/check-api-reference.ts
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { root } from "./doc-blocks.ts"

/** A page of the reference and what it must show. */
interface Expected {
  readonly page: string
  /** The members of the service (its shape), listed first, under "Service". */
  readonly service?: ReadonlyArray<string>
  /** Other members the page documents (statics: `make`, layers…; a namespace's exports). */
  readonly members: ReadonlyArray<string>
  /** Text the page shows. */
  readonly texts?: ReadonlyArray<string>
}

const expected: ReadonlyArray<Expected> = [
  {
    page: "classes/_teo-effect_auth.AccessToken.html",
    service: ["get", "invalidate"],
    members: ["make", "layer"],
    texts: ["yield* AccessToken gives"]
  },
  {
    page: "classes/_teo-effect_auth.TeoCredentials.html",
    service: ["clientId", "clientSecret", "teoId", "tokenUrl"],
    members: ["make", "config", "layer", "layerConfig", "defaultTokenUrl"]
  },
  {
    page: "classes/_teo-effect_auth.PartnerLink.html",
    service: ["verify"],
    members: ["make", "layer", "layerConfig"]
  },
  {
    page: "classes/_teo-effect_api.TeoApi.html",
    service: ["get", "page", "stream", "create", "update", "remove", "entrypoint"],
    members: ["make", "layer", "layerConfig", "defaultBaseUrl"]
  },
  {
    page: "classes/_teo-effect_api.Dossiers.html",
    service: ["list", "page", "get", "create"],
    members: ["make", "layer"]
  },
  { page: "classes/_teo-effect_api.Prestations.html", service: ["list", "get"], members: ["make", "layer"] },
  {
    page: "classes/_teo-effect_cli.Progress.html",
    service: ["enabled", "show", "clear"],
    members: ["layerStderr", "layerNone"]
  },
  {
    page: "classes/_teo-effect_testing.FakeTeo.html",
    members: ["make", "layer", "layerInMemory", "start"],
    texts: ["yield* FakeTeo gives the service, a FakeTeoService"]
  },
  {
    page: "interfaces/_teo-effect_testing.FakeTeoService.html",
    members: ["failNext", "stats", "apiUrl"]
  },
  {
    page: "modules/_teo-effect_api.Teo.html",
    members: ["layer", "layerConfig", "Options", "Services"],
    texts: ["The whole of teo-effect in one layer", "Everything from the environment"]
  },
  {
    page: "modules/_teo-effect_auth.RedisTokenStore.html",
    members: ["make", "RedisTokenStoreOptions"],
    texts: ["A token store on Redis, for a fleet of processes"]
  },
  { page: "modules/_teo-effect_testing.TeoTest.html", members: ["layer", "TeoTestOptions"] },
  {
    page: "classes/_teo-effect_api.RateLimited.html",
    members: ["constructor", "status", "retryAfter", "isRetryable", "mayHaveActed"]
  },
  {
    page: "classes/_teo-effect_api.TeoApiError.html",
    members: ["constructor", "method", "path", "reason", "isRetryable", "retryAfter", "mayHaveActed"]
  }
]

/** What only Effect's internals show: a page with one of these documents what it inherits, not what it offers. */
const internals = ["NodeInspectSymbol", "[iterator]", "useSync", "~effect/", "Inherited from Context.Service"]

/** Budgets: before the plugin, a service page was 440–890 KB and the reference 23 MB. */
const maxPageBytes = 150_000
const maxTotalBytes = 5_000_000

const out = mkdtempSync(join(tmpdir(), "teo-reference-"))
const findings: Array<string> = []
try {
  const typedoc = spawnSync(
    join(root, "scripts/node_modules/.bin/typedoc"),
    ["--options", "scripts/typedoc.json", "--treatWarningsAsErrors", "--out", out],
    { cwd: root, encoding: "utf8" }
  )
  if (typedoc.error !== undefined) {
    findings.push(`typedoc did not start (${typedoc.error.message}): run pnpm install`)
  } else if (typedoc.status !== 0) {
    const problems = `${typedoc.stdout}${typedoc.stderr}`.split("\n").filter((line) => /\[(warning|error)\]/.test(line))
    findings.push(
      `typedoc failed (exit ${typedoc.status}); a warning counts as an error: fix the JSDoc it names`,
      ...(problems.length > 0 ? problems : [`${typedoc.stdout}${typedoc.stderr}`.trim()])
    )
  } else {
    const pages = readdirSync(out, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".html"))
    /** A page's text as a reader sees it (TypeDoc breaks long names with `<wbr/>`). */
    const textOf = (html: string) =>
      html
        .replace(/<wbr\s*\/?>/g, "")
        .replace(/<script[\s\S]*?<\/script>/g, " ")
        .replace(/<[^>]+>/g, " ")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&#39;|&apos;/g, "'")
        .replace(/&amp;/g, "&")
        .replace(/\s+/g, " ")

    let total = 0
    let largest = { page: "", bytes: 0 }
    for (const page of pages) {
      const html = readFileSync(join(out, page), "utf8")
      const bytes = statSync(join(out, page)).size
      total += bytes
      if (bytes > largest.bytes) largest = { page, bytes }
      if (bytes > maxPageBytes)
        findings.push(`${page}: ${Math.round(bytes / 1000)} KB, over the ${maxPageBytes / 1000} KB budget`)
      const text = textOf(html)
      for (const internal of internals) {
        if (text.includes(internal)) findings.push(`${page}: shows Effect's internal ${internal}`)
      }
    }
    if (total > maxTotalBytes) {
      findings.push(`the reference's pages: ${(total / 1e6).toFixed(1)} MB, over the ${maxTotalBytes / 1e6} MB budget`)
    }

    for (const { page, service = [], members, texts = [] } of expected) {
      const path = join(out, page)
      if (!existsSync(path)) {
        findings.push(`${page}: missing (renamed or no longer exported? update scripts/check-api-reference.ts)`)
        continue
      }
      const html = readFileSync(path, "utf8")
      const anchors = new Set([...html.matchAll(/\bid="([^"]+)"/g)].map((match) => match[1]))
      for (const member of [...service, ...members]) {
        if (!anchors.has(member.toLowerCase())) findings.push(`${page}: does not document ${member}`)
      }
      if (service.length > 0) {
        const firstGroup = /<h2 class="tsd-anchor-link"[^>]*>([^<]+)/.exec(html)?.[1]?.trim()
        if (firstGroup !== "Service") {
          findings.push(`${page}: its first group is ${firstGroup ?? "none"}, not Service (what yield* gives)`)
        }
      }
      const text = textOf(html)
      for (const expectedText of texts) {
        if (!text.includes(expectedText)) findings.push(`${page}: does not say "${expectedText}"`)
      }
    }

    if (findings.length === 0) {
      console.log(
        `✓ API reference: zero TypeDoc warnings; ${pages.length} pages, ${(total / 1e6).toFixed(1)} MB ` +
          `(largest ${relative(out, join(out, largest.page))}, ${Math.round(largest.bytes / 1000)} KB); ` +
          `${expected.length} pages show their own members, none Effect's internals`
      )
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true })
}

if (findings.length > 0) {
  console.error(findings.join("\n"))
  console.error(`✗ the API reference: ${findings.length} problem(s)`)
  process.exit(1)
}
