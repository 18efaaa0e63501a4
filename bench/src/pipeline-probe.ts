/**
 * What teo-effect's own pipeline costs per call, without sockets: the client
 * is `UndiciHttpClient` on a dispatcher that answers at once from memory
 * (a 30-dossier page as FakeTeo renders it, token endpoint included), so that
 * the CPU measured is the client's and nothing else — no server, no kernel.
 *
 *   node bench/src/pipeline-probe.ts [calls] [concurrency]
 *
 * Prints µs of CPU per call for: effect/http alone (`execute` + `json`), `TeoApi.page(path,
 * Schema.Unknown)` and `Dossiers.page()`, alternating, median of 5 rounds.
 */
import { Dossiers, TeoApi, UndiciHttpClient } from "@teo-effect/api"
import { AccessToken, TeoCredentials } from "@teo-effect/auth"
import { Effect, Layer, ManagedRuntime, Redacted, Schema } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import type { Dispatcher } from "undici"
import { median } from "./Scenarios.ts"

const [callsArg = "20000", concurrencyArg = "1"] = process.argv.slice(2)
const calls = Number(callsArg)
const concurrency = Number(concurrencyArg)

const dossier = (n: number) => ({
  "@id": `/api/production/dossiers/0b6c6f0e-8f1a-4c5e-9d2b-${String(n).padStart(12, "0")}`,
  "@type": "Dossier",
  number: `D-2025-${String(n).padStart(4, "0")}`,
  firstName: "Camille",
  lastName: `Martin-${n}`,
  email: `camille.martin${n}@example.fr`,
  phone: "+33 6 12 34 56 78",
  status: "En cours",
  createdAt: "2025-01-15T09:30:00+01:00",
  startDate: "2025-02-01",
  endDate: "2025-06-30",
  service: "/api/production/prestations/5d2c6f0e-8f1a-4c5e-9d2b-000000000001"
})
const page = JSON.stringify({
  "@context": "/api/contexts/Dossier",
  "@id": "/api/production/dossiers",
  "@type": "hydra:Collection",
  "hydra:totalItems": 95,
  "hydra:member": Array.from({ length: 30 }, (_, i) => dossier(i + 1)),
  "hydra:view": {
    "@id": "/api/production/dossiers?itemsPerPage=30&page=1",
    "@type": "hydra:PartialCollectionView",
    "hydra:first": "/api/production/dossiers?itemsPerPage=30&page=1",
    "hydra:last": "/api/production/dossiers?itemsPerPage=30&page=4",
    "hydra:next": "/api/production/dossiers?itemsPerPage=30&page=2"
  }
})
const token = JSON.stringify({ access_token: "t".repeat(600), token_type: "Bearer", expires_in: 3600 })

/** Answers every request at once from memory (the token endpoint's token, or the page), as undici's handler API does. */
const controller = {
  aborted: false,
  paused: false,
  reason: null,
  abort: () => undefined,
  pause: () => undefined,
  resume: () => undefined
}
const memory = {
  dispatch: (options: { readonly path: string }, handler: Dispatcher.DispatchHandler) => {
    const text = options.path.startsWith("/oauth2/token") ? token : page
    const bytes = Buffer.from(text)
    handler.onRequestStart?.(controller, {})
    queueMicrotask(() => {
      handler.onResponseStart?.(controller, 200, {
        "content-type": "application/ld+json; charset=utf-8",
        "content-length": String(bytes.byteLength)
      })
      handler.onResponseData?.(controller, bytes)
      handler.onResponseEnd?.(controller, {})
    })
    return true
  }
} as unknown as Dispatcher
const client = Layer.succeed(HttpClient.HttpClient, UndiciHttpClient.make(memory))
const origin = "http://127.0.0.1:9"

const runtime = ManagedRuntime.make(
  Dossiers.layer.pipe(
    Layer.provideMerge(TeoApi.layer({ baseUrl: `${origin}/api` })),
    Layer.provideMerge(AccessToken.layer()),
    Layer.provide(
      TeoCredentials.layer({
        clientId: "bench",
        clientSecret: Redacted.make("bench-secret"),
        teoId: "bench",
        tokenUrl: `${origin}/oauth2/token`
      })
    ),
    Layer.provideMerge(client)
  )
)

const request = HttpClientRequest.get(`${origin}/api/production/dossiers?itemsPerPage=30`).pipe(
  HttpClientRequest.bearerToken("t"),
  HttpClientRequest.accept("application/ld+json")
)
const variants = {
  "effect/http alone (execute + json)": Effect.flatMap(Effect.service(HttpClient.HttpClient), (http) =>
    Effect.flatMap(http.execute(request), (response) => response.json)
  ),
  "TeoApi.page(Unknown)": Effect.flatMap(Effect.service(TeoApi), (api) =>
    api.page("/production/dossiers", Schema.Unknown, { itemsPerPage: 30 })
  ),
  "Dossiers.page()": Effect.flatMap(Effect.service(Dossiers), (dossiers) => dossiers.page({ itemsPerPage: 30 }))
} satisfies Record<string, Effect.Effect<unknown, unknown, HttpClient.HttpClient | TeoApi | Dossiers>>

const measure = async (effect: Effect.Effect<unknown, unknown, HttpClient.HttpClient | TeoApi | Dossiers>) => {
  const cpu = process.cpuUsage()
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        next++
        await runtime.runPromise(effect)
      }
    })
  )
  const used = process.cpuUsage(cpu)
  return (used.user + used.system) / calls
}

for (const effect of Object.values(variants)) await measure(effect)
const rounds = new Map<string, Array<number>>()
for (let round = 0; round < 5; round++) {
  for (const [name, effect] of Object.entries(variants)) {
    rounds.set(name, [...(rounds.get(name) ?? []), await measure(effect)])
  }
}
for (const [name, values] of rounds) {
  console.log(`${name.padEnd(36)} ${median(values).toFixed(1).padStart(7)} µs CPU per call (c${concurrency})`)
}
await runtime.dispose()
