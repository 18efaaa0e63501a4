/**
 * Pact interaction builders for téo: the token request, the dossiers (a page,
 * one, a creation) and API errors, so that a consumer test declares a téo
 * interaction in a few lines. Each builder puts into the pact what téo
 * documents and what you ask for, nothing else: a provider that follows téo's
 * documentation passes what they write.
 *
 * Each builder takes an interaction that has its provider state and
 * description (`pact.addInteraction().given(TeoStates.…).uponReceiving(…)`)
 * and returns it with its request and response, ready for `executeTest`.
 *
 * @since 0.1.0
 */
import { MatchersV3, type PactV4 } from "@pact-foundation/pact"
import { Resource } from "@teo-effect/api"
import type { Schema, SchemaAST } from "effect"
import { validate } from "../internal/ResourceItems.js"
import { type Matcher, TeoMatchers } from "./TeoMatchers.js"

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

/**
 * A response status: a number, or `MatchersV3.matchStatus(example, [400, 401])`
 * where téo does not document which one it sends.
 *
 * @since 0.1.0
 * @category models
 */
export type Status = Parameters<ReturnType<TeoInteraction["withRequest"]>["willRespondWith"]>[0]

/**
 * Dossier fields for a response: `@id` (an IRI), optionally `@type`, and the
 * fields your code reads, each matched by type.
 *
 * @since 0.1.0
 * @category models
 */
export type DossierFields = { readonly "@id"?: string } & Readonly<Record<string, unknown>>

type RequestBuilder = Parameters<NonNullable<Parameters<TeoInteraction["withRequest"]>[2]>>[0]

const FORM = "application/x-www-form-urlencoded"

/** An example dossier IRI (a fake UUID), where the consumer gives none. */
const exampleIri = "/api/production/dossiers/0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b"

/**
 * A form body matched parameter by parameter. pact-js has no builder for it
 * (pact-js issues #767, #884, #1233): the body goes in as bytes, and a
 * matching rule on every parameter makes the core compare it as a form.
 */
const formBody = (request: RequestBuilder, parameters: Record<string, string>): void => {
  request.body(FORM, Buffer.from(new URLSearchParams(parameters).toString()))
  request.matchingRules({
    body: Object.entries(parameters).map(([key, value]) => ({ path: `$.${key}`, rules: [MatchersV3.equal(value)] }))
  })
}

/**
 * §2 of téo's authentication page, exactly: `Authorization: Basic
 * base64("CLIENT_ID:CLIENT_SECRET")`, a form body with `grant_type` and
 * `scope=target-entity:<TEO_ID>`. Both values pinned: a client that encodes
 * the credentials or the scope otherwise fails its consumer test.
 */
const tokenRequest =
  (credentials: { readonly clientId: string; readonly clientSecret: string; readonly teoId: string }) =>
  (request: RequestBuilder) => {
    request.headers({
      Authorization: TeoMatchers.basic(credentials.clientId, credentials.clientSecret),
      "Content-Type": MatchersV3.regex(`^${FORM}(;.*)?$`, FORM)
    })
    formBody(request, { grant_type: "client_credentials", scope: `target-entity:${credentials.teoId}` })
  }

/** §3: every API request carries the bearer token and `Accept: application/ld+json`. */
const apiHeaders = (token: string) => ({
  Authorization: TeoMatchers.bearer(token),
  Accept: MatchersV3.regex("^application/ld\\+json.*$", "application/ld+json")
})

/** RFC 6749 §5.1–5.2: the token endpoint answers `application/json`. */
const tokenResponseHeaders = { "Content-Type": MatchersV3.regex("^application/json(;.*)?$", "application/json") }

const jsonBodyHeaders = { "Content-Type": TeoMatchers.jsonContentType("application/ld+json") }

const dossierOf = (fields: DossierFields | undefined, id: string) => TeoMatchers.dossier({ ...fields, "@id": id })

/**
 * A generated resource's item for a response: the fields your code reads,
 * each one its read Schema declares.
 *
 * @since 0.4.0
 * @category models
 */
export type ItemFields = Readonly<Record<string, unknown>>

/** The fields a read Schema declares (its struct's keys). */
const declaredFields = (ast: SchemaAST.AST): ReadonlyArray<string> =>
  ast._tag === "Suspend"
    ? declaredFields(ast.thunk())
    : ast._tag === "Objects"
      ? ast.propertySignatures.map((property) => String(property.name))
      : []

