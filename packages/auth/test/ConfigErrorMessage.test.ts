/**
 * `configErrorMessage` reads the structure of a `ConfigError` (its
 * `SchemaIssue` tree), not the text of Effect's messages: each kind of issue
 * it tells apart, from real `Config` reads and real option decoding.
 */
import { assert, describe, it } from "@effect/vitest"
import { configErrorMessage, TeoCredentials } from "@teo-effect/auth"
import { Config, ConfigProvider, Effect, Redacted, Schema } from "effect"

/** The sentence for the `ConfigError` that reading `config` from `provider` fails with. */
const messageOf = <A>(
  config: Config.Config<A>,
  provider: ConfigProvider.ConfigProvider,
  names?: Readonly<Record<string, string>>
) =>
  Effect.flip(config.parse(provider)).pipe(
    Effect.map((error) => {
      assert.instanceOf(error, Config.ConfigError)
      return configErrorMessage(error, names)
    })
  )

const env = (vars: Record<string, string>) => ConfigProvider.fromEnv({ env: vars })

const credentials = { clientId: "acme-integration", clientSecret: Redacted.make("s3cr3t"), teoId: "acme-formation" }
const credentialsEnv = { TEO_CLIENT_ID: "acme-integration", TEO_CLIENT_SECRET: "s3cr3t", TEO_ID: "acme-formation" }

/** The sentence for the options `TeoCredentials.make` refuses. */
const optionsMessage = (options: unknown, names?: Readonly<Record<string, string>>) =>
  Effect.flip(TeoCredentials.make(options as Parameters<typeof TeoCredentials.make>[0])).pipe(
    Effect.map((error) => configErrorMessage(error, names))
  )

describe("configErrorMessage: a value that is not there", () => {
  it.effect("an unset or empty variable is not set, whatever its type reads it as", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* messageOf(Config.String("TEO_ID"), env({})), "TEO_ID is not set")
      assert.strictEqual(yield* messageOf(Config.String("TEO_ID"), env({ TEO_ID: "" })), "TEO_ID is not set")
      // Behind a transformation (Redacted), and a union with a string member (Number).
      assert.strictEqual(
        yield* messageOf(Config.Redacted("TEO_CLIENT_SECRET"), env({})),
        "TEO_CLIENT_SECRET is not set"
      )
      assert.strictEqual(yield* messageOf(Config.Number("PORT"), env({})), "PORT is not set")
    })
  )

  it.effect("a missing key of an object is not set, under its full path", () =>
    Effect.gen(function* () {
      const Db = Config.schema(Schema.Struct({ host: Schema.String, port: Schema.Int }), "db")
      assert.strictEqual(
        yield* messageOf(Db, ConfigProvider.fromUnknown({ db: { host: "localhost" } })),
        "db.port is not set"
      )
      assert.strictEqual(
        yield* optionsMessage({}),
        "clientId is not set; clientSecret is not set; teoId is not set",
        "every missing option, in order"
      )
    })
  )

  it.effect("a value missing at the root, with no name to give, still reads as a sentence", () =>
    Effect.gen(function* () {
      assert.strictEqual(
        yield* messageOf(Config.schema(Schema.String), ConfigProvider.fromUnknown(undefined)),
        "a value is not set"
      )
    })
  )

  it.effect("a message the schema gives for a missing value is shown instead", () =>
    Effect.gen(function* () {
      const Named = Config.schema(Schema.String.annotate({ message: "needs a host name" }), "HOST")
      assert.strictEqual(yield* messageOf(Named, env({})), "HOST needs a host name")
      const Keyed = Config.schema(
        Schema.Struct({ host: Schema.String.annotateKey({ messageMissingKey: "needs a host name" }) }),
        "db"
      )
      assert.strictEqual(yield* messageOf(Keyed, ConfigProvider.fromUnknown({ db: {} })), "db.host needs a host name")
    })
  )
})

