/**
 * What FakeTeo's routes share: its configuration (clients, token lifetime,
 * key style, profile, clock), its state, its signing keys, and the shape of a
 * route's handler (request, URL, body → an `Answer`).
 *
 * @internal
 */
import type { Resource } from "@teo-effect/api"
import type { Effect, Ref } from "effect"
import type { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import type { Answer } from "./Answers.js"
import type * as FakeState from "./FakeState.js"
import type { Signer } from "./FakeTokens.js"
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

export interface FakeConfig {
  readonly clients: ReadonlyArray<FakeState.FakeClient>
  readonly tokenTtlSeconds: number
  readonly keyStyle: "prefixed" | "unprefixed"
  readonly profile: FakeProfile
  /** FakeTeo's clock: token expiry, rate-limit windows, creation dates. */
  readonly now: () => number
  /** The generated resources served besides dossiers and prestations. */
  readonly resources: ReadonlyArray<Resource.Definition>
}

export interface Fake {
  readonly config: FakeConfig
  readonly state: Ref.Ref<FakeState.FakeState>
  readonly signer: Signer
  /** The dice of random faults, seeded. */
  readonly dice: () => number
  /** The id of a created dossier, drawn from the seed: the same requests give the same ids. */
  readonly newId: () => string
  /** The partner-link keys, published at `/.well-known/jwks.json`. */
  readonly partnerKeys: PartnerKeys
  /** Drops the connection of `request` (a socket reset, or its in-memory equivalent). */
  readonly reset: (request: HttpServerRequest.HttpServerRequest) => Effect.Effect<HttpServerResponse.HttpServerResponse>
}

/** A route's handler: the request, its URL and its body read as text, to an answer; its path parameters in `RouteContext`. */
export type Handler = (
  request: HttpServerRequest.HttpServerRequest,
  url: URL,
  body: string
) => Effect.Effect<Answer, never, HttpRouter.RouteContext>
