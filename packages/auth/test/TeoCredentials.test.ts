import { inspect } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import { configErrorMessage, TeoCredentials } from "@teo-effect/auth"
import { Cause, Config, ConfigProvider, Effect, Exit, Layer, Logger, Redacted } from "effect"

const secret = "s3cr3t-canary-7f2a"

const env = {
  TEO_CLIENT_ID: "acme-integration",
  TEO_CLIENT_SECRET: secret,
  TEO_ID: "acme-formation"
}

/** Builds `TeoCredentials.layerConfig(values)` against the given environment, fresh each time. */
const fromEnv = (vars: Record<string, string>, values: Parameters<typeof TeoCredentials.layerConfig>[0] = {}) =>
  Effect.service(TeoCredentials).pipe(
    Effect.provide(
      TeoCredentials.layerConfig(values).pipe(
        Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: vars })))
      ),
      { local: true }
    )
  )

const failureOf = <A>(effect: Effect.Effect<A, Config.ConfigError>) =>
  Effect.flip(effect).pipe(Effect.tap((error) => Effect.sync(() => assert.instanceOf(error, Config.ConfigError))))

describe("TeoCredentials.layerConfig()", () => {
  it.effect("reads TEO_CLIENT_ID, TEO_CLIENT_SECRET and TEO_ID, with téo's token endpoint by default", () =>
    Effect.gen(function* () {
      const credentials = yield* fromEnv(env)
      assert.strictEqual(credentials.clientId, "acme-integration")
      assert.strictEqual(credentials.teoId, "acme-formation")
      assert.isTrue(Redacted.isRedacted(credentials.clientSecret))
      assert.strictEqual(Redacted.value(credentials.clientSecret), secret)
      assert.strictEqual(credentials.tokenUrl, "https://auth.teoapp.fr/oauth2/token")
      assert.strictEqual(credentials.tokenUrl, TeoCredentials.defaultTokenUrl)
    })
  )

  it.effect("takes TEO_AUTH_URL as the token endpoint, and completes a bare origin with /oauth2/token", () =>
    Effect.gen(function* () {
      const full = yield* fromEnv({ ...env, TEO_AUTH_URL: "https://auth.example.test/custom/token" })
      assert.strictEqual(full.tokenUrl, "https://auth.example.test/custom/token")
      const origin = yield* fromEnv({ ...env, TEO_AUTH_URL: "http://127.0.0.1:4010" })
      assert.strictEqual(origin.tokenUrl, "http://127.0.0.1:4010/oauth2/token")
    })
  )

  it.effect("takes a Config of the application's for an option, the TEO_* variables for the others", () =>
    Effect.gen(function* () {
      const { TEO_CLIENT_SECRET: _, ...withoutSecret } = env
      const credentials = yield* fromEnv(
        { ...withoutSecret, VAULT_SECRET: "from-the-vault" },
        { clientSecret: Config.Redacted("VAULT_SECRET"), tokenUrl: Config.succeed("http://127.0.0.1:4010") }
      )
      assert.strictEqual(Redacted.value(credentials.clientSecret), "from-the-vault")
      assert.strictEqual(credentials.clientId, "acme-integration")
      // A value of the application's is checked and normalised as `layer` does it.
      assert.strictEqual(credentials.tokenUrl, "http://127.0.0.1:4010/oauth2/token")
      const refused = yield* failureOf(
        fromEnv(env, { tokenUrl: Config.succeed("http://auth.example.test"), teoId: Config.succeed(" padded ") })
      )
      assert.strictEqual(
        configErrorMessage(refused),
        'teoId must not start or end with whitespace; tokenUrl must use https, got "http://auth.example.test" (plain http is only allowed for 127.0.0.1, localhost or [::1]; set TEO_ALLOW_PLAIN_HTTP=true or allowPlainHttp to allow it elsewhere)'
      )
      // `allowPlainHttp` from a Config of the application's applies to TEO_AUTH_URL too.
      const plain = yield* fromEnv(
        { ...env, TEO_AUTH_URL: "http://auth.example.test/oauth2/token" },
        { allowPlainHttp: Config.succeed(true) }
      )
      assert.strictEqual(plain.tokenUrl, "http://auth.example.test/oauth2/token")
    })
  )

  it.effect.each([
    "https://u:s3cr3tPW#x@auth.example.test",
    " https://u:s3cr3tPW@auth.example.test",
    "https://u:s3cr/3tPW?@auth.example.test",
    "https://auth.example.test/token?key=s3cr3tPW"
  ])("never repeats a password or a query of TEO_AUTH_URL=%j, however it is spelled", (url) =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(fromEnv({ ...env, TEO_AUTH_URL: url }, { allowPlainHttp: Config.succeed(false) }))
      const text = Exit.isFailure(exit)
        ? `${configErrorMessage(Cause.squash(exit.cause) as Config.ConfigError)} ${String(Cause.squash(exit.cause))}`
        : ""
      assert.notInclude(text, "s3cr")
    })
  )

  it.effect.each(["TEO_CLIENT_ID", "TEO_CLIENT_SECRET", "TEO_ID"] as const)(
    "fails with a ConfigError naming %s when it is missing or empty",
    (name) =>
      Effect.gen(function* () {
        const { [name]: _, ...without } = env
        const missing = yield* failureOf(fromEnv(without))
        assert.include(missing.message, `["${name}"]`)
        const empty = yield* failureOf(fromEnv({ ...env, [name]: "" }))
        assert.include(empty.message, `["${name}"]`)
      })
  )

  it.effect("configErrorMessage says it in a sentence that names the variable, never SchemaError(", () =>
    Effect.gen(function* () {
      const { TEO_CLIENT_ID: _, TEO_ID: __, ...without } = env
      const missing = configErrorMessage(yield* failureOf(fromEnv(without)))
      assert.strictEqual(missing, "TEO_CLIENT_ID is not set")
      const url = configErrorMessage(yield* failureOf(fromEnv({ ...env, TEO_AUTH_URL: "ftp://auth.example.test" })))
      assert.match(url, /^TEO_AUTH_URL must be an absolute http\(s\) URL/)
      assert.notInclude(url, "SchemaError")
      assert.notInclude(url, "tokenUrl")
      const secretError = configErrorMessage(yield* failureOf(fromEnv({ ...env, TEO_CLIENT_SECRET: ` ${secret}` })))
      assert.match(secretError, /^TEO_CLIENT_SECRET /)
      assert.notInclude(secretError, secret)
    })
  )

  it.effect("refuses a secret with surrounding whitespace, without printing it", () =>
    Effect.gen(function* () {
      const error = yield* failureOf(fromEnv({ ...env, TEO_CLIENT_SECRET: `${secret}\n` }))
      assert.include(error.message, `["TEO_CLIENT_SECRET"]`)
      assert.include(error.message, "whitespace")
      assert.notInclude(error.message, secret)
      assert.notInclude(String(error), secret)
      assert.notInclude(inspect(error, { depth: 10 }), secret)
    })
  )

  it.effect.each(["ftp://auth.example.test/token", "auth.teoapp.fr/oauth2/token", "not a url"])(
    "refuses TEO_AUTH_URL=%s, naming the variable",
    (url) =>
      Effect.gen(function* () {
        const error = yield* failureOf(fromEnv({ ...env, TEO_AUTH_URL: url }))
        assert.include(error.message, `["TEO_AUTH_URL"]`)
        assert.include(error.message, "absolute http(s) URL")
      })
  )

  it.effect.each([
    "https://integration:pa55-CANARY-word@auth.teoapp.fr/oauth2/token",
    "https://pa55-CANARY-word@auth.teoapp.fr/oauth2/token"
  ])("refuses TEO_AUTH_URL with a user name or password (%s), without repeating it", (url) =>
    Effect.gen(function* () {
      const error = yield* failureOf(fromEnv({ ...env, TEO_AUTH_URL: url }))
      assert.include(error.message, `["TEO_AUTH_URL"]`)
      assert.include(error.message, "user name or password")
      for (const text of [error.message, String(error), inspect(error, { depth: 10 })]) {
        assert.notInclude(text, "pa55-CANARY-word")
      }
    })
  )
})

