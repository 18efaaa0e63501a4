import { Effect, type Layer, Ref, Stream } from "effect"
import { HttpMethod, HttpRouter, type HttpServerRequest, HttpServerResponse } from "effect/http"
import { type Answer, hydraError, ldJson, oauthError, rateLimited } from "./Answers.js"
import { apiRoutes } from "./ApiRoutes.js"
import type { Fake, Handler } from "./Fake.js"
import * as FakeState from "./FakeState.js"
import { openApiDocument } from "./OpenApiDocument.js"
import { partnerLinkRoutes } from "./PartnerLinkRoutes.js"
import { itemRoute, resourceRoutes } from "./ResourceRoutes.js"
import { tokenEndpoint, tokenNotAllowed } from "./TokenEndpoint.js"

/** A wait on the real clock: latency is about the wire, not about the test's virtual time. */
const wait = (millis: number): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    const timer = setTimeout(() => resume(Effect.void), millis)
    return Effect.sync(() => clearTimeout(timer))
  })

/** A route's handler, its path parameters in `RouteContext`. */
type Route = (
  request: HttpServerRequest.HttpServerRequest
) => Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpRouter.RouteContext>

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

  /** One route of `side`: latency, fault or `handle`, log, response. */
  const served =
    (side: FakeState.Side) =>
    (handle: Handler): Route =>
    (request) =>
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

  /** FakeTeo's own control: neither faults nor the log. */
  const control =
    (handle: Handler): Route =>
    (request) =>
      Effect.flatMap(
        Effect.orElseSucceed(request.text, () => ""),
        (body) =>
          Effect.flatMap(handle(request, new URL(request.url, "http://fake.invalid"), body), (answer) =>
            respond(request, answer, {})
          )
      )

  /**
   * A path: `handlers` on their methods and `notAllowed` on every other one.
   * HttpRouter has no 405: a method a path has no route for falls to the
   * last route, a 404. So each method Effect routes (`HttpMethod.all`) gets
   * its route here; a method outside them (PROPFIND…) is the 404.
   */
  const resource =
    (serve: (handle: Handler) => Route, notAllowed: Handler) =>
    (path: HttpRouter.PathInput, handlers: Partial<Record<HttpMethod.HttpMethod, Handler>>) =>
      Array.from(HttpMethod.all, (method) => HttpRouter.route(method, path, serve(handlers[method] ?? notAllowed)))

  const api = apiRoutes(fake)
  const { jwks, issuePartnerLink, partnerLinkNotAllowed } = partnerLinkRoutes(fake)
  const apiPath = resource(served("api"), api.notAllowed)

  return HttpRouter.addAll([
    HttpRouter.route("GET", "/.well-known/jwks.json", jwks),
    ...resource(control, partnerLinkNotAllowed)("/_fake/partner-links", { POST: issuePartnerLink }),
    ...resource(served("token"), tokenNotAllowed)("/oauth2/token", { POST: tokenEndpoint(fake) }),
    ...apiPath("/api", { GET: api.entrypoint }),
    ...apiPath("/api/production/dossiers", { GET: api.dossiers, POST: api.create }),
    ...apiPath("/api/production/dossiers/:id", { GET: api.dossier }),
    ...apiPath("/api/production/prestations", { GET: api.prestations }),
    ...apiPath("/api/production/prestations/:id", { GET: api.onePrestation }),
    // API Platform's document of the API, public as API Platform serves it by default.
    ...apiPath("/api/docs.jsonopenapi", { GET: openApiDocument }),
    ...apiPath("/api/docs", { GET: openApiDocument }),
    ...config.resources.flatMap((definition) => {
      const handlers = resourceRoutes(fake, api, definition)
      return [
        ...apiPath(definition.collection as HttpRouter.PathInput, handlers.collection),
        ...apiPath(itemRoute(definition), handlers.item)
      ]
    }),
    HttpRouter.route("*", "/*", served("api")(api.unknown))
  ])
}