describe("configErrorMessage: a value that is there but wrong", () => {
  it.effect("a wrong type names the value and says what was expected, never 'is not set'", () =>
    Effect.gen(function* () {
      const secret = yield* optionsMessage({ ...credentials, clientSecret: "s3cr3t" })
      assert.match(secret, /^clientSecret Expected Redacted/)
      assert.notInclude(secret, "s3cr3t")
      const flag = yield* messageOf(Config.Boolean("TEO_ALLOW_PLAIN_HTTP"), env({ TEO_ALLOW_PLAIN_HTTP: "maybe" }))
      assert.match(flag, /^TEO_ALLOW_PLAIN_HTTP Expected "true"/)
      // A number read from a string that is set but is not one: the union's string member saw it.
      const port = yield* messageOf(Config.Number("PORT"), env({ PORT: "eighty" }))
      assert.match(port, /^PORT Expected a string representing a finite number/)
      for (const message of [secret, flag, port]) assert.notInclude(message, "is not set")
    })
  )

  it.effect("a failing filter gives its own message, after the name", () =>
    Effect.gen(function* () {
      const Code = Config.schema(
        Schema.String.check(Schema.isMinLength(3, { message: "must be 3 characters or more" })),
        "CODE"
      )
      assert.strictEqual(yield* messageOf(Code, env({ CODE: "ab" })), "CODE must be 3 characters or more")
      assert.strictEqual(
        yield* messageOf(TeoCredentials.config, env({ ...credentialsEnv, TEO_AUTH_URL: "ftp://auth.example.test" })),
        'TEO_AUTH_URL must be an absolute http(s) URL, got "ftp://auth.example.test"'
      )
    })
  )

  it.effect("a filter on an object that points at one of its keys names that key", () =>
    Effect.gen(function* () {
      const Range = Config.schema(
        Schema.Struct({ min: Schema.Number, max: Schema.Number }).check(
          Schema.makeFilter((range) => range.min <= range.max || { path: ["max"], issue: "must not be below min" })
        ),
        "range"
      )
      assert.strictEqual(
        yield* messageOf(Range, ConfigProvider.fromUnknown({ range: { min: 5, max: 1 } })),
        "range.max must not be below min"
      )
    })
  )

  it.effect("nested paths join with dots, array indexes included", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* messageOf(Config.nested(Config.String("HOST"), "DB"), env({})), "DB.HOST is not set")
      const Ports = Config.schema(Schema.Array(Schema.Int), "ports")
      assert.match(
        yield* messageOf(Ports, ConfigProvider.fromUnknown({ ports: [80, 1.5] })),
        /^ports\.1 Expected an integer/
      )
    })
  )
})

describe("configErrorMessage: several problems", () => {
  it.effect("one clause per problem, joined with '; ', each field renamed by names", () =>
    Effect.gen(function* () {
      const options = { clientId: "", clientSecret: credentials.clientSecret, teoId: " acme", tokenUrl: "ftp://x" }
      assert.strictEqual(
        yield* optionsMessage(options),
        'clientId must not be empty; teoId must not start or end with whitespace; tokenUrl must be an absolute http(s) URL, got "ftp://x"'
      )
      assert.strictEqual(
        yield* optionsMessage(options, { clientId: "TEO_CLIENT_ID", tokenUrl: "TEO_AUTH_URL" }),
        'TEO_CLIENT_ID must not be empty; teoId must not start or end with whitespace; TEO_AUTH_URL must be an absolute http(s) URL, got "ftp://x"'
      )
    })
  )

  it.effect("a missing value and a wrong one, side by side", () =>
    Effect.gen(function* () {
      assert.strictEqual(
        yield* optionsMessage({
          clientId: "acme-integration",
          clientSecret: credentials.clientSecret,
          tokenUrl: "nope"
        }),
        'teoId is not set; tokenUrl must be an absolute http(s) URL, got "nope"'
      )
    })
  )
})

describe("configErrorMessage: not a schema problem", () => {
  it.effect("a provider that cannot be read gives its own message", () =>
    Effect.gen(function* () {
      const unreadable = Config.fail(new ConfigProvider.SourceError({ message: "cannot read /run/secrets/teo" }))
      assert.strictEqual(yield* messageOf(unreadable, env({})), "cannot read /run/secrets/teo")
    })
  )
})
