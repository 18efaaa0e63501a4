/**
 * The ways of getting a téo token and calling téo that the benchmarks compare:
 * teo-effect, téo's own documented sample (written as téo's page shows it),
 * openid-client 6 and @badgateway/oauth2-client — plus two floors with a
 * static token: a raw `fetch` + `JSON.parse`, and undici's `request` +
 * `JSON.parse`.
 */
import { OAuth2Client, OAuth2Fetch } from "@badgateway/oauth2-client"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Dossiers, TeoApi, UndiciHttpClient } from "@teo-effect/api"
import { AccessToken, TeoCredentials } from "@teo-effect/auth"
import { Effect, Layer, ManagedRuntime, Redacted, Schema } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import * as OpenId from "openid-client"
import { Agent, request as undiciRequest } from "undici"

export interface Target {
  readonly tokenUrl: string
  readonly apiUrl: string
  readonly clientId: string
  readonly clientSecret: string
  readonly teoId: string
}

/** A token getter and a page call, each measured separately. */
export interface Contender {
  readonly name: string
  /** Resolves with the token (for the herd). */
  readonly token: () => Promise<string>
  /** Gets a token, then the first page of `pageSize` dossiers; resolves with the time spent on the token (ms). */
  readonly page: (pageSize: number) => Promise<{ readonly tokenMillis: number; readonly items: number }>
  readonly close: () => Promise<void>
}

const pagePath = (target: Target, pageSize: number) => `${target.apiUrl}/production/dossiers?itemsPerPage=${pageSize}`

const fetchPage = async (target: Target, token: string, pageSize: number): Promise<number> => {
  const response = await fetch(pagePath(target, pageSize), {
    headers: { Authorization: `Bearer ${token}`, Accept: "application/ld+json" }
  })
  if (response.status !== 200) throw new Error(`page: HTTP ${response.status}`)
  const body = (await response.json()) as { "hydra:member": ReadonlyArray<unknown> }
  return body["hydra:member"].length
}

/** A contender that gets a token with `getToken`, then fetches the page by hand. */
const withTokenGetter = (name: string, target: Target, getToken: () => Promise<string>): Contender => ({
  name,
  token: getToken,
  page: async (pageSize) => {
    const started = performance.now()
    const token = await getToken()
    const tokenMillis = performance.now() - started
    return { tokenMillis, items: await fetchPage(target, token, pageSize) }
  },
  close: async () => {}
})

/** The HTTP clients teo-effect is measured on. */
export type ClientKind = "fetch" | "undici" | "own"

/**
 * One undici dispatcher for the whole run, shared by the undici floor and
 * teo-effect on undici, as an application holds one for its lifetime (the
 * platform's `fetch` has its own, global).
 */
export const dispatcher = new Agent()

const undiciLayer = NodeHttpClient.layerUndiciNoDispatcher.pipe(
  Layer.provide(Layer.succeed(NodeHttpClient.Dispatcher, dispatcher))
)

/** teo-effect's own client on undici's `request` (UndiciHttpClient), on the same dispatcher. */
const ownLayer = Layer.succeed(HttpClient.HttpClient, UndiciHttpClient.make(dispatcher))

export const clientLayer = (kind: ClientKind): Layer.Layer<HttpClient.HttpClient> =>
  kind === "fetch" ? FetchHttpClient.layer : kind === "own" ? ownLayer : undiciLayer

/** teo-effect's layers against `target`, as an application composes them. */
export const teoEffectLayer = (
  target: Target,
  kind: ClientKind = "undici",
  /** TeoApi options over the defaults (e.g. a `rateLimit`); none by default. */
  api: Omit<NonNullable<Parameters<typeof TeoApi.layer>[0]>, "baseUrl"> = {}
) =>
  Dossiers.layer.pipe(
    // Default options, as a user gets them: retries, timeout, spans and metrics on.
    Layer.provideMerge(TeoApi.layer({ ...api, baseUrl: target.apiUrl })),
    Layer.provideMerge(AccessToken.layer()),
    Layer.provide(
      TeoCredentials.layer({
        clientId: target.clientId,
        clientSecret: Redacted.make(target.clientSecret),
        teoId: target.teoId,
        tokenUrl: target.tokenUrl
      })
    ),
    Layer.provide(clientLayer(kind))
  )

/**
 * teo-effect: `AccessToken` and `Dossiers.page()` (or `TeoApi.page(path,
 * Schema.Unknown)` for `call: "raw"`), in one ManagedRuntime (one cache).
 */
export const teoEffect = (
  target: Target,
  options: { readonly client?: ClientKind; readonly call?: "dossiers" | "raw"; readonly name?: string } = {}
): Contender => {
  const kind = options.client ?? "undici"
  const call = options.call ?? "dossiers"
  const runtime = ManagedRuntime.make(teoEffectLayer(target, kind))
  const getToken = Effect.flatMap(Effect.service(AccessToken), (accessToken) => accessToken.get)
  const pageOf = (pageSize: number) =>
    call === "dossiers"
      ? Effect.flatMap(Effect.service(Dossiers), (dossiers) => dossiers.page({ itemsPerPage: pageSize }))
      : Effect.flatMap(Effect.service(TeoApi), (api) =>
          api.page("/production/dossiers", Schema.Unknown, { itemsPerPage: pageSize })
        )
  return {
    name:
      options.name ??
      `teo-effect ${call === "dossiers" ? "Dossiers.page()" : "TeoApi.page(Unknown)"} on ${kind === "fetch" ? "FetchHttpClient" : kind === "own" ? "UndiciHttpClient" : "undici"}`,
    token: () => runtime.runPromise(getToken.pipe(Effect.map((token) => Redacted.value(token.value)))),
    page: (pageSize) =>
      runtime.runPromise(
        Effect.gen(function* () {
          const started = performance.now()
          yield* getToken
          const tokenMillis = performance.now() - started
          const page = yield* pageOf(pageSize)
          return { tokenMillis, items: page.member.length }
        })
      ),
    close: () => runtime.dispose()
  }
}