/** What `schema` finds wrong with `value`, or nothing. */
const refusal = (schema: Schema.Codec<unknown, unknown>, value: unknown): string | undefined => {
  const result = validate(schema, value)
  return "violations" in result
    ? result.violations.map((violation) => `${violation.propertyPath}: ${violation.message}`).join("; ")
    : undefined
}

/**
 * The item of `definition` for a response at `iri`: only fields its read
 * Schema declares, with values it accepts; throws naming the field otherwise,
 * so that a consumer test never asserts what the document does not say.
 */
const itemOf = (builder: string, definition: Resource.Definition, fields: ItemFields | undefined, iri: string) => {
  if (fields !== undefined && (typeof fields !== "object" || fields === null || Array.isArray(fields))) {
    throw new Error(`TeoPact.${builder}: item is an object of the fields your code reads`)
  }
  if (fields !== undefined && ("@id" in fields || "@type" in fields)) {
    throw new Error(`TeoPact.${builder}: an item's @id and @type come from its definition: give only its other fields`)
  }
  const declared = declaredFields(definition.read.ast)
  const unknown = Object.keys(fields ?? {}).filter((key) => key !== "@id" && key !== "@type" && !declared.includes(key))
  if (unknown.length > 0) {
    throw new Error(
      `TeoPact.${builder}: ${definition.type} declares no field ${unknown.map((key) => JSON.stringify(key)).join(", ")} (it declares ${declared.join(", ")})`
    )
  }
  const example = { ...fields, "@id": iri, "@type": definition.type }
  const refused = refusal(definition.read, example)
  if (refused !== undefined)
    throw new Error(`TeoPact.${builder}: its read Schema refuses the ${definition.type} given (${refused})`)
  return TeoMatchers.resource(example)
}

/** An example id where the consumer gives none. */
const exampleId = "0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b"

/**
 * Interaction builders for téo's token endpoint and API.
 *
 * @example
 * ```ts
 * import { PactV4 } from "@pact-foundation/pact"
 * import { TeoPact, TeoStates } from "@teo-effect/testing/pact"
 *
 * const pact = new PactV4({ consumer: "my-app", provider: "teo-api", dir: "pacts" })
 *
 * await TeoPact.listDossiers(
 *   pact.addInteraction().given(TeoStates.dossiers, { atLeast: 31 }).uponReceiving("a page of dossiers"),
 *   { token: "eyJ.example.token", dossier: { lastName: "Martin" }, next: "/api/production/dossiers?page=2" }
 * ).executeTest(async (mockServer) => {
 *   // call mockServer.url + "/api/production/dossiers" with your code
 * })
 * ```
 *
 * @since 0.1.0
 * @category builders
 */
