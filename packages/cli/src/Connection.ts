/**
 * Where `teo` connects: the real téo with the credentials from the
 * environment (`TEO_*`) or the flags, or — only when asked, with `--fake` or
 * `TEO_FAKE=1` — an embedded FakeTeo, announced on stderr. Missing
 * credentials are a usage error naming each one and its flag: a script that
 * lost its secret never gets generated data. FakeTeo comes from
 * `@teo-effect/testing`, an optional peer loaded only for `--fake`.
 *
 * @since 0.1.0
 */
import { type Dossiers, type Prestations, Teo, TeoApi, UndiciHttpClient } from "@teo-effect/api"
import { type AccessToken, TeoConfig, TeoCredentials, type TeoCredentialsOptions } from "@teo-effect/auth"
import { Config, Console, Context, Effect, FileSystem, Layer, Option, Redacted } from "effect"
import { HttpClient } from "effect/http"
import { UsageError } from "./Failure.js"
import * as TestingPackage from "./TestingPackage.js"

/**
 * The connection flags every command shares.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConnectionFlags {
  readonly clientId: Option.Option<string>
  readonly clientSecret: Option.Option<Redacted.Redacted<string>>
  readonly clientSecretFile: Option.Option<string>
  readonly teoId: Option.Option<string>
  readonly authUrl: Option.Option<string>
  readonly apiUrl: Option.Option<string>
  readonly fake: boolean
}

/**
 * What went over the wire, for `--stats`: token requests and API requests.
 *
 * @since 0.1.0
 * @category services
 */
export class Traffic extends Context.Service<
  Traffic,
  { readonly tokenRequests: () => number; readonly apiRequests: () => number; readonly embedded: boolean }
>()("@teo-effect/cli/Traffic") {}

/** undici (`UndiciHttpClient.layer`), counting requests by destination. */
const countingClient = (tokenUrl: string, embedded: boolean) =>
  Layer.effectContext(
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const counts = { tokens: 0, api: 0 }
      const counted = HttpClient.tapRequest(client, (request) =>
        Effect.sync(() => {
          if (request.url.startsWith(tokenUrl)) counts.tokens++
          else counts.api++
        })
      )
      return Context.make(HttpClient.HttpClient, counted).pipe(
        Context.add(
          Traffic,
          Traffic.of({ tokenRequests: () => counts.tokens, apiRequests: () => counts.api, embedded })
        )
      )
    })
  ).pipe(Layer.provide(UndiciHttpClient.layer))

/** `Teo.layer` with these credentials, on the counting undici client. */
const services = (credentials: TeoCredentialsOptions, apiUrl: string, embedded: boolean) =>
  TeoCredentials.make(credentials).pipe(
    Effect.map(({ tokenUrl }) =>
      Teo.layer({ credentials, api: { baseUrl: apiUrl, allowPlainHttp: credentials.allowPlainHttp === true } }).pipe(
        Layer.provideMerge(countingClient(tokenUrl, embedded))
      )
    )
  )

/** The flag's value, or else the variable's (only read when the flag is not given). */
const orVariable = <A>(
  flag: Option.Option<A>,
  variable: Config.Config<A>
): Effect.Effect<Option.Option<A>, Config.ConfigError> =>
  Option.isSome(flag) ? Effect.succeed(flag) : Config.option(variable)

/** The flag that gives each credential, for the message that says it is missing. */
const flagOf: Record<string, string> = {
  TEO_CLIENT_ID: "--client-id",
  TEO_CLIENT_SECRET: "--client-secret-file",
  TEO_ID: "--teo-id"
}

/**
 * What asks for the embedded FakeTeo: `"--fake"`, `TEO_FAKE` set to a true
 * value as written (`"TEO_FAKE=1"`, `"TEO_FAKE=yes"`…), or `undefined` for
 * neither. `TEO_FAKE` is read as a boolean (`true`/`false`, `yes`/`no`,
 * `on`/`off`, `1`/`0`, `y`/`n`): another value is a configuration error.
 *
 * @since 0.2.0
 */
export const fakeAskedBy = (flag: boolean): Effect.Effect<string | undefined, Config.ConfigError> =>
  Effect.gen(function* () {
    if (flag) return "--fake"
    if (!(yield* Config.Boolean("TEO_FAKE").pipe(Config.withDefault(false)))) return undefined
    // One of the true spellings above: safe to name as it is.
    return `TEO_FAKE=${yield* Config.String("TEO_FAKE")}`
  })

