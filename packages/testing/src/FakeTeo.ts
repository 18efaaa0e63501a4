/**
 * FakeTeo: a local téo — its token endpoint and its API on one origin on
 * 127.0.0.1 — that behaves as téo documents it, with fault injection, for
 * tests and local development.
 *
 * @since 0.1.0
 */
import { createServer } from "node:http"
import { NodeHttpServer, NodeHttpServerRequest } from "@effect/platform-node"
import type { Resource } from "@teo-effect/api"
import { Clock, Context, Duration, Effect, Exit, Layer, Predicate, Redacted, Ref, Schema, Scope } from "effect"
import { FetchHttpClient, type HttpClient, HttpRouter, HttpServer, HttpServerResponse } from "effect/http"
import { type FakeDossier, makeDossiers, makePrestations } from "./FakeData.js"
import type { Fake, FakeProfile } from "./internal/Fake.js"
import { routes } from "./internal/FakeApp.js"
import * as FakeState from "./internal/FakeState.js"
import { makeSigner } from "./internal/FakeTokens.js"
import { makePartnerKeys, type PartnerKeys } from "./internal/PartnerKeys.js"
import { partnerLink } from "./internal/PartnerLinkRoutes.js"
import { checkItems, maxIdLength, type ResourceItem, seedItems } from "./internal/ResourceItems.js"
import { random, seedOf, uuidFrom } from "./internal/Seeded.js"

export type { FakeProfile } from "./internal/Fake.js"
export type { FakeClient, Faults, InjectedFailure, LoggedRequest, Stats } from "./internal/FakeState.js"

type FakeClient = FakeState.FakeClient
type Faults = FakeState.Faults
type InjectedFailure = FakeState.InjectedFailure
type LoggedRequest = FakeState.LoggedRequest
type Stats = FakeState.Stats

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
  /** Seed of the generated data, of created dossiers' ids and of random faults. Default 1. */
  readonly seed?: number
  /** `prefixed` (`hydra:member`…, default) or `unprefixed` (`member`…, as API Platform 4). */
  readonly keyStyle?: "prefixed" | "unprefixed"
  /**
   * `rich` (default): dossiers with every field the library knows of, and the
   * headers API Platform adds. `documented`: only what téo documents —
   * dossiers with `@id`, `@type`, `firstName`, `lastName`, `email` and
   * `phone` (`null` when empty), no extra headers.
   */
  readonly profile?: FakeProfile
  /** At most `requests` API requests per `window`; the next ones get 429 with `Retry-After`. */
  readonly rateLimit?: { readonly requests: number; readonly window: Duration.Input }
  /** Faults of the token endpoint and of the API, separately. */
  readonly faults?: { readonly token?: Faults; readonly api?: Faults }
  /**
   * Generated resources to serve besides dossiers and prestations: the
   * `definitions` of the modules `teo generate` writes (or one resource's
   * `Jobs.definition`), each with 35 items seeded from its read Schema, or
   * `{ definition, items }` with a count or the items themselves. Those of
   * téo's dossiers and prestations are served by FakeTeo's own routes.
   *
   * @since 0.4.0
   */
  readonly resources?: ReadonlyArray<Resource.Definition | FakeResource>
}

/**
 * A generated resource for FakeTeo to serve, with its items: a count
 * (seeded from its read Schema) or the items themselves, each of which must
 * decode with that Schema (an `@id` in the collection keeps its id, others
 * get a new one).
 *
 * @since 0.4.0
 * @category models
 */