export const TeoPact = {
  /**
   * `POST /oauth2/token` as téo documents it (§2), for the credentials given
   * (pinned), answered 200 with a bearer token: `access_token`, `token_type`
   * and `expires_in`, what an OAuth2 client reads.
   */
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
      response.headers(tokenResponseHeaders)
      response.jsonBody({
        access_token: TeoMatchers.accessToken(options.exampleToken),
        token_type: MatchersV3.regex("^[Bb][Ee][Aa][Rr][Ee][Rr]$", "Bearer"),
        expires_in: MatchersV3.number(options.expiresIn ?? 599)
      })
    }),

  /**
   * `POST /oauth2/token` answered with an RFC 6749 error code (§2:
   * `invalid_client`, `invalid_scope`). téo does not document the status: by
   * default any of 400 and 401 (RFC 6749 §5.2), `status` the example.
   */
  tokenError: (
    interaction: TeoInteraction,
    options: {
      readonly clientId: string
      readonly clientSecret: string
      readonly teoId: string
      readonly error: "invalid_client" | "invalid_scope" | (string & {})
      readonly status?: Status
    }
  ): TeoInteractionWithResponse =>
    interaction
      .withRequest("POST", "/oauth2/token", tokenRequest(options))
      .willRespondWith(
        options.status ?? MatchersV3.matchStatus(options.error === "invalid_client" ? 401 : 400, [400, 401]),
        (response) => {
          response.headers(tokenResponseHeaders)
          response.jsonBody({ error: options.error })
        }
      ),

  /**
   * `GET /api/production/dossiers` (§3) answered with a Hydra page (§5): at
   * least one dossier like `dossier` (default: the envelope only), and a
   * `hydra:next` link when `next` is given.
   */
  listDossiers: (
    interaction: TeoInteraction,
    options: {
      readonly token: string
      readonly query?: Record<string, string>
      readonly dossier?: DossierFields
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
        response.headers(jsonBodyHeaders)
        response.jsonBody(
          TeoMatchers.hydraCollection(dossierOf(options.dossier, options.dossier?.["@id"] ?? exampleIri), {
            ...(options.next === undefined ? {} : { next: options.next }),
            ...(options.totalItems === undefined ? {} : { totalItems: options.totalItems })
          })
        )
      }),

  /**
   * `GET /api/production/dossiers/{id}` (§3) answered with the dossier: the
   * envelope and the fields of `dossier`, as `listDossiers`. With
   * `idFromState`, the provider state hands back the id (`fromProviderState`).
   */
  getDossier: (
    interaction: TeoInteraction,
    options: {
      readonly token: string
      readonly id: string
      readonly idFromState?: string
      readonly dossier?: DossierFields
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
        response.headers(jsonBodyHeaders)
        response.jsonBody(dossierOf(options.dossier, path))
      })
  },

  /**
   * `POST /api/production/dossiers` with `input` as JSON-LD, answered 201
   * with the dossier (the envelope and the fields of `dossier`). téo documents
   * the creation of a dossier only as a web form (§3): mark the interaction
   * `pending()` until téo confirms the endpoint.
   */
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
      readonly dossier?: DossierFields
    }
  ): TeoInteractionWithResponse =>
    interaction
      .withRequest("POST", "/api/production/dossiers", (request) => {
        request.headers({ ...apiHeaders(options.token), ...jsonBodyHeaders })
        request.jsonBody({
          ...options.input,
          serviceId:
            options.serviceIdFromState === undefined
              ? options.input.serviceId
              : MatchersV3.fromProviderState(`\${${options.serviceIdFromState}}`, options.input.serviceId)
        })
      })
      .willRespondWith(201, (response) => {
        response.headers(jsonBodyHeaders)
        response.jsonBody(dossierOf(options.dossier, options.dossier?.["@id"] ?? exampleIri))
      }),

  /**
   * `GET <collection>` of a generated resource, answered with a Hydra page
   * (`hydra:` keys): at least one item like `item` (default: the envelope
   * only), and a `hydra:next` link or `hydra:totalItems` when given. The
   * query parameters must be ones the document declares, and the item's
   * fields ones its read Schema declares, with values it accepts: otherwise
   * the builder throws, naming them.
   *
   * @since 0.4.0
   */
  listResource: (
    interaction: TeoInteraction,
    options: {
      readonly definition: Resource.Definition
      readonly token: string
      readonly query?: Record<string, string>
      readonly item?: ItemFields
      readonly next?: string
      readonly totalItems?: number
    }
  ): TeoInteractionWithResponse => {
    const { definition } = options
    const undeclared = Object.keys(options.query ?? {}).filter((name) => !definition.query.includes(name))
    if (undeclared.length > 0) {
      throw new Error(
        `TeoPact.listResource: ${definition.collection} declares no query parameter ${undeclared.map((name) => JSON.stringify(name)).join(", ")}`
      )
    }
    if (!definition.operations.includes("list")) {
      throw new Error(`TeoPact.listResource: ${definition.collection} declares no list`)
    }
    const member = itemOf("listResource", definition, options.item, Resource.target(definition.item, exampleId))
    return interaction
      .withRequest("GET", definition.collection, (request) => {
        request.headers(apiHeaders(options.token))
        if (options.query !== undefined) request.query(options.query)
      })
      .willRespondWith(200, (response) => {
        response.headers(jsonBodyHeaders)
        response.jsonBody(
          TeoMatchers.hydraCollection(member, {
            ...(options.next === undefined ? {} : { next: options.next }),
            ...(options.totalItems === undefined ? {} : { totalItems: options.totalItems })
          })
        )
      })
  },

  /**
   * `GET <item>` of a generated resource, answered with the item: the
   * envelope and the fields of `item`, as `listResource`. With
   * `idFromState`, the provider state hands back the id (`TeoStates.item`
   * hands it back as `id`).
   *
   * @since 0.4.0
   */
  getResource: (
    interaction: TeoInteraction,
    options: {
      readonly definition: Resource.Definition
      readonly token: string
      readonly id: string
      readonly idFromState?: string
      readonly item?: ItemFields
    }
  ): TeoInteractionWithResponse => {
    const { definition } = options
    if (!definition.operations.includes("get")) {
      throw new Error(`TeoPact.getResource: ${definition.collection} declares no get`)
    }
    const path = Resource.target(definition.item, options.id)
    if (!path.startsWith(`${definition.collection}/`) || /(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path)) {
      throw new Error(`TeoPact.getResource: ${JSON.stringify(options.id)} names no item of ${definition.collection}`)
    }
    if (options.idFromState !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.idFromState)) {
      throw new Error(
        `TeoPact.getResource: idFromState is the name of a value the state hands back, got ${JSON.stringify(options.idFromState)}`
      )
    }
    return interaction
      .withRequest(
        "GET",
        options.idFromState === undefined
          ? path
          : MatchersV3.fromProviderState(definition.item.replace(/\{[^}]*\}/, `\${${options.idFromState}}`), path),
        (request) => {
          request.headers(apiHeaders(options.token))
        }
      )
      .willRespondWith(200, (response) => {
        response.headers(jsonBodyHeaders)
        response.jsonBody(itemOf("getResource", definition, options.item, path))
      })
  },

  /**
   * `POST <collection>` of a generated resource with `input` as JSON-LD,
   * answered 201 with the item (the envelope and the fields of `item`). The
   * input must be one the document's create Schema accepts: otherwise the
   * builder throws, naming what is wrong.
   *
   * @since 0.4.0
   */
  createResource: (
    interaction: TeoInteraction,
    options: {
      readonly definition: Resource.Definition
      readonly token: string
      readonly input: Readonly<Record<string, unknown>>
      readonly item?: ItemFields
    }
  ): TeoInteractionWithResponse => {
    const { definition } = options
    if (definition.create === undefined || !definition.operations.includes("create")) {
      throw new Error(`TeoPact.createResource: ${definition.collection} declares no create`)
    }
    const writable = declaredFields(definition.create.ast)
    const undeclaredInput = Object.keys(options.input).filter((key) => !writable.includes(key))
    if (undeclaredInput.length > 0) {
      throw new Error(
        `TeoPact.createResource: the create Schema of ${definition.collection} declares no field ${undeclaredInput.map((key) => JSON.stringify(key)).join(", ")}`
      )
    }
    const refused = refusal(definition.create, options.input)
    if (refused !== undefined) {
      throw new Error(
        `TeoPact.createResource: the create Schema of ${definition.collection} refuses the input (${refused})`
      )
    }
    const member = itemOf("createResource", definition, options.item, Resource.target(definition.item, exampleId))
    return interaction
      .withRequest("POST", definition.collection, (request) => {
        request.headers({ ...apiHeaders(options.token), ...jsonBodyHeaders })
        request.jsonBody(options.input)
      })
      .willRespondWith(201, (response) => {
        response.headers(jsonBodyHeaders)
        response.jsonBody(member)
      })
  },

  /**
   * Any API request answered with an error status (§4), and a Hydra error
   * body with what you ask for: a `description` (a string or a matcher, e.g.
   * `TeoMatchers.expiredToken()`), `violations`. Without either, no body is
   * asserted.
   */
  apiError: (
    interaction: TeoInteraction,
    options: {
      readonly token: string
      readonly method: string
      /** A path, or a matcher such as `TeoMatchers.dossierPath(example)`. */
      readonly path: string | Matcher
      readonly body?: unknown
      readonly status: Status
      readonly description?: string | Matcher
      readonly violations?: ReadonlyArray<{ readonly propertyPath: string; readonly message: string }>
      readonly headers?: Record<string, string | Matcher>
    }
  ): TeoInteractionWithResponse =>
    interaction
      .withRequest(options.method, options.path, (request) => {
        request.headers({ ...apiHeaders(options.token), ...(options.body === undefined ? {} : jsonBodyHeaders) })
        if (options.body !== undefined) request.jsonBody(options.body)
      })
      .willRespondWith(options.status, (response) => {
        const asserted = options.description !== undefined || options.violations !== undefined
        if (asserted || options.headers !== undefined) {
          response.headers({ ...(asserted ? jsonBodyHeaders : {}), ...options.headers })
        }
        if (asserted) {
          response.jsonBody(
            TeoMatchers.hydraError({
              ...(options.description === undefined ? {} : { description: options.description }),
              ...(options.violations === undefined ? {} : { violations: options.violations })
            })
          )
        }
      })
}
