/**
 * What a running FakeTeo knows, as one immutable value held in a `Ref`, and
 * the pure steps that change it: tokens issued, expired and revoked, failures
 * waiting to be injected, the rate-limit window, each instance's dossiers,
 * the faults in force, the request log and the counts.
 *
 * @internal
 */
import { Chunk } from "effect"
import type { FakeDossier, FakePrestation } from "../FakeData.js"
import type { ResourceItem } from "./ResourceItems.js"

/**
 * Faults of one side (the token endpoint or the API).
 *
 * @since 0.1.0
 * @category models
 */
export interface Faults {
  /** Added before every answer, in milliseconds. */
  readonly latency?: number
  /** Probability (0–1) of a 500 or 503 answer. */
  readonly errorRate?: number
  /** Probability of a reset connection. */
  readonly resetRate?: number
  /** Probability of a 200 whose JSON body is cut short. */
  readonly malformedRate?: number
  /** When set, a success body is sent in two halves this many milliseconds apart. */
  readonly slowBody?: number
  /** Probability of a 429 with a `Retry-After` of 0 or 1 second. */
  readonly rateLimitRate?: number
  /** Probability of a latency spike of `latencySpike` milliseconds (default 200). */
  readonly latencySpikeRate?: number
  readonly latencySpike?: number
}

/**
 * A failure `failNext` queues for the next requests of one side.
 *
 * @since 0.1.0
 * @category models
 */
export type InjectedFailure = "500" | "503" | "429" | "reset" | "malformed"

/**
 * A client registered with FakeTeo, and the téo instances it may open.
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeClient {
  readonly clientId: string
  readonly clientSecret: string
  readonly teoIds: ReadonlyArray<string>
}

/**
 * One request as FakeTeo logged it.
 *
 * @since 0.1.0
 * @category models
 */
export interface LoggedRequest {
  readonly at: number
  readonly method: string
  readonly path: string
  readonly status: number | "reset"
  /** The scheme only: `Bearer <redacted>`, `Basic <redacted>`, or absent. */
  readonly authorization?: string
  /**
   * Query parameters FakeTeo ignored (no such filter): the answer is as if they were absent.
   *
   * @since 0.2.0
   */
  readonly ignored?: ReadonlyArray<string>
}

/**
 * Counts since the start (or the last `reset`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Stats {
  readonly tokenRequests: number
  readonly tokensIssued: number
  readonly apiRequests: number
  readonly apiByStatus: Readonly<Record<string, number>>
}

export type Side = "token" | "api"

export interface Instance {
  readonly dossiers: ReadonlyArray<FakeDossier>
  readonly prestations: ReadonlyArray<FakePrestation>
  /** The items of each generated resource served, by collection path. */
  readonly resources: ReadonlyMap<string, ReadonlyArray<ResourceItem>>
}

export interface RateLimit {
  readonly requests: number
  readonly windowMillis: number
}

export interface FakeState {
  readonly issued: number
  readonly expiredUpTo: number
  readonly revokedUpTo: number
  readonly window: { readonly start: number; readonly count: number }
  readonly injected: { readonly [S in Side]: ReadonlyArray<InjectedFailure> }
  readonly instances: ReadonlyMap<string, Instance>
  readonly faults: { readonly [S in Side]: Faults }
  readonly rateLimit: RateLimit | undefined
  readonly tokenRequests: number
  readonly apiRequests: number
  readonly apiByStatus: Readonly<Record<string, number>>
  readonly log: Chunk.Chunk<LoggedRequest>
}

/** The log keeps the last 10,000 requests: a FakeTeo left running must not grow without bound. */
const logLimit = 10_000

export const initial = (config: {
  readonly instances: ReadonlyMap<string, Instance>
  readonly faults: { readonly [S in Side]: Faults }
  readonly rateLimit: RateLimit | undefined
}): FakeState => ({
  issued: 0,
  expiredUpTo: 0,
  revokedUpTo: 0,
  window: { start: 0, count: 0 },
  injected: { token: [], api: [] },
  instances: config.instances,
  faults: config.faults,
  rateLimit: config.rateLimit,
  tokenRequests: 0,
  apiRequests: 0,
  apiByStatus: {},
  log: Chunk.empty()
})

