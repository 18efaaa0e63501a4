// A user's application, type-checked with TypeScript 5.9 against the packed
// packages (see scripts/check-packages.ts). It composes the layers at the edge
// the way the README shows. Extend it as packages gain public modules.

import {
  type Dossier,
  DossierId,
  Dossiers,
  HydraCollection,
  JsonLdResource,
  Teo,
  TeoApi,
  type TeoApiError
} from "@teo-effect/api"
import { AccessToken, type AuthError, RetryPolicy, TeoCredentials } from "@teo-effect/auth"
import { ExitCode, main as teo } from "@teo-effect/cli"
import { FakeTeo, TeoTest } from "@teo-effect/testing"
import { type Config, Duration, Effect, Layer, Redacted, Schema, Stream } from "effect"
import { FetchHttpClient } from "effect/http"

// The `teo` command, embedded: its exit code for some arguments.
export const teoToken: Effect.Effect<number, never, unknown> = teo(["token"]).pipe(
  Effect.map((code) => (code === ExitCode.ok ? 0 : code))
)

const Seance = Schema.Struct({ ...JsonLdResource.fields, startsAt: Schema.String })
export const Seances = HydraCollection(Seance)

const program: Effect.Effect<number, TeoApiError | AuthError, Dossiers | TeoApi> = Effect.gen(function* () {
  const dossiers = yield* Dossiers
  const first = yield* dossiers.list({ itemsPerPage: 100 }).pipe(Stream.take(10), Stream.runCollect)
  const one = yield* dossiers.get(Schema.decodeUnknownSync(DossierId)("0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b"))
  const api = yield* TeoApi
  const seances = yield* api.stream("/agenda/seances", Seance).pipe(Stream.runCollect)
  const created: Dossier = yield* dossiers.create({
    firstName: "Léa",
    lastName: "Dupont",
    email: "lea@example.fr",
    serviceId: "5f1d7a3e-2b4c-4d6e-8f90-a1b2c3d4e5f6"
  })
  return first.length + seances.length + (one.lastName ? 1 : 0) + (created["@id"] ? 1 : 0)
})

const handled = program.pipe(
  Effect.catchReasons("TeoApiError", {
    NotFound: () => Effect.succeed(0),
    ValidationFailed: (reason) => Effect.die(reason.violations.map((violation) => violation.message).join("\n"))
  }),
  Effect.catchTag("InvalidClient", (error) => Effect.die(error.message))
)

const TeoLive: Layer.Layer<Dossiers | TeoApi, Config.ConfigError> = Dossiers.layer.pipe(
  Layer.provideMerge(TeoApi.layerConfig()),
  Layer.provide(AccessToken.layer({ refreshWindow: "2 minutes" })),
  Layer.provide(TeoCredentials.layerConfig()),
  Layer.provide(FetchHttpClient.layer)
)

export const main = handled.pipe(Effect.provide(TeoLive))

// The same in one line, as the README shows it (there with undici).
export const TeoOneLine: Layer.Layer<Dossiers | TeoApi | AccessToken | TeoCredentials, Config.ConfigError> =
  Teo.layerConfig({ api: { deadline: "1 minute" } }).pipe(Layer.provide(FetchHttpClient.layer))

export const retryable = (error: TeoApiError | AuthError): boolean => error.isRetryable

// The retry schedule reads the error's own isRetryable and retryAfter.
export const retried = Effect.retry(
  program,
  RetryPolicy.schedule({
    times: 2,
    baseDelay: Duration.millis(100),
    maxDelay: Duration.seconds(1),
    maxRetryAfter: Duration.seconds(5)
  })
)

export const fromValues: Layer.Layer<TeoCredentials, Config.ConfigError> = TeoCredentials.layer({
  clientId: "client",
  clientSecret: Redacted.make("secret"),
  teoId: "instance"
})

// A user's test: the real services against FakeTeo.
export const test = Effect.gen(function* () {
  const fake = yield* FakeTeo
  yield* fake.failNext("api", 1, "503")
  const count = yield* handled
  const stats = yield* fake.stats
  return count + stats.apiRequests
}).pipe(Effect.provide(TeoTest.layer({ fakeTeo: { dossiers: 12, faults: { api: { latency: 5 } } } })))

export const plain = async () => {
  const fake = await FakeTeo.start({ keyStyle: "unprefixed" })
  const env: Record<string, string> = fake.env
  await fake.close()
  return env
}