/**
 * effect/http alone, with a static token: `HttpClient.execute` + `response.json`
 * on `client`. What teo-effect costs on top of its HTTP client is the gap
 * between this and teo-effect on the same client.
 */
export const bareEffectHttp = async (target: Target, kind: ClientKind): Promise<Contender> => {
  const token = await teoSample(target).token()
  const runtime = ManagedRuntime.make(clientLayer(kind))
  const request = HttpClientRequest.get(pagePath(target, 30)).pipe(
    HttpClientRequest.bearerToken(token),
    HttpClientRequest.accept("application/ld+json")
  )
  const call = Effect.flatMap(Effect.service(HttpClient.HttpClient), (client) =>
    Effect.flatMap(client.execute(request), (response) => response.json)
  )
  return {
    name: `effect/http alone (execute + json) on ${kind === "fetch" ? "FetchHttpClient" : kind === "own" ? "UndiciHttpClient" : "undici"}`,
    token: async () => token,
    page: async () => {
      const body = (await runtime.runPromise(call)) as { "hydra:member": ReadonlyArray<unknown> }
      return { tokenMillis: 0, items: body["hydra:member"].length }
    },
    close: () => runtime.dispose()
  }
}

/**
 * téo's sample, as its authentication page writes it: a cache object, renewal
 * one minute before expiry, no lock.
 */
export const teoSample = (target: Target): Contender => {
  const credentials = Buffer.from(`${target.clientId}:${target.clientSecret}`).toString("base64")
  const fetchNewToken = async () => {
    const response = await fetch(target.tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${credentials}` },
      body: `grant_type=client_credentials&scope=target-entity:${target.teoId}`
    })
    return (await response.json()) as { access_token: string; expires_in: number }
  }
  let tokenCache: { token: string | null; expiresAt: number } = { token: null, expiresAt: 0 }
  async function getToken(): Promise<string> {
    // Renouveler 1 minute avant expiration
    if (tokenCache.token && Date.now() < tokenCache.expiresAt - 60000) {
      return tokenCache.token
    }
    const response = await fetchNewToken()
    tokenCache = { token: response.access_token, expiresAt: Date.now() + response.expires_in * 1000 }
    return tokenCache.token as string
  }
  return withTokenGetter("téo's sample", target, getToken)
}

/** openid-client 6, as its documentation suggests for client credentials: no cache. */
export const openIdClient = (target: Target): Contender => {
  const config = new OpenId.Configuration(
    { issuer: new URL(target.tokenUrl).origin, token_endpoint: target.tokenUrl },
    target.clientId,
    undefined,
    OpenId.ClientSecretBasic(target.clientSecret)
  )
  OpenId.allowInsecureRequests(config)
  return withTokenGetter(
    "openid-client 6",
    target,
    async () => (await OpenId.clientCredentialsGrant(config, { scope: `target-entity:${target.teoId}` })).access_token
  )
}

/** @badgateway/oauth2-client's OAuth2Fetch: a fetch wrapper that keeps the token. */
export const badgateway = (target: Target): Contender => {
  const client = new OAuth2Client({
    clientId: target.clientId,
    clientSecret: target.clientSecret,
    tokenEndpoint: target.tokenUrl,
    authenticationMethod: "client_secret_basic"
  })
  const wrapper = new OAuth2Fetch({
    client,
    getNewToken: () => client.clientCredentials({ scope: [`target-entity:${target.teoId}`] }),
    scheduleRefresh: false
  })
  return withTokenGetter("@badgateway/oauth2-client", target, async () => (await wrapper.getToken()).accessToken)
}

/** The fetch floor: `fetch` and `JSON.parse` with a token obtained once, outside the measure. */
export const floor = async (target: Target): Promise<Contender> => {
  const token = await teoSample(target).token()
  return {
    name: "fetch floor (fetch + JSON.parse)",
    token: async () => token,
    page: async (pageSize) => ({ tokenMillis: 0, items: await fetchPage(target, token, pageSize) }),
    close: async () => {}
  }
}

/** The undici floor: undici's `request` and `JSON.parse`, static token. */
export const undiciFloor = async (target: Target): Promise<Contender> => {
  const token = await teoSample(target).token()
  return {
    name: "undici floor (request + JSON.parse)",
    token: async () => token,
    page: async (pageSize) => {
      const response = await undiciRequest(pagePath(target, pageSize), {
        dispatcher,
        headers: { authorization: `Bearer ${token}`, accept: "application/ld+json" }
      })
      if (response.statusCode !== 200) throw new Error(`page: HTTP ${response.statusCode}`)
      const body = JSON.parse(await response.body.text()) as { "hydra:member": ReadonlyArray<unknown> }
      return { tokenMillis: 0, items: body["hydra:member"].length }
    },
    close: async () => {}
  }
}
