/**
 * Pact helpers for téo: interaction builders (token, dossiers list, get,
 * create, errors) and matchers for téo's shapes, so that a consumer test
 * declares a téo interaction in a few lines. Imported from
 * `@teo-effect/testing/pact`; needs `@pact-foundation/pact` 17.
 *
 * Each builder takes an interaction that has its provider state and
 * description (`pact.addInteraction().given(…).uponReceiving(…)`) and returns
 * it with its request and response, ready for `executeTest`.
 *
 * @since 0.1.0
 * @module @teo-effect/testing/pact
 */
import { MatchersV3, type PactV4 } from "@pact-foundation/pact"

/**
 * An interaction with its state and description, before its request.
 *
 * @since 0.1.0
 * @category models
 */
export type TeoInteraction = ReturnType<PactV4["addInteraction"]>

/**
 * An interaction with its request and response, ready for `executeTest`.
 *
 * @since 0.1.0
 * @category models
 */
export type TeoInteractionWithResponse = ReturnType<ReturnType<TeoInteraction["withRequest"]>["willRespondWith"]>

type RequestBuilder = Parameters<NonNullable<Parameters<TeoInteraction["withRequest"]>[2]>>[0]
type Matcher = ReturnType<typeof MatchersV3.regex>

const FORM = "application/x-www-form-urlencoded"

/** Regexes match the whole value in Pact: every one here is anchored. */
const patterns = {
  iri: "^/api/[^\\s]+$",
  jsonLd: "^application/ld\\+json(;.*)?$",
  json: "^application/(ld\\+)?json(;.*)?$",
  bearer: "^Bearer [A-Za-z0-9._~+/=-]+$",
  basic: "^Basic [A-Za-z0-9+/]+=*$",
  jwt: "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$",
  dateTime: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$",
  date: "^\\d{4}-\\d{2}-\\d{2}$"
}

/**
 * Matchers for téo's shapes.
 *
 * @since 0.1.0
 * @category matchers
 */
export const TeoMatchers = {
  /** An IRI of téo's API: `/api/…`. */
  iri: (example: string): Matcher => MatchersV3.regex(patterns.iri, example),
  /** A UUID (téo's ids). */
  uuid: (example: string) => MatchersV3.uuid(example),
  /** An ISO 8601 date-time. */
  dateTime: (example: string): Matcher => MatchersV3.regex(patterns.dateTime, example),
  /** An ISO 8601 date. */
  date: (example: string): Matcher => MatchersV3.regex(patterns.date, example),
  /** `Content-Type: application/ld+json`, with or without parameters. */
  jsonLdContentType: (example = "application/ld+json; charset=utf-8"): Matcher =>
    MatchersV3.regex(patterns.jsonLd, example),
  /** `Authorization: Bearer <token>`. */
  bearer: (exampleToken: string): Matcher => MatchersV3.regex(patterns.bearer, `Bearer ${exampleToken}`),
  /** `Authorization: Basic base64(CLIENT_ID:CLIENT_SECRET)`. */
  basic: (clientId: string, clientSecret: string): Matcher =>
    MatchersV3.regex(patterns.basic, `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`),
  /** The path of one dossier, `/api/production/dossiers/<uuid>`, any UUID. */
  dossierPath: (example: string): Matcher =>
    MatchersV3.regex("^/api/production/dossiers/[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$", example),
  /** A header holding a whole number, such as `Retry-After: 30`. */
  integerHeader: (example: string): Matcher => MatchersV3.regex("^\\d+$", example),
  /** A JWT, as téo's `access_token`. */
  jwt: (example: string): Matcher => MatchersV3.regex(patterns.jwt, example),

  /**
   * A dossier: the JSON-LD envelope and the fields of `example` matched by
   * type — `…At` fields as date-times, `…Date` fields as dates (unknown
   * fields are allowed, as téo may add some).
   */
  dossier: (example: { readonly "@id": string } & Record<string, unknown>) => {
    const { "@id": id, "@type": _type, ...fields } = example
    const matcherOf = (key: string, value: unknown) => {
      if (value === null) return MatchersV3.nullValue()
      if (typeof value === "string" && /At$/.test(key)) return TeoMatchers.dateTime(value)
      if (typeof value === "string" && /Date$/.test(key)) return TeoMatchers.date(value)
      return MatchersV3.like(value)
    }
    return {
      "@id": TeoMatchers.iri(id),
      "@type": "Dossier",
      ...Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, matcherOf(key, value)]))
    }
  },

  /** A page of a Hydra collection of `member`, with a `next` link or, on the last page, without. */
  hydraCollection: (
    member: unknown,
    options: { readonly id: string; readonly viewId: string; readonly next?: string; readonly totalItems?: number }
  ) => ({
    "@context": MatchersV3.string("/api/contexts/Dossier"),
    "@id": TeoMatchers.iri(options.id),
    "@type": "hydra:Collection",
    "hydra:member": MatchersV3.eachLike(member),
    "hydra:totalItems": MatchersV3.integer(options.totalItems ?? 95),
    "hydra:view": {
      "@id": TeoMatchers.iri(options.viewId),
      ...(options.next === undefined ? {} : { "hydra:next": TeoMatchers.iri(options.next) })
    }
  }),

  /**
   * A Hydra error body with `description` as its `hydra:description`. The
   * `@type` is matched by type only: API Platform writes `hydra:Error`, `Error`
   * or, for a 422, `ConstraintViolationList`.
   */
  hydraError: (description: string | Matcher, type = "hydra:Error") => ({
    "@type": MatchersV3.string(type),
    "hydra:title": MatchersV3.string("An error occurred"),
    "hydra:description": description
  })
}

