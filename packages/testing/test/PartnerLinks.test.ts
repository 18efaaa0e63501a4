/**
 * FakeTeo's partner links, verified by `@teo-effect/auth`'s `PartnerLink`
 * against FakeTeo's JWKS, over HTTP.
 */

import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Dossiers } from "@teo-effect/api"
import { InvalidPartnerLink, PartnerLink, PartnerLinkHttp } from "@teo-effect/auth"
import { FakeTeo, TeoTest } from "@teo-effect/testing"
import { Context, Effect, Layer, Logger, Tracer } from "effect"
import { FetchHttpClient, HttpBody, HttpClient, HttpRouter, HttpServer, HttpServerResponse } from "effect/http"
import { TestClock } from "effect/testing"

/** FakeTeo, and a `PartnerLink` that trusts its JWKS. */
const withLinks = Layer.unwrap(
  Effect.map(Effect.service(FakeTeo), (fake) =>
    PartnerLink.layer({ jwksUrl: fake.jwksUrl, jwksCooldown: "1 second" }).pipe(Layer.provide(FetchHttpClient.layer))
  )
).pipe(Layer.provideMerge(FakeTeo.layer()))

describe("FakeTeo's partner links", () => {
  it.effect("verify: the dossier, the user and the claims asked for", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      const links = yield* PartnerLink
      const dossierId = "7d2f0a55-3c1b-4e8a-9f60-1b2c3d4e5f60"
      const token = yield* fake.partnerLink({ dossierId, userId: "u-1", claims: { role: "conseiller" } })
      const context = yield* links.verify(token)
      assert.strictEqual(context.dossierId, dossierId)
      assert.strictEqual(context.userId, "u-1")
      assert.strictEqual(context.claims.role, "conseiller")
      assert.strictEqual(context.claims.iss, "fake-teo")
    }).pipe(Effect.provide(withLinks))
  )

  it.effect("a rotation: the old key stays valid during the overlap, the new one is picked up", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      const links = yield* PartnerLink
      const before = yield* fake.partnerLink()
      yield* links.verify(before)
      yield* fake.rotatePartnerKeys
      yield* TestClock.adjust("1 second") // past the JWKS cooldown
      const after = yield* fake.partnerLink()
      assert.strictEqual((yield* links.verify(after)).dossierId.length > 0, true)
      assert.strictEqual((yield* links.verify(before)).dossierId.length > 0, true)
    }).pipe(Effect.provide(withLinks))
  )

  it.effect("a link past its ttl is refused as expired", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      const links = yield* PartnerLink
      const token = yield* fake.partnerLink({ ttl: "1 second" })
      yield* TestClock.adjust("2 minutes")
      const error = yield* Effect.flip(links.verify(token))
      assert.instanceOf(error, InvalidPartnerLink)
      assert.strictEqual((error as InvalidPartnerLink).reason, "Expired")
    }).pipe(Effect.provide(withLinks))
  )

  it.effect("POST /_fake/partner-links (teo partner-link's): a link for an existing dossier, or why not", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      const links = yield* PartnerLink
      const client = yield* HttpClient.HttpClient
      const page = yield* (yield* Dossiers).page({ itemsPerPage: 2 })
      const second = String(page.member[1]?.["@id"]).split("/").at(-1) ?? ""
      const ask = (body: string) =>
        Effect.flatMap(
          client.post(`${fake.url}/_fake/partner-links`, { body: HttpBody.text(body, "application/json") }),
          (response) =>
            Effect.map(response.json, (json) => ({ status: response.status, json: json as Record<string, string> }))
        )
      const issued = yield* ask(JSON.stringify({ dossierId: second, userId: "u-7", ttl: 60 }))
      assert.strictEqual(issued.status, 201)
      assert.strictEqual(issued.json.dossierId, second)
      const context = yield* links.verify(issued.json.token ?? "")
      assert.strictEqual(context.dossierId, second)
      assert.strictEqual(context.userId, "u-7")
      assert.strictEqual(context.expiresAt.epochMilliseconds - (context.issuedAt?.epochMilliseconds ?? 0), 60_000)
      assert.strictEqual(issued.json.expiresAt, new Date(context.expiresAt.epochMilliseconds).toISOString())
      // Empty body: the defaults (the first dossier, 5 minutes).
      const defaults = yield* ask("")
      assert.strictEqual(defaults.status, 201)
      assert.strictEqual((yield* links.verify(defaults.json.token ?? "")).userId, "fake-user")
      const unknown = yield* ask(JSON.stringify({ dossierId: "00000000-0000-4000-8000-000000000000" }))
      assert.strictEqual(unknown.status, 404)
      assert.include(unknown.json.message, "00000000-0000-4000-8000-000000000000")
      const bad = yield* ask(JSON.stringify({ ttl: "long" }))
      assert.strictEqual(bad.status, 400)
      assert.include(bad.json.message, "ttl")
    }).pipe(
      Effect.provide(
        Layer.unwrap(
          Effect.map(Effect.service(FakeTeo), (fake) =>
            PartnerLink.layer({ jwksUrl: fake.jwksUrl }).pipe(Layer.provide(FetchHttpClient.layer))
          )
        ).pipe(Layer.provideMerge(Layer.merge(TeoTest.layer(), FetchHttpClient.layer)))
      )
    )
  )
})

