/**
 * FakeTeo: a local téo — its token endpoint and its API on one origin on
 * 127.0.0.1 — that behaves as téo documents it, with fault injection, for
 * tests and local development.
 *
 * @since 0.1.0
 */
import { Clock, Context, Duration, Effect, Layer, Redacted, type Scope } from "effect"
import { type FakeDossier, makeDossiers, makePrestations, seedOf } from "./FakeData.js"
import {
  type ClientConfig,
  FakeTeoServer,
  type Faults,
  type InjectedFailure,
  type Instance,
  type LoggedRequest,
  type ServerConfig,
  type Stats
} from "./internal/server.js"

export type { Faults, InjectedFailure, LoggedRequest, Stats }

/**
 * A client registered with FakeTeo, and the téo instances it may open.
 *
 * @since 0.1.0
 * @category models
 */
export type FakeClient = ClientConfig

/**
 * Options of FakeTeo. Every one has a default: one client
 * (`fake-client` / `fake-secret`) on one instance (`fake-instance`) holding 95
 * dossiers (4 pages of 30).
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeTeoOptions {
  /** The port on 127.0.0.1. Default 0: an ephemeral port. */
  readonly port?: number
  /** Registered clients. Default: `fake-client` / `fake-secret`, on `fake-instance`. */
  readonly clients?: ReadonlyArray<FakeClient>
  /** Lifetime of the tokens issued (`expires_in`). Default 599 seconds, as téo. */
  readonly tokenTtl?: Duration.Input
  /** Generated dossiers per instance (default 95), or each instance's own dossiers. */
  readonly dossiers?: number | Readonly<Record<string, ReadonlyArray<FakeDossier>>>
  /** Seed of the generated data and of random faults. Default 1. */
  readonly seed?: number
  /** `prefixed` (`hydra:member`…, default) or `unprefixed` (`member`…, as API Platform 4). */
  readonly keyStyle?: "prefixed" | "unprefixed"
  /** At most `requests` API requests per `window`; the next ones get 429 with `Retry-After`. */
  readonly rateLimit?: { readonly requests: number; readonly window: Duration.Input }
  /** Faults of the token endpoint and of the API, separately. */
  readonly faults?: { readonly token?: Faults; readonly api?: Faults }
}

/**
 * What a running FakeTeo offers: where it is, the default client's
 * credentials, its controls and what it has seen.
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeTeoHandle<F> {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** The token endpoint: `<url>/oauth2/token`. */
  readonly tokenUrl: string
  /** The API's base URL: `<url>/api`. */
  readonly apiUrl: string
  /** The first registered client, on its first instance. */
  readonly credentials: {
    readonly clientId: string
    readonly clientSecret: Redacted.Redacted<string>
    readonly teoId: string
  }
  /** The prestations of the default instance: valid `serviceId`s for new dossiers. */
  readonly prestationIds: ReadonlyArray<string>
  /** Every token issued so far is now expired: the API answers 401 `Expired token`. */
  readonly expireTokens: F
  /** Every token issued so far is now revoked: the API answers 401 `Invalid token`. */
  readonly revokeTokens: F
  /** Back to the start: stats, request log, expiries, revocations, injected failures, created dossiers. */
  readonly reset: F
}

/**
 * @since 0.1.0
 * @category models
 */
export interface FakeTeoService extends FakeTeoHandle<Effect.Effect<void>> {
  /** The next `count` requests to the token endpoint or the API fail with `failure`. */
  readonly failNext: (side: "token" | "api", count: number, failure: InjectedFailure) => Effect.Effect<void>
  /** Changes the faults or the rate limit of the running server (`null` removes the limit). */
  readonly configure: (changes: {
    readonly faults?: { readonly token?: Faults; readonly api?: Faults }
    readonly rateLimit?: { readonly requests: number; readonly window: Duration.Input } | null
  }) => Effect.Effect<void>
  /** Counts of token requests, tokens issued, API requests by status. */
  readonly stats: Effect.Effect<Stats>
  /** Every request, with its status; the Authorization header shows its scheme only. */
  readonly requests: Effect.Effect<ReadonlyArray<LoggedRequest>>
}

const defaultClient: FakeClient = { clientId: "fake-client", clientSecret: "fake-secret", teoIds: ["fake-instance"] }

const instancesOf = (options: FakeTeoOptions, clients: ReadonlyArray<FakeClient>): Map<string, Instance> => {
  const seed = String(options.seed ?? 1)
  const ids = new Set(clients.flatMap((client) => client.teoIds))
  const instances = new Map<string, Instance>()
  for (const teoId of ids) {
    const prestations = makePrestations(`${seed}:${teoId}`)
    const dossiers =
      typeof options.dossiers === "object"
        ? [...(options.dossiers[teoId] ?? [])]
        : [...makeDossiers(`${seed}:${teoId}`, options.dossiers ?? 95, prestations)]
    instances.set(teoId, { dossiers, prestations })
  }
  return instances
}

const copyOf = (instances: Map<string, Instance>) =>
  new Map([...instances].map(([teoId, instance]) => [teoId, { ...instance, dossiers: [...instance.dossiers] }]))

const windowOf = (rateLimit: FakeTeoOptions["rateLimit"]) =>
  rateLimit === undefined
    ? undefined
    : { requests: rateLimit.requests, windowMillis: Duration.toMillis(Duration.fromInputUnsafe(rateLimit.window)) }

