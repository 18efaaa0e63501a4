/**
 * Why `TeoApi`'s rate budget is not `HttpClient.withRateLimiter` (decision
 * 0006): the same call through each, on a `RateLimiter` whose store hangs or
 * fails, and 20 concurrent calls at 5 req/s with a 1 s request timeout.
 * Prints one line per case: `node src/rate-budget-probe.ts`.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { TeoApi } from "@teo-effect/api"
import { AccessToken, TeoCredentials } from "@teo-effect/auth"
import { Cause, Effect, Exit, Layer, Redacted, Schema } from "effect"
import { HttpClient } from "effect/http"
import { RateLimiter } from "effect/persistence"

const server = createServer((request, response) => {
  const token = request.url?.startsWith("/oauth2/token") === true
  response.writeHead(200, { "content-type": token ? "application/json" : "application/ld+json" })
  response.end(
    JSON.stringify(
      token ? { access_token: "probe", token_type: "Bearer", expires_in: 3600 } : { "@id": "/api/x", "@type": "X" }
    )
  )
})
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

/** A store that never answers (a frozen Redis) or always fails (a refused one). */
const brokenStore = (mode: "hangs" | "fails") => {
  const answer = (): Effect.Effect<never, RateLimiter.RateLimiterError> =>
    mode === "hangs"
      ? Effect.never
      : Effect.fail(
          new RateLimiter.RateLimiterError({ reason: new RateLimiter.RateLimitStoreError({ message: "store down" }) })
        )
  return Layer.succeed(RateLimiter.RateLimiterStore, {
    fixedWindow: answer,
    tokenBucket: answer,
    adaptiveConsume: answer,
    adaptiveFeedback: answer
  })
}
const limiterOn = (store: Layer.Layer<RateLimiter.RateLimiterStore>) => RateLimiter.layer.pipe(Layer.provide(store))
const memoryLimiter = limiterOn(RateLimiter.layerStoreMemory)

const outcome = <A, E>(call: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const started = Date.now()
    const exit = yield* Effect.exit(Effect.timeout(call, "3 seconds"))
    const took = `after ${Date.now() - started} ms`
    return Exit.isSuccess(exit) ? `success ${took}` : `failure (${String(Cause.squash(exit.cause))}) ${took}`
  })

/** One GET through `withRateLimiter` (5 per second, its own 429 retries off). */
const withRateLimiterCall = Effect.gen(function* () {
  const client = HttpClient.withRateLimiter(yield* HttpClient.HttpClient, {
    limiter: yield* RateLimiter.RateLimiter,
    key: "teo",
    limit: 5,
    window: "1 second",
    times: 0
  })
  return client.get(`${origin}/api/x`).pipe(Effect.flatMap((response) => response.json))
})

/** One GET through `TeoApi` with a budget of 5 per second. */
const teoApiCall = Effect.map(Effect.service(TeoApi), (api) => api.get("/x", Schema.Unknown))

const teoApi = (limiter: Layer.Layer<RateLimiter.RateLimiter>) =>
  TeoApi.layer({
    baseUrl: `${origin}/api`,
    allowPlainHttp: true,
    timeout: "1 second",
    rateLimit: { limit: 5, window: "1 second", commandTimeout: "200 millis" }
  }).pipe(
    Layer.provide(AccessToken.layer()),
    Layer.provide(
      TeoCredentials.layer({
        clientId: "probe",
        clientSecret: Redacted.make("probe-secret"),
        teoId: "probe",
        tokenUrl: `${origin}/oauth2/token`,
        allowPlainHttp: true
      })
    ),
    Layer.provide(limiter)
  )

const twenty = <E>(call: Effect.Effect<unknown, E>) =>
  Effect.gen(function* () {
    const started = Date.now()
    const exits = yield* Effect.all(
      Array.from({ length: 20 }, () => Effect.exit(call)),
      { concurrency: "unbounded" }
    )
    const succeeded = exits.filter(Exit.isSuccess).length
    return `${succeeded}/20 succeeded, ${20 - succeeded} failed, in ${Date.now() - started} ms`
  })

const program = Effect.gen(function* () {
  for (const mode of ["hangs", "fails"] as const) {
    const ours = yield* Effect.flatMap(teoApiCall, outcome).pipe(Effect.provide(teoApi(limiterOn(brokenStore(mode)))))
    const theirs = yield* Effect.flatMap(withRateLimiterCall, outcome).pipe(
      Effect.provide(limiterOn(brokenStore(mode)))
    )
    console.log(`store ${mode}: TeoApi rateLimit → ${ours}; withRateLimiter → ${theirs}`)
  }
  const ours = yield* Effect.flatMap(teoApiCall, twenty).pipe(Effect.provide(teoApi(memoryLimiter)))
  const theirs = yield* Effect.flatMap(withRateLimiterCall, (call) => twenty(Effect.timeout(call, "1 second"))).pipe(
    Effect.provide(memoryLimiter)
  )
  console.log(`20 calls at 5 req/s, 1 s request timeout: TeoApi rateLimit → ${ours}; withRateLimiter → ${theirs}`)
}).pipe(Effect.provide(NodeHttpClient.layerUndici))

await Effect.runPromise(program)
server.close()