describe("TeoCredentials.layer", () => {
  it.effect("builds the service from values", () =>
    Effect.gen(function* () {
      const credentials = yield* Effect.service(TeoCredentials).pipe(
        Effect.provide(
          TeoCredentials.layer({
            clientId: "acme-integration",
            clientSecret: Redacted.make(secret),
            teoId: "acme-formation",
            tokenUrl: "http://localhost:4010/"
          })
        )
      )
      assert.strictEqual(credentials.clientId, "acme-integration")
      assert.strictEqual(Redacted.value(credentials.clientSecret), secret)
      assert.strictEqual(credentials.tokenUrl, "http://localhost:4010/oauth2/token")
    })
  )

  it.effect("reports every bad option by name in one ConfigError", () =>
    Effect.gen(function* () {
      const error = yield* failureOf(
        TeoCredentials.make({ clientId: "", clientSecret: Redacted.make(""), teoId: " acme", tokenUrl: "nope" })
      )
      for (const option of ["clientId", "clientSecret", "teoId", "tokenUrl"]) {
        assert.include(error.message, `["${option}"]`)
      }
    })
  )
})

describe("the client secret never shows", () => {
  it.effect("in String(), JSON.stringify, util.inspect or logs", () =>
    Effect.gen(function* () {
      const credentials = yield* fromEnv(env)
      assert.strictEqual(String(credentials.clientSecret), "<redacted>")
      assert.notInclude(JSON.stringify(credentials), secret)
      assert.notInclude(inspect(credentials, { depth: 10 }), secret)

      const lines: Array<string> = []
      const capture = [Logger.formatLogFmt, Logger.formatJson].map((format) =>
        Logger.map(format, (line) => {
          lines.push(line)
        })
      )
      yield* Effect.logInfo("credentials", credentials).pipe(
        Effect.annotateLogs("secret", credentials.clientSecret),
        Effect.provide(Logger.layer(capture))
      )
      assert.lengthOf(lines, 2)
      for (const line of lines) {
        assert.include(line, "acme-integration")
        assert.notInclude(line, secret)
      }
    })
  )
})

