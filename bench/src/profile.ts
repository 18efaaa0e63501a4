/**
 * Profiles one contender's page call with FakeTeo in a child process:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/src/profile.ts [dossiers|raw|bare|floor] [undici|fetch|own] [calls] [concurrency]
 *
 * `raw` is `TeoApi.page(path, Schema.Unknown)`, `bare` effect/http alone, `floor` the fetch
 * (`fetch`) or undici (`undici`) floor. `own` as the client is UndiciHttpClient.
 *
 * Prints the calls per second and the client CPU µs per call; the profile
 * (open it in Chrome DevTools) covers the client process only. `FAKE_PROF=1`
 * profiles the FakeTeo process too (into /tmp/fprof).
 */
import { bareEffectHttp, type ClientKind, floor, teoEffect, undiciFloor } from "./Contenders.ts"
import { startRemoteFake } from "./FakeProcess.ts"
import { targetOf } from "./Scenarios.ts"

const [call = "dossiers", client = "undici", callsArg = "5000", concurrencyArg = "1"] = process.argv.slice(2)
const calls = Number(callsArg)
const concurrency = Number(concurrencyArg)
const fake = await startRemoteFake({ dossiers: 95 })
const target = targetOf(fake)
const contender =
  call === "floor"
    ? await (client === "fetch" ? floor(target) : undiciFloor(target))
    : call === "bare"
      ? await bareEffectHttp(target, client as ClientKind)
      : teoEffect(target, { call: call === "raw" ? "raw" : "dossiers", client: client as ClientKind })
for (let i = 0; i < 500; i++) await contender.page(30)
const cpu = process.cpuUsage()
const started = performance.now()
let next = 0
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < calls) {
      next++
      await contender.page(30)
    }
  })
)
const seconds = (performance.now() - started) / 1000
const used = process.cpuUsage(cpu)
console.log(
  `${contender.name}: ${(calls / seconds).toFixed(0)} calls/s, ${((used.user + used.system) / calls).toFixed(0)} µs CPU per call`
)
await contender.close()
await fake.close()
