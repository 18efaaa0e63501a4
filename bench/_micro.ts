import { Dossiers, TeoApi } from "@teo-effect/api"
import { AccessToken, TeoCredentials } from "@teo-effect/auth"
import { Effect, Layer, ManagedRuntime, Redacted, Schema } from "effect"
import { HttpClient, HttpClientRequest, HttpClientResponse } from "effect/http"
import { readFileSync } from "node:fs"
const body = readFileSync("/tmp/page.json", "utf8")
const headers = { "content-type": "application/ld+json", "content-length": String(Buffer.byteLength(body)) }
const client = HttpClient.make((request, url) => {
  if (url.pathname.endsWith("/token")) return Effect.succeed(HttpClientResponse.fromWeb(request, new Response(JSON.stringify({ access_token: "abc", expires_in: 3600, token_type: "Bearer", scope: "target-entity:t" }), { headers: { "content-type": "application/json" } })))
  return Effect.succeed(HttpClientResponse.fromWeb(request, new Response(body, { headers })))
})
const layer = Dossiers.layer.pipe(Layer.provideMerge(TeoApi.layer({ baseUrl: "http://127.0.0.1:1/api" })), Layer.provideMerge(AccessToken.layer()), Layer.provide(TeoCredentials.layer({ clientId: "c", clientSecret: Redacted.make("s"), teoId: "t", tokenUrl: "http://127.0.0.1:1/oauth2/token" })), Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))
const rt = ManagedRuntime.make(layer)
const variants: Record<string, Effect.Effect<unknown, unknown, any>> = {
  bare: Effect.flatMap(HttpClient.execute(HttpClientRequest.get("http://127.0.0.1:1/api/production/dossiers?itemsPerPage=30")), (r) => r.json).pipe(Effect.provideService(HttpClient.HttpClient, client)),
  bareNoSpan: Effect.flatMap(HttpClient.execute(HttpClientRequest.get("http://127.0.0.1:1/api/production/dossiers?itemsPerPage=30")), (r) => r.json).pipe(Effect.provideService(HttpClient.HttpClient, client), Effect.provideService(HttpClient.TracerDisabledWhen, () => true)),
  raw: Effect.flatMap(Effect.service(TeoApi), (api) => api.page("/production/dossiers", Schema.Unknown, { itemsPerPage: 30 })),
  dossiers: Effect.flatMap(Effect.service(Dossiers), (d) => d.page({ itemsPerPage: 30 }))
}
const only = process.argv[2]
for (const [name, eff] of Object.entries(variants)) {
  if (only && only !== name) continue
  const run = () => rt.runPromise(eff as Effect.Effect<unknown>)
  for (let i = 0; i < 3000; i++) await run()
  const results: number[] = []
  for (let r = 0; r < 5; r++) {
    const n = 10000; const cpu = process.cpuUsage()
    for (let i = 0; i < n; i++) await run()
    const u = process.cpuUsage(cpu); results.push((u.user + u.system) / n)
  }
  results.sort((a, b) => a - b)
  console.log(name.padEnd(9), "min", results[0].toFixed(1), "median", results[2].toFixed(1), "µs CPU/call")
}
await rt.dispose()
