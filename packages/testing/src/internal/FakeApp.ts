/**
 * FakeTeo's routes, as an `HttpRouter` application: téo's token endpoint and
 * API on one origin, as téo documents them, over a `Ref`-held state, with
 * fault injection. Served on a socket by `FakeTeo.make` (through
 * `@effect/platform-node`) or in memory by `FakeTeo.layerInMemory`.
 *
 * Every request goes through the same steps: the latency in force, then an
 * injected or random fault, else the route; then it is logged and counted.
 *
 * @internal
 */
import { randomUUID } from "node:crypto"
import { newDossierViolations } from "@teo-effect/api"
import { DateTime, Effect, type Layer, Option, Ref, Schema, Stream } from "effect"
import { HttpRouter, type HttpServerRequest, HttpServerResponse } from "effect/http"
import type { FakeDossier, FakePrestation } from "../FakeData.js"
import { type Answer, hydraError, json, ldJson, methodNotAllowed, oauthError, rateLimited } from "./Answers.js"
import * as FakeState from "./FakeState.js"
import { type Signer, safeEqual } from "./FakeTokens.js"
import type { PartnerKeys } from "./PartnerKeys.js"

/**
 * `rich` (the default): dossiers with every field the library knows of, and
 * the headers API Platform adds. `documented`: only what téo documents —
 * dossiers with `@id`, `@type` and the beneficiary fields of téo's guide
 * (`firstName`, `lastName`, `email`, `phone`, `null` when empty), no extra
 * headers.
 *
 * @since 0.1.0
 * @category models
 */
export type FakeProfile = "rich" | "documented"

/** The beneficiary fields of téo's guide to creating a dossier (teo-api.md §3). */
const documentedFields = ["firstName", "lastName", "email", "phone"] as const

export interface FakeConfig {
  readonly clients: ReadonlyArray<FakeState.FakeClient>
  readonly tokenTtlSeconds: number
  readonly keyStyle: "prefixed" | "unprefixed"
  readonly profile: FakeProfile
  /** FakeTeo's clock: token expiry, rate-limit windows, creation dates. */
  readonly now: () => number
}

export interface Fake {
  readonly config: FakeConfig
  readonly state: Ref.Ref<FakeState.FakeState>
  readonly signer: Signer
  /** The dice of random faults, seeded. */
  readonly dice: () => number
  /** The partner-link keys, published at `/.well-known/jwks.json`. */
  readonly partnerKeys: PartnerKeys
  /** Drops the connection of `request` (a socket reset, or its in-memory equivalent). */
  readonly reset: (request: HttpServerRequest.HttpServerRequest) => Effect.Effect<HttpServerResponse.HttpServerResponse>
}

/** A wait on the real clock: latency is about the wire, not about the test's virtual time. */
const wait = (millis: number): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    const timer = setTimeout(() => resume(Effect.void), millis)
    return Effect.sync(() => clearTimeout(timer))
  })

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** `application/x-www-form-urlencoded` decoding of one value; `undefined` when it is not valid. */
const formDecode = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined
  try {
    return decodeURIComponent(value.replaceAll("+", " "))
  } catch {
    return undefined
  }
}

/**
 * What a partner link carries; each absent field has `partnerLink`'s
 * default.
 */
export interface PartnerLinkClaims {
  readonly dossierId?: string
  readonly userId?: string
  readonly ttlSeconds?: number
  readonly claims?: Readonly<Record<string, unknown>>
}

/**
 * A partner link's token, signed with FakeTeo's current key: `dossierId`
 * (default: the first instance's first dossier), `userId` (default
 * `fake-user`), valid `ttlSeconds` (default 300, téo's 5 minutes).
 */
export const partnerLink = (
  fake: Fake,
  link: PartnerLinkClaims
): Effect.Effect<{ readonly token: string; readonly dossierId: string; readonly userId: string }> =>
  Effect.gen(function* () {
    const teoId = fake.config.clients[0]?.teoIds[0] ?? ""
    const dossierId = link.dossierId ?? (yield* Ref.get(fake.state)).instances.get(teoId)?.dossiers[0]?.id ?? ""
    const userId = link.userId ?? "fake-user"
    const token = yield* Effect.promise(() =>
      fake.partnerKeys.sign({ dossierId, userId, ...link.claims }, link.ttlSeconds ?? 300, fake.config.now())
    )
    return { token, dossierId, userId }
  })