/**
 * Everything a command needs, connected as the flags and environment say.
 *
 * @since 0.1.0
 */
export const connect = (
  flags: ConnectionFlags
): Effect.Effect<
  Layer.Layer<
    Dossiers | Prestations | TeoApi | AccessToken | TeoCredentials | Traffic,
    Config.ConfigError | UsageError
  >,
  Config.ConfigError | UsageError | TestingPackage.TestingLoadFailed,
  FileSystem.FileSystem
> =>
  Effect.gen(function* () {
    if (Option.isSome(flags.clientSecret)) {
      yield* Console.error(
        "warning: --client-secret puts the secret in your shell history and the process list; prefer TEO_CLIENT_SECRET or --client-secret-file"
      )
    }
    const fromFile = yield* Option.match(flags.clientSecretFile, {
      onNone: () => Effect.succeed(Option.none<Redacted.Redacted<string>>()),
      onSome: (path) =>
        Effect.flatMap(Effect.service(FileSystem.FileSystem), (fs) => fs.readFileString(path)).pipe(
          Effect.map((text) => Option.some(Redacted.make(text.trim()))),
          Effect.mapError(() => new UsageError({ message: `--client-secret-file: cannot read ${path}` }))
        )
    })
    const resolved = {
      clientId: yield* orVariable(flags.clientId, TeoConfig.clientId),
      clientSecret: yield* orVariable(
        Option.orElse(flags.clientSecret, () => fromFile),
        TeoConfig.clientSecret
      ),
      teoId: yield* orVariable(flags.teoId, TeoConfig.teoId)
    }
    const presence: ReadonlyArray<readonly [string, boolean]> = [
      ["TEO_CLIENT_ID", Option.isSome(resolved.clientId)],
      ["TEO_CLIENT_SECRET", Option.isSome(resolved.clientSecret)],
      ["TEO_ID", Option.isSome(resolved.teoId)]
    ]
    const given = presence.filter(([, present]) => present)

    const fakeAsked = yield* fakeAskedBy(flags.fake)
    if (fakeAsked !== undefined) {
      // FakeTeo is in @teo-effect/testing, an optional peer: loaded here only.
      const { FakeTeo } = yield* TestingPackage.load(fakeAsked, () => import("@teo-effect/testing"))
      yield* Console.error(
        `Using an embedded FakeTeo (${flags.fake ? "--fake" : "TEO_FAKE"}): generated data, not téo's. / FakeTeo embarqué (${flags.fake ? "--fake" : "TEO_FAKE"}) : données générées, pas celles de téo.`
      )
      return Layer.unwrap(
        Effect.flatMap(Effect.service(FakeTeo), (fake) =>
          services({ ...fake.credentials, tokenUrl: fake.tokenUrl }, fake.apiUrl, true)
        )
      ).pipe(
        Layer.provide(
          FakeTeo.layer().pipe(
            // The CLI's own error, not @teo-effect/testing's type: its declarations never name that package.
            Layer.catchTag(["FakeTeoStartError", "FakeTeoResourceError"], (error) =>
              Layer.effect(FakeTeo, Effect.fail(new UsageError({ message: error.message })))
            )
          )
        )
      )
    }
    if (given.length < 3) {
      const missing = presence.filter(([, present]) => !present).map(([name]) => `${name} (${flagOf[name]})`)
      return yield* Effect.fail(
        new UsageError({
          message: `${given.length === 0 ? "no téo credentials" : "incomplete credentials"}: ${missing.join(", ")} missing — set ${missing.length === 1 ? "it" : "them"} in the environment or with the flags; to try teo on generated data instead, pass --fake (or TEO_FAKE=1)`
        })
      )
    }
    const allowPlainHttp = yield* TeoConfig.allowPlainHttp
    const tokenUrl = yield* orVariable(flags.authUrl, TeoConfig.authUrl({ allowPlainHttp }))
    const apiUrl = yield* orVariable(flags.apiUrl, TeoConfig.apiUrl({ allowPlainHttp }))
    return yield* services(
      {
        allowPlainHttp,
        clientId: Option.getOrThrow(resolved.clientId),
        clientSecret: Option.getOrThrow(resolved.clientSecret),
        teoId: Option.getOrThrow(resolved.teoId),
        tokenUrl: Option.getOrUndefined(tokenUrl) ?? TeoCredentials.defaultTokenUrl
      },
      Option.getOrUndefined(apiUrl) ?? TeoApi.defaultBaseUrl,
      false
    )
  })