export interface FakeResource {
  readonly definition: Resource.Definition
  readonly items?: number | ReadonlyArray<Readonly<Record<string, unknown>>>
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
 * What `yield* FakeTeo` gives: its handle with Effect controls, injected failures, settings, stats, the request log and partner links.
 *
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
  /**
   * Where FakeTeo publishes its partner-link keys (`PartnerLink`'s `jwksUrl`).
   *
   * @since 0.2.0
   */
  readonly jwksUrl: string
  /**
   * A partner link's token, as téo would put in the link: ES256, signed with
   * FakeTeo's current key, `dossierId` (default: the first dossier), `userId`,
   * `ttl` (default 5 minutes, téo's) and any other `claims`.
   *
   * @since 0.2.0
   */
  readonly partnerLink: (link?: PartnerLinkRequest) => Effect.Effect<string>
  /**
   * A new signing key; the previous one stays published (the overlap of a rotation).
   *
   * @since 0.2.0
   */
  readonly rotatePartnerKeys: Effect.Effect<void>
}

/**
 * What `partnerLink` puts in a token.
 *
 * @since 0.2.0
 * @category models
 */
export interface PartnerLinkRequest {
  readonly dossierId?: string
  readonly userId?: string
  readonly ttl?: Duration.Input
  readonly claims?: Readonly<Record<string, unknown>>
}

/**
 * FakeTeo could not start: the port is taken, or the address cannot be used.
 *
 * @since 0.1.0
 * @category errors
 */
export class FakeTeoStartError extends Schema.TaggedError<FakeTeoStartError>()("FakeTeoStartError", {
  port: Schema.Number,
  reason: Schema.String
}) {
  override get message(): string {
    return `FakeTeo could not listen on 127.0.0.1:${this.port}: ${this.reason}`
  }
}

/**
 * FakeTeo cannot serve a generated resource: its paths are not a collection
 * under `/api` with items at `<collection>/{id}`, two have the same
 * collection, or one of its items does not decode with its read Schema.
 *
 * @since 0.4.0
 * @category errors
 */
export class FakeTeoResourceError extends Schema.TaggedError<FakeTeoResourceError>()("FakeTeoResourceError", {
  collection: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `FakeTeo cannot serve ${this.collection}: ${this.reason}`
  }
}

/** Served by FakeTeo's own routes, with téo's rules: a definition of these adds nothing. */
const ownCollections = new Set(["/api/production/dossiers", "/api/production/prestations"])

/** FakeTeo's own paths under `/api`, which no resource may take. */
const reservedCollections = /^\/api\/(docs|docs\.jsonopenapi|contexts|production)(\/|$)/

/** Seeded items per resource when the options give no count; at most `maxItems`. */
const defaultItems = 35
const maxItems = 100_000

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** The resources of `options` FakeTeo serves, and each instance's items; or why one cannot be served. */
const resourcesOf = (
  options: FakeTeoOptions,
  teoIds: ReadonlyArray<string>
):
  | {
      readonly definitions: ReadonlyArray<Resource.Definition>
      readonly items: (teoId: string) => ReadonlyMap<string, ReadonlyArray<ResourceItem>>
    }
  | FakeTeoResourceError => {
  const seed = String(options.seed ?? 1)
  const served = (options.resources ?? [])
    .map((resource) => ("definition" in resource ? resource : { definition: resource }))
    .filter((resource) => !ownCollections.has(resource.definition.collection))
  const byTeoId = new Map<string, Map<string, ReadonlyArray<ResourceItem>>>(teoIds.map((id) => [id, new Map()]))
  for (const { definition, items } of served) {
    const { collection } = definition
    const fail = (reason: string) => new FakeTeoResourceError({ collection: String(collection), reason })
    if (typeof collection !== "string" || !/^\/api(\/[A-Za-z0-9._~-]+)+$/.test(collection)) {
      return fail("a collection is a path under /api without parameters (letters, digits, . _ ~ - between slashes)")
    }
    if (reservedCollections.test(collection)) return fail("FakeTeo serves that path itself")
    if (
      typeof definition.item !== "string" ||
      !new RegExp(`^${escapeRegExp(collection)}/\\{[A-Za-z_][A-Za-z0-9_]*\\}$`).test(definition.item)
    ) {
      return fail(`its items are not at ${collection}/{id} (${JSON.stringify(definition.item)})`)
    }
    const unbacked = (["create", "replace", "update"] as const).filter(
      (operation) => definition.operations.includes(operation) && definition[operation] === undefined
    )
    if (unbacked.length > 0) return fail(`it declares ${unbacked.join(", ")} without the Schema of its body`)
    if (typeof items === "number" && !(Number.isInteger(items) && items >= 0 && items <= maxItems)) {
      return fail(`items is a count from 0 to ${maxItems}, got ${items}`)
    }
    for (const [teoId, resources] of byTeoId) {
      if (resources.has(collection)) return fail("it is given twice")
      const given = typeof items === "object" ? items : seedItems(definition, items ?? defaultItems, `${seed}:${teoId}`)
      const checked = checkItems(definition, given, `${seed}:${teoId}`, typeof items === "object" ? "given" : "seeded")
      if (typeof checked === "string") return fail(checked)
      resources.set(collection, checked)
    }
  }
  return { definitions: served.map((resource) => resource.definition), items: (id) => byTeoId.get(id) ?? new Map() }
}

