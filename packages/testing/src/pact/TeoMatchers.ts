/**
 * Pact matchers for téo's shapes. Each says, in its comment, the line of téo's
 * documentation (docs/teo-api.md, the project's digest of dev.teoapp.fr) it
 * follows; none asserts more than that line does. Every regex matches the
 * whole value, as Pact requires.
 *
 * @since 0.1.0
 */
import { MatchersV3 } from "@pact-foundation/pact"

/**
 * A Pact matcher, as the builders and matchers here return them.
 *
 * @since 0.1.0
 * @category models
 */
export type Matcher = ReturnType<typeof MatchersV3.regex>

const patterns = {
  // §5: IRIs are paths from the API's origin; absolute URLs when API Platform is set to write them.
  iri: "^(/|https?://[^/\\s])[^\\s]*$",
  // §3: requests carry `Accept: application/ld+json`; API Platform answers JSON-LD, JSON, or
  // (§5, newer versions) problem+json: any JSON media type, as the library reads them.
  json: "^application/([A-Za-z0-9.-]+\\+)?json\\s*(;.*)?$",
  // RFC 6750 b64token: what an `Authorization: Bearer` header can carry (§2: téo's tokens are JWTs).
  b64token: "^[A-Za-z0-9._~+/-]+=*$",
  jwt: "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$",
  dateTime: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2})$",
  date: "^\\d{4}-\\d{2}-\\d{2}$",
  uuidPath: "[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
}

/** Escapes `text` for a Pact (Rust) regex. */
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")

/**
 * Matchers for téo's shapes: headers, IRIs, dossiers, Hydra pages and errors.
 *
 * @example
 * ```ts
 * import { TeoMatchers } from "@teo-effect/testing/pact"
 *
 * // a dossier with the envelope and, matched by type, the one field the consumer reads
 * const dossier = TeoMatchers.dossier({
 *   "@id": "/api/production/dossiers/0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b",
 *   lastName: "Martin"
 * })
 * ```
 *
 * @since 0.1.0
 * @category matchers
 */
export const TeoMatchers = {
  /** An IRI (§5: `/api/production/dossiers/<uuid>`, or an absolute http(s) URL). */
  iri: (example: string): Matcher => MatchersV3.regex(patterns.iri, example),
  /** A UUID (§3: dossiers and prestations are named by UUID). */
  uuid: (example: string) => MatchersV3.uuid(example),
  /** An ISO 8601 date-time. téo documents no date format: use it only for a field your code parses. */
  dateTime: (example: string): Matcher => MatchersV3.regex(patterns.dateTime, example),
  /** An ISO 8601 date. téo documents no date format: use it only for a field your code parses. */
  date: (example: string): Matcher => MatchersV3.regex(patterns.date, example),
  /** `Content-Type`: a JSON media type (`application/ld+json`, `application/json`, `application/problem+json`…), with or without parameters (§3, §5). */
  jsonContentType: (example = "application/ld+json; charset=utf-8"): Matcher =>
    MatchersV3.regex(patterns.json, example),
  /** `Authorization: Bearer <token>` (§3), any token an `Authorization` header can carry. */
  bearer: (exampleToken: string): Matcher =>
    MatchersV3.regex(`^Bearer ${patterns.b64token.slice(1)}`, `Bearer ${exampleToken}`),
  /**
   * `Authorization: Basic base64("CLIENT_ID:CLIENT_SECRET")` (§2), exactly: the
   * parts as they are, not form-encoded, as téo's examples send them.
   */
  basic: (clientId: string, clientSecret: string): string =>
    `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
  /** An `access_token` (§2: a JWT; any RFC 6750 b64token is accepted). */
  accessToken: (example: string): Matcher => MatchersV3.regex(patterns.b64token, example),
  /** A JWT: three base64url parts. */
  jwt: (example: string): Matcher => MatchersV3.regex(patterns.jwt, example),
  /** The path of one dossier, `/api/production/dossiers/<uuid>`, any UUID (§3). */
  dossierPath: (example: string): Matcher =>
    MatchersV3.regex(`^/api/production/dossiers/${patterns.uuidPath}$`, example),
  /** One of `messages`, exactly: for the alternatives téo documents (§4: `Expired token` / `Token has expired`). */
  oneOf: (messages: readonly [string, ...Array<string>]): Matcher =>
    MatchersV3.regex(`^(${messages.map(literal).join("|")})$`, messages[0]),
  /** The messages téo documents for a 401 on an expired token (§4). */
  expiredToken: (): Matcher => TeoMatchers.oneOf(["Expired token", "Token has expired"]),
  /** The messages téo documents for a 401 on an invalid token (§4). */
  invalidToken: (): Matcher => TeoMatchers.oneOf(["Invalid token", "Signature verification failed"]),

  /**
   * A dossier: the JSON-LD envelope (§5: `@id` an IRI, `@type` a string) and
   * exactly the fields of `example`, each matched by type (`null` as null).
   * téo documents no field name (§3): give only the fields your code reads.
   */
  dossier: (example: { readonly "@id": string } & Readonly<Record<string, unknown>>) =>
    TeoMatchers.resource({ ...example, "@type": typeof example["@type"] === "string" ? example["@type"] : "Dossier" }),

  /**
   * A resource: the JSON-LD envelope (`@id` an IRI, `@type` a string) and
   * exactly the fields of `example`, each matched by type (`null` as null).
   *
   * @since 0.4.0
   */
  resource: (example: { readonly "@id": string; readonly "@type": string } & Readonly<Record<string, unknown>>) => {
    const { "@id": id, "@type": type, ...fields } = example
    return {
      "@id": TeoMatchers.iri(id),
      "@type": MatchersV3.string(type),
      ...Object.fromEntries(
        Object.entries(fields).map(([key, value]) => [
          key,
          value === null ? MatchersV3.nullValue() : MatchersV3.like(value)
        ])
      )
    }
  },

  /**
   * A page of a Hydra collection (§5, with the `hydra:` keys): at least one
   * `member` like the one given, and only what you ask for besides — a
   * `hydra:next` link, a `hydra:totalItems`.
   */
  hydraCollection: (
    member: unknown,
    options: { readonly next?: string; readonly totalItems?: number } = {}
  ): Record<string, unknown> => ({
    "hydra:member": MatchersV3.eachLike(member),
    ...(options.totalItems === undefined ? {} : { "hydra:totalItems": MatchersV3.integer(options.totalItems) }),
    ...(options.next === undefined ? {} : { "hydra:view": { "hydra:next": TeoMatchers.iri(options.next) } })
  }),

  /**
   * A Hydra error body (§4) with only what you ask for: its
   * `hydra:description` (a string, or a matcher such as
   * `TeoMatchers.expiredToken()`), its `violations` (each with a
   * `propertyPath` and a `message`, matched by type).
   */
  hydraError: (
    options: {
      readonly description?: string | Matcher
      readonly violations?: ReadonlyArray<{ readonly propertyPath: string; readonly message: string }>
    } = {}
  ): Record<string, unknown> => {
    const [violation] = options.violations ?? []
    return {
      ...(options.description === undefined ? {} : { "hydra:description": options.description }),
      ...(violation === undefined
        ? {}
        : {
            violations: MatchersV3.eachLike({
              propertyPath: MatchersV3.string(violation.propertyPath),
              message: MatchersV3.string(violation.message)
            })
          })
    }
  }
}
