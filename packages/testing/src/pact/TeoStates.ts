/**
 * The provider states of téo interactions: one name per situation a provider
 * team sets up, with the parameters it receives and the values it hands back.
 * The builders' interactions are written for these names, and a provider's
 * verification has one state handler per name (see `docs/contracts.md`).
 *
 * @since 0.1.0
 */

/**
 * Provider-state names, as constants.
 *
 * | name | parameters | hands back |
 * |---|---|---|
 * | `client` | `clientId`, `clientSecret`, `teoId` | — |
 * | `dossiers` | `atLeast` (a number) | — |
 * | `dossier` | — | `id`: a dossier's UUID |
 * | `noDossier` | — | — |
 * | `prestation` | — | `serviceId`: a prestation's UUID |
 * | `expiredToken` | — | — (the request filter sends an expired token) |
 * | `rateLimited` | — | — |
 * | `partnerKeys` | — | — |
 * | `items` | `collection` (a path), `atLeast` (a number) | — |
 * | `item` | `collection` (a path) | `id`: the id of one of its items |
 *
 * @example
 * ```ts
 * import { PactV4 } from "@pact-foundation/pact"
 * import { TeoStates } from "@teo-effect/testing/pact"
 *
 * const pact = new PactV4({ consumer: "my-app", provider: "teo-api", dir: "pacts" })
 * const interaction = pact.addInteraction().given(TeoStates.dossiers, { atLeast: 31 })
 * ```
 *
 * @since 0.1.0
 * @category states
 */
export const TeoStates = {
  /** A registered client (`clientId`, `clientSecret`) may open the instance `teoId`. */
  client: "a client may open an instance",
  /** The instance holds at least `atLeast` dossiers. */
  dossiers: "dossiers exist",
  /** The instance holds a dossier; its UUID is handed back as `id`. */
  dossier: "a dossier exists",
  /** No dossier of the instance has the UUID the request names. */
  noDossier: "no dossier has the requested id",
  /** The instance has a prestation; its UUID is handed back as `serviceId`. */
  prestation: "a prestation exists",
  /** The bearer token of the request has expired. */
  expiredToken: "the token has expired",
  /** The API answers 429 to the client's next request. */
  rateLimited: "the client is over its rate limit",
  /**
   * téo publishes the keys of its partner links (a JWKS of ES256 keys).
   *
   * @since 0.2.0
   */
  partnerKeys: "the partner-link keys are published",
  /**
   * The collection `collection` of a generated resource holds at least `atLeast` items.
   *
   * @since 0.4.0
   */
  items: "items of a resource exist",
  /**
   * The collection `collection` of a generated resource holds an item; its id
   * (the item path's parameter) is handed back as `id`.
   *
   * @since 0.4.0
   */
  item: "an item of a resource exists"
} as const

/**
 * One of the provider-state names of `TeoStates`.
 *
 * @since 0.1.0
 * @category states
 */
export type TeoState = (typeof TeoStates)[keyof typeof TeoStates]