const defaultClient: FakeClient = { clientId: "fake-client", clientSecret: "fake-secret", teoIds: ["fake-instance"] }

const instancesOf = (
  options: FakeTeoOptions,
  ids: ReadonlySet<string>,
  resources: (teoId: string) => ReadonlyMap<string, ReadonlyArray<ResourceItem>>
): Map<string, FakeState.Instance> => {
  const seed = String(options.seed ?? 1)
  const instances = new Map<string, FakeState.Instance>()
  for (const teoId of ids) {
    const prestations = makePrestations(`${seed}:${teoId}`)
    const dossiers =
      typeof options.dossiers === "object"
        ? [...(options.dossiers[teoId] ?? [])]
        : [...makeDossiers(`${seed}:${teoId}`, options.dossiers ?? 95, prestations)]
    instances.set(teoId, { dossiers, prestations, resources: resources(teoId) })
  }
  return instances
}

const windowOf = (rateLimit: FakeTeoOptions["rateLimit"]): FakeState.RateLimit | undefined =>
  rateLimit === undefined
    ? undefined
    : { requests: rateLimit.requests, windowMillis: Duration.toMillis(Duration.fromInputUnsafe(rateLimit.window)) }

/** Marks an in-memory answer whose connection is to be dropped (the in-memory `fetch` then fails). */
const resetMarker = "x-fake-teo-reset"

/** A FakeTeo's state and routes, before they are served; `now` is its clock. */
const makeFake = (
  options: FakeTeoOptions,
  now: () => number,
  reset: Fake["reset"],
  partnerKeys: PartnerKeys
): { readonly fake: Fake; readonly start: FakeState.FakeState } | FakeTeoResourceError => {
  const clients = options.clients ?? [defaultClient]
  const created = random(seedOf(`created:${options.seed ?? 1}`))
  const ids = new Set(clients.flatMap((client) => client.teoIds))
  const resources = resourcesOf(options, [...ids])
  if (resources instanceof FakeTeoResourceError) return resources
  const start = FakeState.initial({
    instances: instancesOf(options, ids, resources.items),
    faults: { token: options.faults?.token ?? {}, api: options.faults?.api ?? {} },
    rateLimit: windowOf(options.rateLimit)
  })
  const fake: Fake = {
    config: {
      clients,
      tokenTtlSeconds: Math.round(Duration.toSeconds(Duration.fromInputUnsafe(options.tokenTtl ?? "599 seconds"))),
      keyStyle: options.keyStyle ?? "prefixed",
      profile: options.profile ?? "rich",
      now,
      resources: resources.definitions
    },
    state: Ref.makeUnsafe(start),
    signer: makeSigner(),
    dice: random(seedOf(`faults:${options.seed ?? 1}`)),
    newId: () => uuidFrom(created),
    partnerKeys,
    reset
  }
  return { fake, start }
}

