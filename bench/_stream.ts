import { Dossier, Dossiers, TeoApi } from "@teo-effect/api"
import { Effect, ManagedRuntime, Schema, Stream } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { clientLayer, teoEffectLayer } from "./src/Contenders.ts"
import { startRemoteFake } from "./src/FakeProcess.ts"
const fake = await startRemoteFake({ dossiers: 20000 })
const target = { tokenUrl: fake.tokenUrl, apiUrl: fake.apiUrl, clientId: fake.env.TEO_CLIENT_ID, clientSecret: fake.env.TEO_CLIENT_SECRET, teoId: fake.env.TEO_ID }
const runtime = ManagedRuntime.make(teoEffectLayer(target, "undici"))
const crt = ManagedRuntime.make(clientLayer("undici"))
const tok = await (await fetch(target.tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${target.clientId}:${target.clientSecret}`).toString("base64") }, body: `grant_type=client_credentials&scope=target-entity:${target.teoId}` })).json() as any
const modes: Record<string, () => Promise<number>> = {
  effectLoop: () => crt.runPromise(Effect.gen(function* () { const client = yield* HttpClient.HttpClient; let count = 0; let next: string | undefined = "/api/production/dossiers?itemsPerPage=100"; while (next) { const r = yield* client.execute(HttpClientRequest.get(new URL(next, target.apiUrl).href).pipe(HttpClientRequest.bearerToken(tok.access_token), HttpClientRequest.accept("application/ld+json"))); const p = (yield* r.json) as any; count += p["hydra:member"].length; next = p["hydra:view"]?.["hydra:next"] } return count })),
  pagesUnknown: () => runtime.runPromise(Effect.flatMap(Effect.service(TeoApi), (api) => Effect.gen(function* () { let count = 0; let next: string | undefined = "/production/dossiers?itemsPerPage=100"; while (next) { const p = yield* api.page(next, Schema.Unknown); count += p.member.length; next = p.view?.next } return count }))),
  pagesDossier: () => runtime.runPromise(Effect.flatMap(Effect.service(TeoApi), (api) => Effect.gen(function* () { let count = 0; let next: string | undefined = "/production/dossiers?itemsPerPage=100"; while (next) { const p = yield* api.page(next, Dossier); count += p.member.length; next = p.view?.next } return count }))),
  list: () => runtime.runPromise(Effect.flatMap(Effect.service(Dossiers), (d) => { let count = 0; return Effect.as(Stream.runForEach(d.list({ itemsPerPage: 100 }), () => Effect.sync(() => { count++ })), count).pipe(Effect.map(() => count)) })),
}
for (let r = 0; r < 3; r++) for (const [name, run] of Object.entries(modes)) {
  const cpu = process.cpuUsage(); const t = performance.now()
  const count = await run()
  const s = (performance.now() - t) / 1000; const u = process.cpuUsage(cpu)
  if (r > 0) console.log(name.padEnd(14), count, (count / s).toFixed(0), "dossiers/s", ((u.user + u.system) / (count / 100)).toFixed(0), "µs CPU/page")
}
await runtime.dispose(); await crt.dispose(); await fake.close()