describe("PartnerLinkHttp.authenticated", () => {
  /** A partner app's route behind a partner link, as a web handler, with FakeTeo's JWKS. */
  const app = (fake: FakeTeo["Service"], logs: Array<string> = []) =>
    HttpRouter.toWebHandler(
      Layer.unwrap(
        Effect.map(Effect.service(PartnerLink), (links) =>
          HttpRouter.add(
            "GET",
            "/teo",
            PartnerLinkHttp.authenticated(links, (context) =>
              Effect.succeed(HttpServerResponse.text(`dossier ${context.dossierId}`))
            )
          )
        )
      ).pipe(
        Layer.provide(PartnerLink.layer({ jwksUrl: fake.jwksUrl }).pipe(Layer.provide(FetchHttpClient.layer))),
        Layer.provideMerge(Logger.layer([Logger.map(Logger.formatLogFmt, (line) => logs.push(line))]))
      ),
      { disableLogger: true }
    )

  it.live("runs the route with the context of a valid link; 401 pages in French and English otherwise", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      const logs: Array<string> = []
      const { handler, dispose } = app(fake, logs)
      const token = yield* fake.partnerLink({ dossierId: "5f0c1e2d-7a8b-4c9d-8e1f-203040506070" })
      const ok = yield* Effect.promise(() => handler(new Request(`http://partner.test/teo?token=${token}`)))
      assert.strictEqual(ok.status, 200)
      assert.strictEqual(yield* Effect.promise(() => ok.text()), "dossier 5f0c1e2d-7a8b-4c9d-8e1f-203040506070")
      const missing = yield* Effect.promise(() => handler(new Request("http://partner.test/teo")))
      assert.strictEqual(missing.status, 401)
      const missingPage = yield* Effect.promise(() => missing.text())
      assert.include(missingPage, "Ce lien doit être ouvert depuis téo")
      assert.include(missingPage, "Open this link from téo")
      const forged = `${token.slice(0, -4)}AAAA`
      const refused = yield* Effect.promise(() => handler(new Request(`http://partner.test/teo?token=${forged}`)))
      assert.strictEqual(refused.status, 401)
      const refusedPage = yield* Effect.promise(() => refused.text())
      assert.include(refusedPage, "BadSignature")
      assert.notInclude(refusedPage, forged)
      // The refusal is logged with its reason, never with the token.
      const logged = logs.filter((line) => line.includes("the partner link is refused"))
      assert.lengthOf(logged, 1)
      assert.include(logged[0], "reason=BadSignature")
      assert.notInclude(logs.join("\n"), forged.split(".")[2] ?? forged)
      assert.notInclude(refusedPage, "    at ")
      yield* Effect.promise(() => dispose())
    }).pipe(Effect.provide(FakeTeo.layer()))
  )

  /** The route served on a real socket with a tracer that records every span; `redact` adds layerRedactToken. */
  const served = (fake: FakeTeo["Service"], redact: boolean, parameter = "token") =>
    Effect.gen(function* () {
      const spans: Array<Tracer.NativeSpan> = []
      const logs: Array<string> = []
      const tracer = Tracer.make({
        span(options) {
          const span = new Tracer.NativeSpan(options)
          spans.push(span)
          return span
        }
      })
      const route = Layer.unwrap(
        Effect.map(Effect.service(PartnerLink), (links) =>
          HttpRouter.add(
            "GET",
            "/teo",
            PartnerLinkHttp.authenticated(
              links,
              (context) => Effect.succeed(HttpServerResponse.text(`dossier ${context.dossierId}`)),
              { parameter }
            )
          )
        )
      )
      const context = yield* Layer.build(
        HttpRouter.serve(route, { disableLogger: true }).pipe(
          Layer.provide(PartnerLink.layer({ jwksUrl: fake.jwksUrl }).pipe(Layer.provide(FetchHttpClient.layer))),
          Layer.provide(redact ? PartnerLinkHttp.layerRedactToken({ parameters: ["token", "jwt"] }) : Layer.empty),
          Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
          Layer.provide(Layer.succeed(Tracer.Tracer, tracer)),
          Layer.provide(Logger.layer([Logger.map(Logger.formatLogFmt, (line) => logs.push(line))]))
        )
      )
      const address = Context.get(context, HttpServer.HttpServer).address
      const origin = `http://127.0.0.1:${"port" in address ? address.port : 0}`
      return { origin, spans, logs }
    })

  it.live("with a tracer installed, the token is never in a span: ?token=<redacted> (layerRedactToken)", () =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      const token = yield* fake.partnerLink()
      const signature = token.split(".")[2] ?? token
      const safe = yield* served(fake, true)
      const ok = yield* Effect.promise(() => fetch(`${safe.origin}/teo?token=${token}&lang=fr`))
      assert.strictEqual(ok.status, 200)
      const again = yield* Effect.promise(() => fetch(`${safe.origin}/teo?token=${token}`))
      assert.strictEqual(again.status, 200) // no replay protection here: the same link again
      // Near-misses: refused (no token where it is read), and still not recorded.
      for (const query of [
        `?token=${token}`,
        `??token=${token}`,
        `?token[]=${token}`,
        `?token%5B%5D=${token}`,
        `?TOKEN=${token}`
      ]) {
        yield* Effect.promise(() => fetch(`${safe.origin}/teo${query}`))
      }
      const server = safe.spans.filter((span) => span.kind === "server")
      assert.lengthOf(server, 7)
      const recorded = safe.spans.map((span) => JSON.stringify(Object.fromEntries(span.attributes))).join("\n")
      assert.include(recorded, "token=REDACTED")
      assert.include(recorded, "lang=fr")
      assert.notInclude(recorded, signature)
      assert.notInclude(safe.logs.join("\n"), "is not redacted")
      // Several parameters in one layer: each redacted.
      const other = yield* served(fake, true, "jwt")
      assert.strictEqual((yield* Effect.promise(() => fetch(`${other.origin}/teo?jwt=${token}`))).status, 200)
      assert.notInclude(
        other.spans.map((span) => JSON.stringify(Object.fromEntries(span.attributes))).join("\n"),
        signature
      )
      // Without the layer: the span records the token in clear, and authenticated says so once.
      const unsafe = yield* served(fake, false)
      yield* Effect.promise(() => fetch(`${unsafe.origin}/teo?token=${token}`))
      const clear = unsafe.spans.map((span) => JSON.stringify(Object.fromEntries(span.attributes))).join("\n")
      assert.include(clear, signature)
      assert.include(unsafe.logs.join("\n"), "PartnerLinkHttp.layerRedactToken")
    }).pipe(Effect.scoped, Effect.provide(FakeTeo.layer()))
  )
})