/** The service of a FakeTeo served at `origin`. */
const serviceOf = (fake: Fake, start: FakeState.FakeState, origin: string): FakeTeoService => {
  const first = fake.config.clients[0] ?? defaultClient
  const teoId = first.teoIds[0] ?? "fake-instance"
  const update = (f: (state: FakeState.FakeState) => FakeState.FakeState) => Ref.update(fake.state, f)
  return FakeTeo.of({
    url: origin,
    tokenUrl: `${origin}/oauth2/token`,
    apiUrl: `${origin}/api`,
    credentials: { clientId: first.clientId, clientSecret: Redacted.make(first.clientSecret), teoId },
    prestationIds: (start.instances.get(teoId)?.prestations ?? []).map((prestation) => prestation.id),
    expireTokens: update(FakeState.expireTokens),
    revokeTokens: update(FakeState.revokeTokens),
    reset: update((state) => FakeState.reset(state, start)),
    failNext: (side, count, failure) => update((state) => FakeState.inject(state, side, count, failure)),
    configure: (changes) =>
      update((state) => ({
        ...state,
        faults: {
          token: changes.faults?.token ?? state.faults.token,
          api: changes.faults?.api ?? state.faults.api
        },
        rateLimit:
          changes.rateLimit === undefined
            ? state.rateLimit
            : changes.rateLimit === null
              ? undefined
              : windowOf(changes.rateLimit)
      })),
    stats: Effect.map(Ref.get(fake.state), FakeState.stats),
    requests: Effect.map(Ref.get(fake.state), (state) => [...state.log]),
    jwksUrl: `${origin}/.well-known/jwks.json`,
    partnerLink: (link = {}) =>
      Effect.map(
        partnerLink(fake, {
          ...link,
          ...(link.ttl === undefined
            ? {}
            : { ttlSeconds: Math.round(Duration.toSeconds(Duration.fromInputUnsafe(link.ttl))) })
        }),
        (issued) => issued.token
      ),
    rotatePartnerKeys: Effect.promise(() => fake.partnerKeys.rotate())
  })
}

/** A path parameter (an item's id) may be up to `maxIdLength` characters, encoded. */
const serveOptions = {
  disableLogger: true,
  disableListenLog: true,
  routerConfig: { ignoreTrailingSlash: true, maxParamLength: maxIdLength }
}

/** Serves `fake` on 127.0.0.1:`port` for the current scope; its origin. */
const serveOnSocket = (fake: Fake, port: number): Effect.Effect<string, FakeTeoStartError, Scope.Scope> =>
  Effect.gen(function* () {
    const server = createServer()
    const context = yield* Layer.build(
      HttpRouter.serve(routes(fake), serveOptions).pipe(
        Layer.provideMerge(NodeHttpServer.layerServer(() => server, { port, host: "127.0.0.1" }))
      )
    ).pipe(
      Effect.mapError((error) => {
        const cause: unknown = error.cause
        const message =
          Predicate.hasProperty(cause, "message") && Predicate.isString(cause.message) ? cause.message : error.message
        return new FakeTeoStartError({
          port,
          reason:
            Predicate.hasProperty(cause, "code") && cause.code === "EADDRINUSE"
              ? "the port is in use (choose another, or 0 for any free one)"
              : message
        })
      })
    )
    // Closed before the server's own finalizer, which would wait for keep-alive connections.
    yield* Effect.addFinalizer(() => Effect.sync(() => server.closeAllConnections()))
    const address = Context.get(context, HttpServer.HttpServer).address
    return `http://127.0.0.1:${"port" in address ? address.port : port}`
  })

/** Drops the request's socket, as a server that crashes mid-request does. */
const resetSocket: Fake["reset"] = (request) =>
  Effect.sync(() => {
    NodeHttpServerRequest.toIncomingMessage(request).socket.destroy()
    return HttpServerResponse.empty()
  })