/**
 * A form body matched parameter by parameter. pact-js has no builder for it
 * (pact-js issues #767, #884, #1233): the body goes in as bytes, and a
 * matching rule on every parameter makes the core compare it as a form.
 */
const formBody = (request: RequestBuilder, parameters: Record<string, string | Matcher>): void => {
  const example = new URLSearchParams(
    Object.entries(parameters).map(([key, value]) => [key, typeof value === "string" ? value : String(value.value)])
  ).toString()
  request.body(FORM, Buffer.from(example))
  request.matchingRules({
    body: Object.entries(parameters).map(([key, value]) => ({
      path: `$.${key}`,
      rules: [typeof value === "string" ? MatchersV3.equal(value) : value]
    }))
  })
}

const tokenRequest =
  (credentials: { readonly clientId: string; readonly clientSecret: string; readonly teoId: string }) =>
  (request: RequestBuilder) => {
    request.headers({
      Authorization: TeoMatchers.basic(credentials.clientId, credentials.clientSecret),
      "Content-Type": FORM
    })
    formBody(request, {
      grant_type: "client_credentials",
      scope: MatchersV3.regex("^target-entity:.+$", `target-entity:${credentials.teoId}`)
    })
  }

const apiHeaders = (token: string) => ({
  Authorization: TeoMatchers.bearer(token),
  Accept: MatchersV3.regex("^application/ld\\+json.*$", "application/ld+json")
})

/**
 * Interaction builders for téo's token endpoint and API.
 *
 * @example
 * ```ts
 * import { PactV4 } from "@pact-foundation/pact"
 * import { TeoPact } from "@teo-effect/testing/pact"
 *
 * const pact = new PactV4({ consumer: "my-app", provider: "teo-api", dir: "pacts" })
 *
 * await TeoPact.listDossiers(
 *   pact.addInteraction().given("dossiers exist").uponReceiving("a page of dossiers"),
 *   { token: "eyJ.example.token", next: "/api/production/dossiers?page=2" }
 * ).executeTest(async (mockServer) => {
 *   // call mockServer.url + "/api/production/dossiers" with your code
 * })
 * ```
 *
 * @since 0.1.0
 * @category builders
 */
