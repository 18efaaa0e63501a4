import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, ManagedRuntime } from "effect"
import { HttpClient, HttpClientRequest, FetchHttpClient } from "effect/http"
import { request } from "undici"
import { startRemoteFake } from "./src/FakeProcess.ts"
const fake = await startRemoteFake({ dossiers: 95 })
const tok = await (await fetch(fake.tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${fake.env.TEO_CLIENT_ID}:${fake.env.TEO_CLIENT_SECRET}`).toString("base64") }, body: `grant_type=client_credentials&scope=target-entity:${fake.env.TEO_ID}` })).json() as any
const url = fake.apiUrl + "/production/dossiers?itemsPerPage=30"
const kind = process.argv[2] ?? "undici"
const conc = Number(process.argv[3] ?? 1)
const rt = ManagedRuntime.make(kind === "fetch" ? FetchHttpClient.layer : NodeHttpClient.layerUndici)
const call = kind === "raw-undici" ? async () => { const r = await request(url, { headers: { authorization: "Bearer " + tok.access_token, accept: "application/ld+json" } }); return JSON.parse(await r.body.text()) }
 : kind === "raw-fetch" ? async () => (await fetch(url, { headers: { authorization: "Bearer " + tok.access_token, accept: "application/ld+json" } })).json()
 : () => rt.runPromise(Effect.flatMap(HttpClient.execute(HttpClientRequest.get(url).pipe(HttpClientRequest.bearerToken(tok.access_token), HttpClientRequest.accept("application/ld+json"))), (r) => r.json))
for (let i = 0; i < 500; i++) await call()
const n = 5000; let next = 0
const cpu = process.cpuUsage(); const t = performance.now()
await Promise.all(Array.from({ length: conc }, async () => { while (next < n) { next++; await call() } }))
const s = (performance.now() - t) / 1000; const u = process.cpuUsage(cpu)
console.log(kind, conc, (n / s).toFixed(0), "calls/s", ((u.user + u.system) / n).toFixed(0), "µs CPU/call")
await rt.dispose(); await fake.close()