const resetInMemory: Fake["reset"] = () =>
  Effect.succeed(HttpServerResponse.empty({ status: 502, headers: { [resetMarker]: "1" } }))

/** FakeTeo on a socket for the current scope, on `now`. */
const makeWith = (
  options: FakeTeoOptions,
  now: () => number
): Effect.Effect<FakeTeoService, FakeTeoStartError | FakeTeoResourceError, Scope.Scope> =>
  Effect.gen(function* () {
    const made = makeFake(options, now, resetSocket, yield* Effect.promise(makePartnerKeys))
    if (made instanceof FakeTeoResourceError) return yield* made
    const { fake, start } = made
    const origin = yield* serveOnSocket(fake, options.port ?? 0)
    return serviceOf(fake, start, origin)
  })

/**
 * FakeTeo as an Effect service. `FakeTeo.layer(options)` starts it for the
 * layer's scope, on the Effect clock — so with `TestClock`, tokens expire and
 * rate-limit windows turn with the test's virtual time. Its routes are an
 * `effect/http` `HttpRouter` application, served on 127.0.0.1 (`layer`) or
 * in memory (`layerInMemory`).
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
   * Starts FakeTeo on 127.0.0.1 for the current scope.
   *
   * @since 0.1.0
   */
  static readonly make = (
    options: FakeTeoOptions = {}
  ): Effect.Effect<FakeTeoService, FakeTeoStartError | FakeTeoResourceError, Scope.Scope> =>
    Effect.flatMap(Clock.clockWith(Effect.succeed), (clock) => makeWith(options, () => clock.currentTimeMillisUnsafe()))

  /**
   * FakeTeo on 127.0.0.1 for the layer's scope.
   *
   * @since 0.1.0
   */
  static readonly layer = (
    options: FakeTeoOptions = {}
  ): Layer.Layer<FakeTeo, FakeTeoStartError | FakeTeoResourceError> => Layer.effect(FakeTeo, FakeTeo.make(options))

  /**
   * FakeTeo in memory, for tests that do not need sockets: the same routes,
   * state and faults, and an `HttpClient` that sends its requests to them
   * (a reset is a failed request; latency and slow bodies are kept). Its URLs
   * are `https://fake-teo.invalid/…`: only this `HttpClient` reaches them.
   *
   * @example
   * ```ts
   * import { Teo } from "@teo-effect/api"
   * import { FakeTeo } from "@teo-effect/testing"
   * import { Effect, Layer } from "effect"
   *
   * const TeoInMemory = Layer.unwrap(
   *   Effect.gen(function* () {
   *     const fake = yield* FakeTeo
   *     return Teo.layer({
   *       credentials: { ...fake.credentials, tokenUrl: fake.tokenUrl },
   *       api: { baseUrl: fake.apiUrl }
   *     })
   *   })
   * ).pipe(Layer.provideMerge(FakeTeo.layerInMemory()))
   * ```
   *
   * @since 0.1.0
   */
  static readonly layerInMemory = (
    options: FakeTeoOptions = {}
  ): Layer.Layer<FakeTeo | HttpClient.HttpClient, FakeTeoResourceError> =>
    Layer.unwrap(
      Effect.gen(function* () {
        const clock = yield* Clock.clockWith(Effect.succeed)
        const made = makeFake(
          options,
          () => clock.currentTimeMillisUnsafe(),
          resetInMemory,
          yield* Effect.promise(makePartnerKeys)
        )
        if (made instanceof FakeTeoResourceError) return yield* made
        const { fake, start } = made
        const web = HttpRouter.toWebHandler(routes(fake), serveOptions)
        yield* Effect.addFinalizer(() => Effect.promise(() => web.dispose()))
        const inMemoryFetch: typeof globalThis.fetch = async (input, init) => {
          const response = await web.handler(new Request(input, init))
          if (response.headers.has(resetMarker)) {
            throw new TypeError("fetch failed", {
              cause: Object.assign(new Error("read ECONNRESET (FakeTeo in memory)"), { code: "ECONNRESET" })
            })
          }
          return response
        }
        return Layer.merge(
          Layer.succeed(FakeTeo, serviceOf(fake, start, "https://fake-teo.invalid")),
          FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, inMemoryFetch)))
        )
      })
    )

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
  static readonly start = async (options: FakeTeoOptions = {}): Promise<RunningFakeTeo> => {
    const scope = Effect.runSync(Scope.make())
    const exit = await Effect.runPromiseExit(
      Scope.provide(
        makeWith(options, () => Date.now()),
        scope
      )
    )
    if (Exit.isFailure(exit)) {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      throw Exit.isFailure(exit) && exit.cause.reasons[0]?._tag === "Fail"
        ? exit.cause.reasons[0].error
        : new Error(String(exit.cause))
    }
    const fake = exit.value
    const run = <A>(effect: Effect.Effect<A>): A => Effect.runSync(effect)
    return {
      url: fake.url,
      tokenUrl: fake.tokenUrl,
      apiUrl: fake.apiUrl,
      credentials: fake.credentials,
      prestationIds: fake.prestationIds,
      env: {
        TEO_CLIENT_ID: fake.credentials.clientId,
        TEO_CLIENT_SECRET: Redacted.value(fake.credentials.clientSecret),
        TEO_ID: fake.credentials.teoId,
        TEO_AUTH_URL: fake.tokenUrl,
        TEO_API_URL: fake.apiUrl,
        TEO_PARTNER_JWKS_URL: fake.jwksUrl
      },
      expireTokens: () => run(fake.expireTokens),
      revokeTokens: () => run(fake.revokeTokens),
      reset: () => run(fake.reset),
      failNext: (side, count, failure) => run(fake.failNext(side, count, failure)),
      configure: (changes) => run(fake.configure(changes)),
      stats: () => run(fake.stats),
      requests: () => run(fake.requests),
      jwksUrl: fake.jwksUrl,
      partnerLink: (link) => Effect.runPromise(fake.partnerLink(link)),
      rotatePartnerKeys: () => Effect.runPromise(fake.rotatePartnerKeys),
      close: () => Effect.runPromise(Scope.close(scope, Exit.void))
    }
  }
}