export const TeoPact = {
  /** `POST /oauth2/token` as téo documents it, answered with a token. */
  token: (
    interaction: TeoInteraction,
    options: {
      readonly clientId: string
      readonly clientSecret: string
      readonly teoId: string
      readonly exampleToken: string
      readonly expiresIn?: number
    }
  ): TeoInteractionWithResponse =>
    interaction.withRequest("POST", "/oauth2/token", tokenRequest(options)).willRespondWith(200, (response) => {
      response.headers({ "Content-Type": MatchersV3.regex(patterns.json, "application/json") })
      response.jsonBody({
        access_token: TeoMatchers.jwt(options.exampleToken),
        expires_in: MatchersV3.integer(options.expiresIn ?? 599),
        scope: MatchersV3.regex("^target-entity:.+$", `target-entity:${options.teoId}`),
        token_type: "Bearer"
      })
    }),

  /** `POST /oauth2/token` answered with an RFC 6749 error (`invalid_client`, `invalid_scope`…). */
  tokenError: (
    interaction: TeoInteraction,
    options: {
      readonly clientId: string
      readonly clientSecret: string
      readonly teoId: string
      readonly status: number
      readonly error: string
    }
  ): TeoInteractionWithResponse =>
    interaction
      .withRequest("POST", "/oauth2/token", tokenRequest(options))
      .willRespondWith(options.status, (response) => {
        response.headers({ "Content-Type": MatchersV3.regex(patterns.json, "application/json") })
        response.jsonBody({ error: options.error })
      }),

  /** `GET /api/production/dossiers` answered with a page of dossiers (with a `next` link unless it is the last). */
  listDossiers: (
    interaction: TeoInteraction,
    options: {
      readonly token: string
      readonly query?: Record<string, string>
      readonly dossier?: { readonly "@id": string } & Record<string, unknown>
      readonly next?: string
      readonly totalItems?: number
    }
  ): TeoInteractionWithResponse =>
    interaction
      .withRequest("GET", "/api/production/dossiers", (request) => {
        request.headers(apiHeaders(options.token))
        if (options.query !== undefined) request.query(options.query)
      })
      .willRespondWith(200, (response) => {
        response.headers({ "Content-Type": TeoMatchers.jsonLdContentType() })
        const page = options.query?.page
        response.jsonBody(
          TeoMatchers.hydraCollection(TeoMatchers.dossier(options.dossier ?? exampleDossier), {
            id: "/api/production/dossiers",
            viewId: page === undefined ? "/api/production/dossiers?page=1" : `/api/production/dossiers?page=${page}`,
            ...(options.next === undefined ? {} : { next: options.next }),
            ...(options.totalItems === undefined ? {} : { totalItems: options.totalItems })
          })
        )
      }),

  /**
   * `GET /api/production/dossiers/{id}` answered with the dossier. With
   * `idFromState`, the provider state returns the id (`fromProviderState`).
   */
  getDossier: (
    interaction: TeoInteraction,
    options: {
      readonly token: string
      readonly id: string
      readonly idFromState?: string
      readonly dossier?: Record<string, unknown>
    }
  ): TeoInteractionWithResponse => {
    const path = `/api/production/dossiers/${options.id}`
    return interaction
      .withRequest(
        "GET",
        options.idFromState === undefined
          ? path
          : MatchersV3.fromProviderState(`/api/production/dossiers/\${${options.idFromState}}`, path),
        (request) => {
          request.headers(apiHeaders(options.token))
        }
      )
      .willRespondWith(200, (response) => {
        response.headers({ "Content-Type": TeoMatchers.jsonLdContentType() })
        response.jsonBody(TeoMatchers.dossier({ ...exampleDossier, ...options.dossier, "@id": path }))
      })
  },

  /** `POST /api/production/dossiers` answered with 201 and the created dossier. */
  createDossier: (
    interaction: TeoInteraction,
    options: {
      readonly token: string
      readonly input: {
        readonly firstName: string
        readonly lastName: string
        readonly email: string
        readonly serviceId: string
        readonly phone?: string
      }
      readonly serviceIdFromState?: string
    }
  ): TeoInteractionWithResponse =>
    interaction
      .withRequest("POST", "/api/production/dossiers", (request) => {
        request.headers({
          ...apiHeaders(options.token),
          "Content-Type": MatchersV3.regex(patterns.jsonLd, "application/ld+json")
        })
        request.jsonBody({
          ...options.input,
          serviceId:
            options.serviceIdFromState === undefined
              ? options.input.serviceId
              : MatchersV3.fromProviderState(`\${${options.serviceIdFromState}}`, options.input.serviceId)
        })
      })
      .willRespondWith(201, (response) => {
        response.headers({ "Content-Type": TeoMatchers.jsonLdContentType() })
        response.jsonBody(
          TeoMatchers.dossier({
            "@id": "/api/production/dossiers/0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b",
            firstName: options.input.firstName,
            lastName: options.input.lastName,
            email: options.input.email
          })
        )
      }),

  /**
   * Any API request answered with a Hydra error: a 404, a 401 with téo's
   * message, a 422 with `violations`, a 429 with `Retry-After`…
   */
  apiError: (
    interaction: TeoInteraction,
    options: {
      readonly token: string
      readonly method: string
      /** A path, or a matcher such as `TeoMatchers.dossierPath(example)`. */
      readonly path: string | Matcher
      readonly body?: unknown
      readonly status: number
      readonly description: string | Matcher
      readonly violations?: ReadonlyArray<{ readonly propertyPath: string; readonly message: string }>
      readonly headers?: Record<string, string | Matcher>
    }
  ): TeoInteractionWithResponse =>
    interaction
      .withRequest(options.method, options.path, (request) => {
        request.headers({
          ...apiHeaders(options.token),
          ...(options.body === undefined
            ? {}
            : { "Content-Type": MatchersV3.regex(patterns.jsonLd, "application/ld+json") })
        })
        if (options.body !== undefined) request.jsonBody(options.body)
      })
      .willRespondWith(options.status, (response) => {
        response.headers({ "Content-Type": TeoMatchers.jsonLdContentType(), ...options.headers })
        response.jsonBody({
          ...TeoMatchers.hydraError(
            options.description,
            options.violations === undefined ? "hydra:Error" : "ConstraintViolationList"
          ),
          ...(options.violations === undefined
            ? {}
            : {
                violations: MatchersV3.eachLike({
                  propertyPath: options.violations[0]?.propertyPath ?? "email",
                  message: MatchersV3.string(options.violations[0]?.message ?? "Cette valeur n'est pas valide.")
                })
              })
        })
      })
}

const exampleDossier = {
  "@id": "/api/production/dossiers/0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b",
  "@type": "Dossier",
  firstName: "Camille",
  lastName: "Martin",
  email: "camille.martin@example.fr",
  status: "En cours",
  createdAt: "2026-03-02T09:30:00+00:00",
  startDate: "2026-03-16"
}