describe("plain http", () => {
  it.effect.each(["http://127.0.0.1:4010", "http://localhost:4010/oauth2/token", "http://[::1]:4010"])(
    "is accepted on this machine: %s",
    (url) =>
      Effect.map(fromEnv({ ...env, TEO_AUTH_URL: url }), (credentials) => assert.match(credentials.tokenUrl, /^http:/))
  )

  it.effect("is refused to another host, naming the variable, unless explicitly allowed", () =>
    Effect.gen(function* () {
      const error = yield* failureOf(fromEnv({ ...env, TEO_AUTH_URL: "http://auth.example.test/oauth2/token" }))
      assert.include(error.message, `["TEO_AUTH_URL"]`)
      assert.include(error.message, "must use https")
      const allowed = yield* fromEnv({
        ...env,
        TEO_AUTH_URL: "http://auth.example.test/oauth2/token",
        TEO_ALLOW_PLAIN_HTTP: "true"
      })
      assert.strictEqual(allowed.tokenUrl, "http://auth.example.test/oauth2/token")
      const fromValues = yield* failureOf(
        TeoCredentials.make({
          clientId: "a",
          clientSecret: Redacted.make("s"),
          teoId: "i",
          tokenUrl: "http://auth.example.test"
        })
      )
      assert.include(fromValues.message, `["tokenUrl"]`)
    })
  )
})

describe("a secret given in code or by a Config of the application's", () => {
  it.effect.each([
    { value: "  padded  ", message: "clientSecret must not start or end with whitespace" },
    { value: "", message: "clientSecret must not be empty" }
  ])("$value is refused in code, naming the option and the rule", ({ value, message }) =>
    Effect.gen(function* () {
      const refused = yield* failureOf(
        TeoCredentials.make({
          clientId: "acme-integration",
          clientSecret: Redacted.make(value),
          teoId: "acme-formation"
        })
      )
      assert.strictEqual(configErrorMessage(refused), message)
    })
  )

  it.effect("a padded secret from the application's own Config: the rule, never the value", () =>
    Effect.gen(function* () {
      const refused = yield* failureOf(
        fromEnv({ ...env, VAULT_SECRET: " vault-secret-canary " }, { clientSecret: Config.Redacted("VAULT_SECRET") })
      )
      assert.include(configErrorMessage(refused), "must not start or end with whitespace")
      assert.notInclude(configErrorMessage(refused), "vault-secret-canary")
    })
  )
})