/**
 * A FakeTeo started by `FakeTeo.start`: its handle with plain functions, the
 * environment that points teo-effect at it, and `close`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunningFakeTeo extends FakeTeoHandle<() => void> {
  /** The environment that points teo-effect (and `teo`) at this server; the secret in clear. */
  readonly env: {
    readonly TEO_CLIENT_ID: string
    readonly TEO_CLIENT_SECRET: string
    readonly TEO_ID: string
    readonly TEO_AUTH_URL: string
    readonly TEO_API_URL: string
    /**
     * The JWKS of its partner links, which `PartnerLink.layerConfig` reads.
     *
     * @since 0.2.0
     */
    readonly TEO_PARTNER_JWKS_URL: string
  }
  readonly failNext: (side: "token" | "api", count: number, failure: InjectedFailure) => void
  readonly configure: (changes: Parameters<FakeTeoService["configure"]>[0]) => void
  readonly stats: () => Stats
  readonly requests: () => ReadonlyArray<LoggedRequest>
  /**
   * Where FakeTeo publishes its partner-link keys.
   *
   * @since 0.2.0
   */
  readonly jwksUrl: string
  /**
   * A partner link's token, signed with FakeTeo's current key.
   *
   * @since 0.2.0
   */
  readonly partnerLink: (link?: PartnerLinkRequest) => Promise<string>
  /**
   * A new signing key; the previous one stays published.
   *
   * @since 0.2.0
   */
  readonly rotatePartnerKeys: () => Promise<void>
  readonly close: () => Promise<void>
}