/** The body of `POST /_fake/partner-links`: each field optional. */
const PartnerLinkBody = Schema.Struct({
  dossierId: Schema.optionalKey(Schema.NonEmptyString),
  userId: Schema.optionalKey(Schema.NonEmptyString),
  ttl: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 86_400 })))
})
const decodePartnerLinkBody = Schema.decodeUnknownOption(Schema.fromJsonString(PartnerLinkBody))

type Handler = (request: HttpServerRequest.HttpServerRequest, url: URL, body: string) => Effect.Effect<Answer>

/** The FakeTeo application: its routes, for `HttpRouter.serve` or `HttpRouter.toWebHandler`. */
export const routes = (fake: Fake): Layer.Layer<never, never, HttpRouter.HttpRouter> => {
  const { config, state } = fake
  const roll = (rate: number | undefined) => rate !== undefined && rate > 0 && fake.dice() < rate

  /** An injected failure or a random fault, if one applies to this request. */
  const fault = (side: FakeState.Side, faults: FakeState.Faults): Effect.Effect<Answer | undefined> =>
    Effect.map(
      Ref.modify(state, (current) => FakeState.takeInjected(current, side)),
      (injected): Answer | undefined => {
        const failure: FakeState.InjectedFailure | undefined =
          injected ??
          (roll(faults.resetRate)
            ? "reset"
            : roll(faults.errorRate)
              ? fake.dice() < 0.5
                ? "500"
                : "503"
              : roll(faults.malformedRate)
                ? "malformed"
                : roll(faults.rateLimitRate)
                  ? "429"
                  : undefined)
        switch (failure) {
          case undefined:
            return undefined
          case "reset":
            return { reset: true }
          case "malformed":
            return {
              status: 200,
              headers: { "content-type": side === "token" ? "application/json" : ldJson },
              raw: `{"hydra:member": [{"@id": "/api/production/dossiers/`
            }
          case "429":
            return rateLimited(injected === undefined ? Math.floor(fake.dice() * 2) : 1)
          default:
            return side === "token"
              ? oauthError(Number(failure), "server_error", "The authorization server is temporarily unavailable")
              : hydraError(Number(failure), failure === "503" ? "Service Unavailable" : "Internal Server Error")
        }
      }
    )

  /** The answer as an HTTP response: whole with its length, or in two halves when `slowBody` is set. */
  const respond = (
    request: HttpServerRequest.HttpServerRequest,
    answer: Answer,
    faults: FakeState.Faults
  ): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
    if ("reset" in answer) return fake.reset(request)
    const text = answer.raw ?? (answer.body === undefined ? "" : JSON.stringify(answer.body))
    const { "content-type": contentType, ...headers } = answer.headers ?? {}
    const options = { status: answer.status, headers, ...(contentType === undefined ? {} : { contentType }) }
    if (faults.slowBody !== undefined && faults.slowBody > 0 && text.length > 1 && answer.status < 300) {
      const half = Math.floor(text.length / 2)
      const encoder = new TextEncoder()
      const halves = Stream.make(encoder.encode(text.slice(0, half))).pipe(
        Stream.concat(Stream.fromEffect(Effect.as(wait(faults.slowBody), encoder.encode(text.slice(half)))))
      )
      return Effect.succeed(HttpServerResponse.stream(halves, options))
    }
    return Effect.succeed(HttpServerResponse.text(text, options))
  }

  /** One route: latency, fault or `handle`, log, response. */
  const served =
    (side: FakeState.Side, handle: Handler) =>
    (request: HttpServerRequest.HttpServerRequest): Effect.Effect<HttpServerResponse.HttpServerResponse> =>
      Effect.gen(function* () {
        const url = new URL(request.url, "http://fake.invalid")
        const body = yield* Effect.orElseSucceed(request.text, () => "")
        const { faults: all } = yield* Ref.get(state)
        const faults = all[side]
        const spike = roll(faults.latencySpikeRate) ? (faults.latencySpike ?? 200) : 0
        const delay = (faults.latency ?? 0) + spike
        if (delay > 0) yield* wait(delay)
        const answer = (yield* fault(side, faults)) ?? (yield* handle(request, url, body))
        const scheme = request.headers.authorization?.split(" ")[0]
        yield* Ref.update(state, (current) =>
          FakeState.record(current, side, {
            at: config.now(),
            method: request.method,
            path: `${url.pathname}${url.search}`,
            status: "reset" in answer ? "reset" : answer.status,
            ...(scheme === undefined ? {} : { authorization: `${scheme} <redacted>` }),
            ...("reset" in answer || answer.ignored === undefined || answer.ignored.length === 0
              ? {}
              : { ignored: answer.ignored })
          })
        )
        return yield* respond(request, answer, faults)
      })

  // ---------------------------------------------------------------------------
  // The token endpoint (POST /oauth2/token), as téo's authentication page says.
  // ---------------------------------------------------------------------------

  const token: Handler = (request, _url, body) => {
    if (request.method !== "POST") {
      return Effect.succeed(oauthError(405, "invalid_request", "The token endpoint only accepts POST"))
    }
    const match = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? "")
    const decoded = match?.[1] === undefined ? undefined : Buffer.from(match[1], "base64").toString("utf8")
    const colon = decoded?.indexOf(":") ?? -1
    const clientId = decoded === undefined || colon < 0 ? undefined : decoded.slice(0, colon)
    const secret = decoded === undefined || colon < 0 ? undefined : decoded.slice(colon + 1)
    // As sent (téo's examples) or form-urlencoded first (RFC 6749 §2.3.1, as oauth4webapi does): both are accepted.
    const client = config.clients.find(
      (candidate) => candidate.clientId === clientId || candidate.clientId === formDecode(clientId)
    )
    if (
      client === undefined ||
      secret === undefined ||
      !(safeEqual(secret, client.clientSecret) || safeEqual(formDecode(secret) ?? "", client.clientSecret))
    ) {
      return Effect.succeed(oauthError(401, "invalid_client", "Invalid client authentication"))
    }
    const form = new URLSearchParams(body)
    if (form.get("grant_type") !== "client_credentials") {
      return Effect.succeed(oauthError(400, "unsupported_grant_type", "Only the client_credentials grant is supported"))
    }
    const scope = form.get("scope") ?? ""
    const teoId = scope.startsWith("target-entity:") ? scope.slice("target-entity:".length) : undefined
    return Ref.modify(state, (current): readonly [Answer, FakeState.FakeState] => {
      if (teoId === undefined || !client.teoIds.includes(teoId) || !current.instances.has(teoId)) {
        return [oauthError(400, "invalid_scope", `Invalid scope: ${scope}`), current]
      }
      const [number, next] = FakeState.issue(current)
      const now = Math.floor(config.now() / 1000)
      const accessToken = fake.signer.sign(
        { sub: client.clientId, teoId, exp: now + config.tokenTtlSeconds, number },
        now
      )
      return [
        {
          status: 200,
          headers: {
            "content-type": "application/json",
            ...(config.profile === "rich" ? { "cache-control": "no-store" } : {})
          },
          body: { access_token: accessToken, expires_in: config.tokenTtlSeconds, scope, token_type: "Bearer" }
        },
        next
      ]
    })
  }

  // ---------------------------------------------------------------------------
  // The API (/api), as API Platform serves it.
  // ---------------------------------------------------------------------------

  /** The instance a bearer token opens, or the 401 téo answers (teo-api.md §4). */
  const authenticate = (
    request: HttpServerRequest.HttpServerRequest,
    current: FakeState.FakeState
  ): { readonly teoId: string } | Answer => {
    const header = request.headers.authorization
    if (header === undefined || header.trim() === "") return hydraError(401, "No authorization header found")
    const claims = fake.signer.verify(/^Bearer\s+(.+)$/i.exec(header)?.[1] ?? "")
    if (claims === undefined || claims.number <= current.revokedUpTo) return hydraError(401, "Invalid token")
    if (claims.number <= current.expiredUpTo || claims.exp * 1000 <= config.now()) {
      return hydraError(401, "Expired token")
    }
    return { teoId: claims.teoId }
  }

  type ApiHandler = (
    request: HttpServerRequest.HttpServerRequest,
    url: URL,
    body: string,
    teoId: string
  ) => Effect.Effect<Answer>

  /** What every API request meets before its route: content negotiation, the token, the rate limit. */
  const api =
    (handle: ApiHandler): Handler =>
    (request, url, body) => {
      const accept = request.headers.accept
      if (accept !== undefined && !/application\/ld\+json|application\/json|\*\/\*/.test(accept)) {
        return Effect.succeed(
          hydraError(
            406,
            `Requested format "${accept}" is not supported. Supported MIME types are "application/ld+json", "application/json".`
          )
        )
      }
      return Effect.flatMap(
        Ref.modify(state, (current): readonly [Answer | string, FakeState.FakeState] => {
          const auth = authenticate(request, current)
          if (!("teoId" in auth)) return [auth, current]
          const [wait, next] = FakeState.spend(current, config.now())
          if (wait !== undefined) return [rateLimited(wait), next]
          if (!next.instances.has(auth.teoId)) return [hydraError(403, "Access Denied."), next]
          return [auth.teoId, next]
        }),
        (outcome) => (typeof outcome === "string" ? handle(request, url, body, outcome) : Effect.succeed(outcome))
      )
    }

  const resource = (dossier: FakeDossier): Record<string, unknown> => {
    const { id, ...fields } = dossier
    const kept =
      config.profile === "rich"
        ? fields
        : Object.fromEntries(documentedFields.map((field) => [field, fields[field] ?? null]))
    return { "@id": `/api/production/dossiers/${id}`, "@type": "Dossier", ...kept }
  }

  const instanceOf = (teoId: string) => Effect.map(Ref.get(state), (current) => current.instances.get(teoId))

  const entrypoint = api((request, url) =>
    Effect.succeed(
      request.method === "GET"
        ? json(200, {
            "@context": "/api/contexts/Entrypoint",
            "@id": "/api",
            "@type": "Entrypoint",
            dossier: "/api/production/dossiers",
            prestation: "/api/production/prestations"
          })
        : methodNotAllowed(request.method, url.pathname)
    )
  )

  /**
   * A page of a collection, as API Platform serves one: `page`, `itemsPerPage`
   * (30 by default, at most 100), the exact-match filters of its search filter
   * on the fields of its items (`?status=Terminé`, `?number=D-2025-0001`), and
   * `order[field]=asc|desc`. Any other parameter is ignored, and said so in
   * the request log (`ignored`).
   */
  const list = <A extends object>(
    url: URL,
    path: string,
    context: string,
    items: ReadonlyArray<A>,
    render: (item: A) => Record<string, unknown>
  ): Answer => {
    const page = url.searchParams.has("page") ? Number(url.searchParams.get("page")) : 1
    const perPage = url.searchParams.has("itemsPerPage") ? Number(url.searchParams.get("itemsPerPage")) : 30
    if (!Number.isInteger(page) || page < 1) return hydraError(400, "Page should not be less than 1")
    if (!Number.isInteger(perPage) || perPage < 0) {
      return hydraError(400, "Item per page parameter should not be less than 0")
    }
    // The fields items are served with (as rendered: the documented profile serves fewer).
    const fields = new Set(items.slice(0, 100).flatMap((item) => Object.keys(render(item))))
    const fieldOf = (item: A, field: string) => render(item)[field]
    const ignored: Array<string> = []
    let selected = items
    const orders: Array<readonly [string, 1 | -1]> = []
    for (const [name, value] of url.searchParams) {
      if (name === "page" || name === "itemsPerPage") continue
      const ordered = /^order\[(.+)\]$/.exec(name)?.[1]
      if (ordered !== undefined && fields.has(ordered) && (value === "asc" || value === "desc")) {
        orders.push([ordered, value === "asc" ? 1 : -1])
      } else if (ordered === undefined && fields.has(name) && name !== "@id" && name !== "@type") {
        selected = selected.filter((item) => {
          const found = fieldOf(item, name)
          return found !== null && found !== undefined && String(found) === value
        })
      } else {
        ignored.push(name)
      }
    }
    if (orders.length > 0) {
      selected = [...selected].sort((a, b) => {
        for (const [field, direction] of orders) {
          const order = String(fieldOf(a, field) ?? "").localeCompare(String(fieldOf(b, field) ?? ""), "fr")
          if (order !== 0) return order * direction
        }
        return 0
      })
    }
    const itemsPerPage = Math.min(perPage, 100)
    const total = selected.length
    const last = Math.max(1, Math.ceil(total / Math.max(itemsPerPage, 1)))
    const members = selected.slice((page - 1) * itemsPerPage, page * itemsPerPage).map(render)
    const link = (n: number) => {
      const params = new URLSearchParams(url.searchParams)
      params.set("page", String(n))
      return `${path}?${params.toString()}`
    }
    const prefixed = config.keyStyle === "prefixed"
    const key = (name: string) => (prefixed ? `hydra:${name}` : name)
    return {
      ...json(200, {
        "@context": context,
        "@id": path,
        "@type": key("Collection"),
        [key("totalItems")]: total,
        [key("member")]: members,
        [key("view")]: {
          "@id": link(page),
          "@type": key("PartialCollectionView"),
          [key("first")]: link(1),
          [key("last")]: link(last),
          ...(page > 1 ? { [key("previous")]: link(page - 1) } : {}),
          ...(page < last ? { [key("next")]: link(page + 1) } : {})
        }
      }),
      ignored
    }
  }

  const prestation = (item: FakePrestation): Record<string, unknown> => ({
    "@id": `/api/production/prestations/${item.id}`,
    "@type": "Prestation",
    name: item.name
  })

  const create = (request: HttpServerRequest.HttpServerRequest, body: string, teoId: string): Effect.Effect<Answer> => {
    const type = request.headers["content-type"] ?? ""
    if (!/application\/(ld\+)?json/.test(type)) {
      return Effect.succeed(
        hydraError(
          415,
          `The content-type "${type}" is not supported. Supported MIME types are "application/ld+json", "application/json".`
        )
      )
    }
    let input: unknown
    try {
      input = JSON.parse(body)
    } catch {
      return Effect.succeed(hydraError(400, "Syntax error"))
    }
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      return Effect.succeed(hydraError(400, "Syntax error"))
    }
    const fields = input as Record<string, unknown>
    return Ref.modify(state, (current): readonly [Answer, FakeState.FakeState] => {
      const instance = current.instances.get(teoId)
      // The rules and messages of @teo-effect/api's `NewDossier`, then the one only téo can check.
      const violations: Array<{ propertyPath: string; message: string }> = newDossierViolations(fields).map(
        (violation) => ({ propertyPath: violation.propertyPath, message: violation.message })
      )
      const serviceId = fields.serviceId
      if (
        typeof serviceId === "string" &&
        !violations.some((violation) => violation.propertyPath === "serviceId") &&
        !instance?.prestations.some((prestation) => prestation.id === serviceId)
      ) {
        violations.push({ propertyPath: "serviceId", message: "Cette prestation n'existe pas." })
      }
      if (violations.length > 0 || instance === undefined) {
        return [
          json(422, {
            "@context": "/api/contexts/ConstraintViolationList",
            "@type": "ConstraintViolationList",
            "hydra:title": "An error occurred",
            "hydra:description": violations
              .map((violation) => `${violation.propertyPath}: ${violation.message}`)
              .join("\n"),
            violations
          }),
          current
        ]
      }
      const now = config.now()
      const dossier: FakeDossier = {
        id: randomUUID(),
        number: `D-${new Date(now).getUTCFullYear()}-${String(instance.dossiers.length + 1).padStart(4, "0")}`,
        orderNumber: null,
        firstName: (fields.firstName as string).trim(),
        lastName: (fields.lastName as string).trim(),
        email: fields.email,
        phone: typeof fields.phone === "string" ? fields.phone : null,
        status: "Prévisionnel",
        createdAt: new Date(now).toISOString(),
        service: `/api/production/prestations/${serviceId as string}`
      }
      const created = resource(dossier)
      return [
        json(
          201,
          { "@context": "/api/contexts/Dossier", ...created },
          config.profile === "rich" ? { location: created["@id"] as string } : {}
        ),
        FakeState.addDossier(current, teoId, dossier)
      ]
    })
  }

  const collection = api((request, url, body, teoId) =>
    Effect.flatMap(instanceOf(teoId), (instance): Effect.Effect<Answer> => {
      if (request.method === "GET") {
        const dossiers = instance?.dossiers ?? []
        return Effect.succeed(list(url, "/api/production/dossiers", "/api/contexts/Dossier", dossiers, resource))
      }
      if (request.method === "POST") return create(request, body, teoId)
      return Effect.succeed(methodNotAllowed(request.method, url.pathname))
    })
  )

  const item = api((request, url, _body, teoId) =>
    Effect.map(instanceOf(teoId), (instance): Answer => {
      if (request.method !== "GET") return methodNotAllowed(request.method, url.pathname)
      const id = url.pathname.replace(/\/$/, "").split("/").at(-1) ?? ""
      const dossier = UUID.test(id)
        ? instance?.dossiers.find((candidate) => candidate.id === id.toLowerCase())
        : undefined
      return dossier === undefined
        ? hydraError(404, "Not Found")
        : json(200, { "@context": "/api/contexts/Dossier", ...resource(dossier) })
    })
  )

  const prestations = api((request, url, _body, teoId) =>
    Effect.map(instanceOf(teoId), (instance): Answer => {
      if (request.method !== "GET") return methodNotAllowed(request.method, url.pathname)
      const items = instance?.prestations ?? []
      return list(url, "/api/production/prestations", "/api/contexts/Prestation", items, prestation)
    })
  )

  const onePrestation = api((request, url, _body, teoId) =>
    Effect.map(instanceOf(teoId), (instance): Answer => {
      if (request.method !== "GET") return methodNotAllowed(request.method, url.pathname)
      const id = url.pathname.replace(/\/$/, "").split("/").at(-1) ?? ""
      const found = instance?.prestations.find((candidate) => candidate.id === id.toLowerCase())
      return found === undefined
        ? hydraError(404, "Not Found")
        : json(200, { "@context": "/api/contexts/Prestation", ...prestation(found) })
    })
  )

  const unknown = api((request, url) =>
    Effect.succeed(hydraError(404, `No route found for "${request.method} ${url.pathname.replace(/\/$/, "")}"`))
  )

  /** The partner-link keys (ASSUMED path; neither counted nor subject to faults). */
  const jwks = Effect.sync(() =>
    HttpServerResponse.text(JSON.stringify(fake.partnerKeys.jwks()), {
      contentType: "application/jwk-set+json",
      headers: { "cache-control": "max-age=300" }
    })
  )

  /**
   * FakeTeo's own control, not téo's (téo issues links from its interface):
   * a partner link for `{ dossierId?, userId?, ttl? }` (seconds), for `teo
   * partner-link`. An unknown dossier is refused: a link to it would only
   * fail later, in the partner's application.
   */
  const issuePartnerLink: Handler = (request, _url, body) =>
    Effect.gen(function* () {
      if (request.method !== "POST") return methodNotAllowed(request.method, "/_fake/partner-links")
      const decoded = decodePartnerLinkBody(body.trim() === "" ? "{}" : body)
      if (Option.isNone(decoded)) {
        return json(400, {
          error: "invalid_request",
          message: "the body must be JSON: { dossierId?: string, userId?: string, ttl?: seconds from 1 to 86400 }"
        })
      }
      const link = decoded.value
      const { instances } = yield* Ref.get(state)
      if (
        link.dossierId !== undefined &&
        ![...instances.values()].some((instance) => instance.dossiers.some((dossier) => dossier.id === link.dossierId))
      ) {
        return json(404, { error: "unknown_dossier", message: `FakeTeo has no dossier ${link.dossierId}` })
      }
      const ttlSeconds = link.ttl ?? 300
      const issued = yield* partnerLink(fake, { ...link, ttlSeconds })
      return json(201, {
        ...issued,
        expiresAt: DateTime.formatIso(DateTime.makeUnsafe(config.now() + ttlSeconds * 1000))
      })
    })

  return HttpRouter.addAll([
    HttpRouter.route("GET", "/.well-known/jwks.json", jwks),
    HttpRouter.route("*", "/_fake/partner-links", (request) =>
      Effect.flatMap(
        Effect.orElseSucceed(request.text, () => ""),
        (body) =>
          Effect.flatMap(issuePartnerLink(request, new URL(request.url, "http://fake.invalid"), body), (answer) =>
            respond(request, answer, {})
          )
      )
    ),
    HttpRouter.route("*", "/oauth2/token", served("token", token)),
    HttpRouter.route("*", "/api", served("api", entrypoint)),
    HttpRouter.route("*", "/api/production/dossiers", served("api", collection)),
    HttpRouter.route("*", "/api/production/dossiers/:id", served("api", item)),
    HttpRouter.route("*", "/api/production/prestations", served("api", prestations)),
    HttpRouter.route("*", "/api/production/prestations/:id", served("api", onePrestation)),
    HttpRouter.route("*", "/*", served("api", unknown))
  ])
}