/** Back to the start: counts, log, expiries, revocations, injected failures, the dossiers as they were. */
export const reset = (state: FakeState, start: FakeState): FakeState => ({
  ...start,
  issued: state.issued,
  faults: state.faults,
  rateLimit: state.rateLimit
})

export const expireTokens = (state: FakeState): FakeState => ({ ...state, expiredUpTo: state.issued })

export const revokeTokens = (state: FakeState): FakeState => ({ ...state, revokedUpTo: state.issued })

export const inject = (state: FakeState, side: Side, count: number, failure: InjectedFailure): FakeState => ({
  ...state,
  injected: { ...state.injected, [side]: [...state.injected[side], ...Array.from({ length: count }, () => failure)] }
})

/** The next injected failure of `side`, and the state without it. */
export const takeInjected = (state: FakeState, side: Side): readonly [InjectedFailure | undefined, FakeState] => {
  const [next, ...rest] = state.injected[side]
  return next === undefined ? [undefined, state] : [next, { ...state, injected: { ...state.injected, [side]: rest } }]
}

/** A new token's number. */
export const issue = (state: FakeState): readonly [number, FakeState] => [
  state.issued + 1,
  { ...state, issued: state.issued + 1 }
]

/** Counts one API request against the rate limit: `undefined` when allowed, else the seconds to wait. */
export const spend = (state: FakeState, now: number): readonly [number | undefined, FakeState] => {
  if (state.rateLimit === undefined) return [undefined, state]
  const { requests, windowMillis } = state.rateLimit
  const window =
    now - state.window.start >= windowMillis
      ? { start: now - ((now - state.window.start) % windowMillis), count: 0 }
      : state.window
  if (window.count >= requests) {
    return [Math.max(1, Math.ceil((window.start + windowMillis - now) / 1000)), { ...state, window }]
  }
  return [undefined, { ...state, window: { ...window, count: window.count + 1 } }]
}

export const addDossier = (state: FakeState, teoId: string, dossier: FakeDossier): FakeState => {
  const instance = state.instances.get(teoId)
  if (instance === undefined) return state
  const instances = new Map(state.instances)
  instances.set(teoId, { ...instance, dossiers: [...instance.dossiers, dossier] })
  return { ...state, instances }
}

/** Records one answered request in the log and the counts. */
export const record = (state: FakeState, side: Side, entry: LoggedRequest): FakeState => {
  const log = Chunk.size(state.log) >= logLimit ? Chunk.drop(state.log, logLimit / 10) : state.log
  const status = String(entry.status)
  return side === "token"
    ? { ...state, tokenRequests: state.tokenRequests + 1, log: Chunk.append(log, entry) }
    : {
        ...state,
        apiRequests: state.apiRequests + 1,
        apiByStatus: { ...state.apiByStatus, [status]: (state.apiByStatus[status] ?? 0) + 1 },
        log: Chunk.append(log, entry)
      }
}

export const stats = (state: FakeState): Stats => ({
  tokenRequests: state.tokenRequests,
  tokensIssued: state.issued,
  apiRequests: state.apiRequests,
  apiByStatus: state.apiByStatus
})

/** The items of the collection `collection` of `teoId`, changed by `f`. */
export const updateItems = (
  state: FakeState,
  teoId: string,
  collection: string,
  f: (items: ReadonlyArray<ResourceItem>) => ReadonlyArray<ResourceItem>
): FakeState => {
  const instance = state.instances.get(teoId)
  if (instance === undefined) return state
  const resources = new Map(instance.resources)
  resources.set(collection, f(instance.resources.get(collection) ?? []))
  const instances = new Map(state.instances)
  instances.set(teoId, { ...instance, resources })
  return { ...state, instances }
}
