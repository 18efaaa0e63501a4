/**
 * Test wiring: a real `AccessToken` layer over `FetchHttpClient` against a
 * `TokenServer` on loopback, built in a scope the test controls, and helpers
 * to move the `TestClock` while real I/O happens.
 */
import { AccessToken, type AccessTokenOptions, TeoCredentials } from "@teo-effect/auth"
import { Context, Duration, Effect, type Exit, type Fiber, Layer, Redacted, Scope } from "effect"
import { FetchHttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import { makeTokenServer, type TokenServer } from "./TokenServer.js"

/** Canary values: any test may assert they never show up anywhere. */
export const clientSecret = "s3cret-CANARY-client-9f4e"
export const clientId = "acme-integration"
export const teoId = "acme-formation"

export const credentialsLayer = (tokenUrl: string) =>
  TeoCredentials.layer({ clientId, clientSecret: Redacted.make(clientSecret), teoId, tokenUrl })

export interface Harness {
  readonly server: TokenServer
  readonly accessToken: AccessToken["Service"]
  /** The scope the layer was built in: closing it stops the layer. */
  readonly scope: Scope.Closeable
}

/** A token server and a fresh `AccessToken` over real HTTP, for one test. */
export const makeHarness = (options: AccessTokenOptions = {}) =>
  Effect.gen(function* () {
    const clock = yield* TestClock.testClockWith(Effect.succeed)
    const server = yield* makeTokenServer(() => clock.currentTimeMillisUnsafe())
    const scope = yield* Scope.make()
    yield* Effect.addFinalizer((exit) => Scope.close(scope, exit))
    const context = yield* Layer.buildWithScope(
      AccessToken.layer(options).pipe(
        Layer.provide(credentialsLayer(server.url)),
        Layer.provide(FetchHttpClient.layer)
      ),
      scope
    )
    return { server, accessToken: Context.get(context, AccessToken), scope } satisfies Harness
  })

/** Lets pending I/O (sockets, timers of the live clock) make progress once. */
export const ioTick = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

/**
 * Lets in-flight I/O finish before the test looks for its absence: a loopback
 * request needs a handful of event-loop turns to reach the server; this gives
 * it a hundred.
 */
export const quiesce = Effect.repeat(ioTick, { times: 100 })

/**
 * Moves the test clock forward by `step` at a time, letting I/O progress in
 * between, until `fiber` is done; returns its exit. Bounded: fails the test
 * rather than loop forever.
 */
export const runUntilDone = <A, E>(fiber: Fiber.Fiber<A, E>, step: Duration.Input = "100 millis") =>
  Effect.gen(function* () {
    for (let i = 0; i < 20_000; i++) {
      const exit = fiber.pollUnsafe()
      if (exit !== undefined) return exit as Exit.Exit<A, E>
      yield* TestClock.adjust(step)
      yield* ioTick
    }
    return yield* Effect.die(
      new Error(`fiber not done after 20000 steps of ${Duration.format(Duration.fromInputUnsafe(step))}`)
    )
  })

/** Runs `effect` until `done` holds of its result, letting I/O progress between tries (bounded). */
export const eventually = <A, E>(effect: Effect.Effect<A, E>, done: (a: A) => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 5_000; i++) {
      const value = yield* effect
      if (done(value)) return value
      yield* ioTick
    }
    return yield* Effect.die(new Error("condition not reached after 5000 tries"))
  })