/** Starts the server; `now` is its clock (token expiry, rate-limit windows). */
const startServer = async (options: FakeTeoOptions, now: () => number) => {
  const clients = options.clients ?? [defaultClient]
  const first = clients[0] ?? defaultClient
  const instances = instancesOf(options, clients)
  const initial = copyOf(instances)
  const config: ServerConfig = {
    port: options.port ?? 0,
    clients,
    tokenTtlSeconds: Math.round(Duration.toSeconds(Duration.fromInputUnsafe(options.tokenTtl ?? "599 seconds"))),
    instances,
    keyStyle: options.keyStyle ?? "prefixed",
    rateLimit: windowOf(options.rateLimit),
    faults: { token: options.faults?.token ?? {}, api: options.faults?.api ?? {} },
    seed: seedOf(`faults:${options.seed ?? 1}`),
    now
  }
  const server = new FakeTeoServer(config)
  await server.listen()
  const teoId = first.teoIds[0] ?? "fake-instance"
  return {
    server,
    teoId,
    initial,
    handle: {
      url: server.origin,
      tokenUrl: `${server.origin}/oauth2/token`,
      apiUrl: `${server.origin}/api`,
      credentials: { clientId: first.clientId, clientSecret: Redacted.make(first.clientSecret), teoId },
      prestationIds: (instances.get(teoId)?.prestations ?? []).map((prestation) => prestation.id)
    }
  }
}

/**
 * FakeTeo as an Effect service. `FakeTeo.layer(options)` starts it for the
 * layer's scope, on the Effect clock — so with `TestClock`, tokens expire and
 * rate-limit windows turn with the test's virtual time.
 *
 * @example
 * ```ts
 * import { FakeTeo } from "@teo-effect/testing"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function* () {
 *   const fake = yield* FakeTeo
 *   yield* fake.failNext("api", 2, "503")
 *   // … call fake.apiUrl …
 *   const stats = yield* fake.stats
 * }).pipe(Effect.provide(FakeTeo.layer({ dossiers: 42 })))
 * ```
 *
 * @since 0.1.0
 * @category services
 */
export class FakeTeo extends Context.Service<FakeTeo, FakeTeoService>()("@teo-effect/testing/FakeTeo") {
  /**
   * Starts FakeTeo for the current scope.
   *
   * @since 0.1.0
   */
  static readonly make = (options: FakeTeoOptions = {}): Effect.Effect<FakeTeoService, never, Scope.Scope> =>
    Effect.gen(function* () {
      const clock = yield* Clock.clockWith(Effect.succeed)
      const { server, handle, initial } = yield* Effect.acquireRelease(
        Effect.promise(() => startServer(options, () => clock.currentTimeMillisUnsafe())),
        ({ server }) => Effect.promise(() => server.close())
      )
      return FakeTeo.of({
        ...handle,
        expireTokens: Effect.sync(() => server.expireTokens()),
        revokeTokens: Effect.sync(() => server.revokeTokens()),
        reset: Effect.sync(() => server.reset(copyOf(initial))),
        failNext: (side, count, failure) => Effect.sync(() => server.failNext(side, count, failure)),
        configure: (changes) =>
          Effect.sync(() =>
            server.configure({
              ...(changes.faults === undefined ? {} : { faults: changes.faults }),
              ...(changes.rateLimit === undefined
                ? {}
                : { rateLimit: changes.rateLimit === null ? null : (windowOf(changes.rateLimit) ?? null) })
            })
          ),
        stats: Effect.sync(() => server.stats()),
        requests: Effect.sync(() => server.requests())
      })
    })

  /**
   * FakeTeo for the layer's scope.
   *
   * @since 0.1.0
   */
  static readonly layer = (options: FakeTeoOptions = {}): Layer.Layer<FakeTeo> =>
    Layer.effect(FakeTeo, FakeTeo.make(options))

  /**
   * FakeTeo for test runners without Effect (plain vitest, jest, node:test):
   * a Promise of the running server, on the real clock; `close()` stops it.
   *
   * @example
   * ```ts
   * import { FakeTeo } from "@teo-effect/testing"
   *
   * const fake = await FakeTeo.start()
   * process.env.TEO_AUTH_URL = fake.tokenUrl
   * process.env.TEO_API_URL = fake.apiUrl
   * Object.assign(process.env, fake.env)
   * // …
   * await fake.close()
   * ```
   *
   * @since 0.1.0
   */
  static readonly start = async (options: FakeTeoOptions = {}) => {
    const { server, handle, initial } = await startServer(options, () => Date.now())
    return {
      ...handle,
      /** The environment that points teo-effect (and `teo`) at this server; the secret in clear. */
      env: {
        TEO_CLIENT_ID: handle.credentials.clientId,
        TEO_CLIENT_SECRET: Redacted.value(handle.credentials.clientSecret),
        TEO_ID: handle.credentials.teoId,
        TEO_AUTH_URL: handle.tokenUrl,
        TEO_API_URL: handle.apiUrl
      },
      expireTokens: () => server.expireTokens(),
      revokeTokens: () => server.revokeTokens(),
      reset: () => server.reset(copyOf(initial)),
      failNext: (side: "token" | "api", count: number, failure: InjectedFailure) =>
        server.failNext(side, count, failure),
      stats: () => server.stats(),
      requests: () => server.requests(),
      close: () => server.close()
    }
  }
}
