import { Effect, type Layer, Ref, Stream } from "effect"
import { HttpRouter, type HttpServerRequest, HttpServerResponse } from "effect/http"
import { type Answer, hydraError, ldJson, oauthError, rateLimited } from "./Answers.js"
import { apiRoutes } from "./ApiRoutes.js"
import type { Fake, Handler } from "./Fake.js"
import * as FakeState from "./FakeState.js"
import { partnerLinkRoutes } from "./PartnerLinkRoutes.js"
import { tokenEndpoint } from "./TokenEndpoint.js"

/** A wait on the real clock: latency is about the wire, not about the test's virtual time. */
const wait = (millis: number): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    const timer = setTimeout(() => resume(Effect.void), millis)
    return Effect.sync(() => clearTimeout(timer))
  })

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

  const token = tokenEndpoint(fake)
  const { entrypoint, collection, item, prestations, onePrestation, unknown } = apiRoutes(fake)
  const { jwks, issuePartnerLink } = partnerLinkRoutes(fake)

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
