/**
 * Why the partner-link JWKS cache is our own (decision 0006): the same JWKS
 * outage through our cache, through Effect's `Cache` (a per-exit TTL:
 * keys for `ttl`, a failure for `cooldown`; `Cache.refresh` for an unknown
 * `kid`), and through jose's `createRemoteJWKSet` (`cacheMaxAge`,
 * `cooldownDuration`, `timeoutDuration`). Prints one line per case and cache:
 * `node src/jwks-cache-probe.ts` (after `tsc -b`).
 *
 * - stale keys, the JWKS hangs: one link with a known `kid`;
 * - the JWKS answers 503 after one good read: 20 links with an unknown `kid`,
 *   one every 10 ms (within the cooldown): how many reads reach the JWKS;
 * - a read for an unknown `kid` failed: one link with a known `kid`.
 */

import { Cache, Duration, Effect, Exit, Scope } from "effect"
import { createRemoteJWKSet, customFetch } from "jose"
import * as PartnerLinkKeys from "../../packages/auth/dist/internal/PartnerLinkKeys.js"

const ttl = Duration.millis(100)
const cooldown = Duration.millis(1_000)
const timeout = Duration.millis(300)

const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])
const jwk = { ...(await crypto.subtle.exportKey("jwk", pair.publicKey)), kid: "k1", use: "sig", alg: "ES256" }
const keySet: PartnerLinkKeys.KeySet = [{ kid: "k1", key: pair.publicKey }]

/** The JWKS: good, failing (503) or hanging; it counts the reads it is asked for. */
const jwks = { mode: "ok" as "ok" | "fails" | "hangs", reads: 0 }
const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

const readKeys: Effect.Effect<PartnerLinkKeys.KeySet, PartnerLinkKeys.ReadFailure> = Effect.suspend(() => {
  jwks.reads++
  const answer: Effect.Effect<PartnerLinkKeys.KeySet, PartnerLinkKeys.ReadFailure> =
    jwks.mode === "ok"
      ? Effect.succeed(keySet)
      : jwks.mode === "fails"
        ? Effect.fail({ error: "Status", detail: "it answered HTTP 503" })
        : Effect.never
  return Effect.timeoutOrElse(answer, {
    duration: timeout,
    orElse: () => Effect.fail({ error: "Timeout", detail: "no answer" })
  })
})

/** jose's fetch: the same JWKS, its abort signal honoured. */
const joseFetch = (_url: string, init: RequestInit): Promise<Response> => {
  jwks.reads++
  if (jwks.mode === "ok") return Promise.resolve(Response.json({ keys: [jwk] }))
  if (jwks.mode === "fails") return Promise.resolve(new Response("busy", { status: 503 }))
  return new Promise((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)))
}

/** A link with `kid` through each cache: the key found, or the failure. */
interface Contender {
  readonly name: string
  readonly verify: (kid: string) => Promise<"ok" | "fails">
}

// The scope holds the cache's background reads; it lives as long as the probe.
const scope = await Effect.runPromise(Scope.make())
const ours = await Effect.runPromise(
  PartnerLinkKeys.makeCache({ readKeys, ttl, cooldown, jwksUrl: "probe" }).pipe(
    Scope.provide(scope),
    Effect.map(
      (cache): Contender => ({
        name: "ours",
        verify: (kid) =>
          Effect.runPromise(
            cache.get(false).pipe(
              Effect.flatMap((keys) =>
                PartnerLinkKeys.lookup(keys, kid)._tag === "Found" ? Effect.succeed(keys) : cache.get(true)
              ),
              Effect.map((keys) => (PartnerLinkKeys.lookup(keys, kid)._tag === "Found" ? "ok" : "fails")),
              Effect.orElseSucceed(() => "fails" as const)
            )
          )
      })
    )
  )
)

const effectCache = await Effect.runPromise(
  Cache.makeWith((_: "jwks") => readKeys, {
    capacity: 1,
    timeToLive: (exit) => (Exit.isSuccess(exit) ? ttl : cooldown)
  }).pipe(
    Effect.map(
      (cache): Contender => ({
        name: "Effect Cache",
        verify: (kid) =>
          Effect.runPromise(
            Cache.get(cache, "jwks").pipe(
              Effect.flatMap((keys) =>
                PartnerLinkKeys.lookup(keys, kid)._tag === "Found" ? Effect.succeed(keys) : Cache.refresh(cache, "jwks")
              ),
              Effect.map((keys) => (PartnerLinkKeys.lookup(keys, kid)._tag === "Found" ? "ok" : "fails")),
              Effect.orElseSucceed(() => "fails" as const)
            )
          )
      })
    )
  )
)

const jose = createRemoteJWKSet(new URL("http://127.0.0.1/jwks"), {
  cacheMaxAge: Duration.toMillis(ttl),
  cooldownDuration: Duration.toMillis(cooldown),
  timeoutDuration: Duration.toMillis(timeout),
  [customFetch]: joseFetch
})
const joseContender: Contender = {
  name: "jose",
  verify: (kid) =>
    jose({ alg: "ES256", kid }, { payload: "", signature: "" }).then(
      () => "ok" as const,
      () => "fails" as const
    )
}

const contenders = [ours, effectCache, joseContender]
// jose's timeout is an `AbortSignal.timeout`, whose timer does not keep Node alive: this does.
setInterval(() => {}, 1_000)

const timed = async (contender: Contender, kid: string) => {
  const started = performance.now()
  const result = await contender.verify(kid)
  return `${result} after ${Math.round(performance.now() - started)} ms`
}

/** Each case starts from one good read, cooled down. */
const primed = async (contender: Contender) => {
  jwks.mode = "ok"
  await contender.verify("k1")
  await sleep(Duration.toMillis(cooldown) + 50)
  jwks.reads = 0
}

for (const contender of contenders) {
  await primed(contender)
  jwks.mode = "hangs"
  console.log(`stale keys, JWKS hangs, known kid — ${contender.name}: ${await timed(contender, "k1")}`)
}

for (const contender of contenders) {
  await primed(contender)
  jwks.mode = "fails"
  const results: Array<string> = []
  for (let i = 0; i < 20; i++) {
    results.push(await contender.verify("unknown"))
    await sleep(10)
  }
  console.log(`JWKS 503, 20 unknown kids in 200 ms — ${contender.name}: ${jwks.reads} reads of the JWKS`)
}

for (const contender of contenders) {
  await primed(contender)
  jwks.mode = "fails"
  await contender.verify("unknown")
  console.log(`after a failed read, known kid — ${contender.name}: ${await timed(contender, "k1")}`)
}
process.exit(0)
