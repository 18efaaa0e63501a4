/**
 * Fuzzing with Effect's property testing (Schema-derived arbitraries): every
 * decoder and every configuration entry point, given arbitrary input, gives a
 * value or a typed error — never a defect.
 */
import { assert, describe, it } from "@effect/vitest"
import { Dossier, decodeHydraError, HydraCollection, TeoApi } from "@teo-effect/api"
import { AccessToken, TeoCredentials } from "@teo-effect/auth"
import { TeoHttp } from "@teo-effect/auth/internal"
import { makeScriptedServer } from "@teo-effect/test-support"
import { Cause, Config, Duration, Effect, Exit, Layer, Redacted, Schema } from "effect"
import { FetchHttpClient, Headers } from "effect/http"

/** A success, or a failure made only of typed errors. */
const isValueOrTypedError = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isSuccess(exit) || (Cause.hasFails(exit.cause) && !Cause.hasDies(exit.cause))

/** Bodies shaped like token answers and OAuth2 errors, with every field of any JSON type. */
const TokenLikeBody = Schema.Struct({
  access_token: Schema.optionalKey(Schema.Json),
  token_type: Schema.optionalKey(Schema.Json),
  expires_in: Schema.optionalKey(Schema.Json),
  scope: Schema.optionalKey(Schema.Json),
  error: Schema.optionalKey(
    Schema.Union([Schema.Literals(["invalid_client", "invalid_scope", "expired_token"]), Schema.String])
  ),
  error_description: Schema.optionalKey(Schema.Json)
})

describe("token responses", () => {
  it.effect.prop(
    "arbitrary JSON, or token-shaped bodies, from the token endpoint: a token or a typed error",
    [Schema.Union([Schema.Json, TokenLikeBody]), Schema.Literals([200, 200, 400, 401, 403, 429, 500, 503])],
    ([body, status]) =>
      Effect.gen(function* () {
        const server = yield* makeScriptedServer
        server.reply = () => ({ status, json: body })
        const exit = yield* Effect.exit(
          Effect.flatMap(Effect.service(AccessToken), (accessToken) => accessToken.get).pipe(
            Effect.provide(
              AccessToken.layer({ retry: { times: 0 } }).pipe(
                Layer.provide(
                  TeoCredentials.layer({
                    clientId: "fuzz",
                    clientSecret: Redacted.make("fuzz-secret"),
                    teoId: "fuzz",
                    tokenUrl: `${server.origin}/oauth2/token`
                  })
                ),
                Layer.provide(FetchHttpClient.layer)
              )
            )
          )
        )
        assert.isTrue(isValueOrTypedError(exit))
      }),
    { arbitrary: { runs: 100 } }
  )
})

describe("API bodies", () => {
  it.effect.prop("a Hydra collection of dossiers from arbitrary JSON", [Schema.Json], ([json]) =>
    Effect.map(Effect.exit(Schema.decodeUnknownEffect(HydraCollection(Dossier))(json)), (exit) =>
      assert.isTrue(isValueOrTypedError(exit))
    )
  )

  it.prop(
    "a Hydra or RFC 7807 error body from arbitrary JSON or text",
    [Schema.Json, Schema.String],
    ([json, text]) => {
      assert.isArray(decodeHydraError(JSON.stringify(json)).violations)
      assert.isArray(decodeHydraError(text).violations)
    }
  )
})

describe("Retry-After", () => {
  it.prop("any header value: a non-negative delay or none", [Schema.String], ([value]) => {
    const delay = TeoHttp.retryAfter(Headers.fromInput({ "retry-after": value }), 0)
    if (delay !== undefined) assert.isAtLeast(Duration.toMillis(delay), 0)
  })
})

describe("configuration", () => {
  it.effect.prop(
    "arbitrary credentials and URLs: credentials or a ConfigError",
    [Schema.String, Schema.String, Schema.String, Schema.String],
    ([clientId, secret, teoId, tokenUrl]) =>
      Effect.map(
        Effect.exit(TeoCredentials.make({ clientId, clientSecret: Redacted.make(secret), teoId, tokenUrl })),
        (exit) => {
          assert.isTrue(isValueOrTypedError(exit))
          // The secret must not show; the other values may (a bad URL is quoted), so a secret that is
          // also part of them, or too short to tell apart, proves nothing.
          const telling = secret.length > 3 && ![clientId, teoId, tokenUrl].some((value) => value.includes(secret))
          if (Exit.isFailure(exit) && telling) assert.notInclude(String(Cause.squash(exit.cause)), secret)
        }
      )
  )

  it.effect.prop(
    "arbitrary AccessToken and TeoApi options: a layer or a ConfigError",
    [Schema.Json, Schema.Json],
    ([a, b]) =>
      Effect.gen(function* () {
        const options = (typeof a === "object" && a !== null && !Array.isArray(a) ? a : { refreshWindow: a }) as never
        const apiOptions = (typeof b === "object" && b !== null && !Array.isArray(b) ? b : { timeout: b }) as never
        const exit = yield* Effect.exit(
          Layer.build(
            TeoApi.layer(apiOptions).pipe(
              Layer.provide(AccessToken.layer(options)),
              Layer.provide(
                TeoCredentials.layer({
                  clientId: "c",
                  clientSecret: Redacted.make("s"),
                  teoId: "i",
                  tokenUrl: "http://127.0.0.1:9"
                })
              ),
              Layer.provide(FetchHttpClient.layer)
            )
          ).pipe(Effect.scoped)
        )
        assert.isTrue(isValueOrTypedError(exit))
        if (Exit.isFailure(exit)) {
          const failure = exit.cause.reasons.find(Cause.isFailReason)
          assert.instanceOf(failure?.error, Config.ConfigError)
        }
      })
  )
})
