/**
 * FakeTeo as a command: the one launcher behind `fake-teo` and
 * `teo fake-server`, so that both take the same flags and print the same
 * lines — the `export` lines that point a client at it on stdout, everything
 * else on stderr.
 *
 * @since 0.1.0
 */
import { Console, Duration, Effect, Layer, Redacted, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { FakeTeo, type FakeTeoService } from "./FakeTeo.js"

const between = (name: string, minimum: number, maximum: number) =>
  Flag.Int(name).pipe(Flag.withSchema(Schema.Int.check(Schema.isBetween({ minimum, maximum }))))

/**
 * The flags of the command, with their defaults.
 *
 * @since 0.1.0
 * @category flags
 */
export const flags = {
  port: between("port", 0, 65535).pipe(
    Flag.withDescription("port on 127.0.0.1, 0 for any free port (default: 4010)"),
    Flag.withDefault(4010)
  ),
  dossiers: between("dossiers", 0, 100_000).pipe(
    Flag.withDescription("generated dossiers per instance (default: 95)"),
    Flag.withDefault(95)
  ),
  tokenTtl: between("token-ttl", 1, 86_400).pipe(
    Flag.withDescription("lifetime of the tokens issued, in seconds (default: 599, as téo)"),
    Flag.withDefault(599)
  ),
  seed: between("seed", 0, 2 ** 31).pipe(
    Flag.withDescription("seed of the generated data and of random faults (default: 1)"),
    Flag.withDefault(1)
  ),
  profile: Flag.Literals("profile", ["rich", "documented"] as const).pipe(
    Flag.withDescription("rich: every field the library knows of; documented: only what téo documents (default: rich)"),
    Flag.withDefault("rich")
  ),
  unprefixed: Flag.Boolean("unprefixed").pipe(
    Flag.withDescription("Hydra keys without the hydra: prefix (member, totalItems, view), as API Platform 4"),
    Flag.withDefault(false)
  ),
  errorRate: Flag.Finite("error-rate").pipe(
    Flag.withSchema(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 }))),
    Flag.withDescription("probability of a 500 or 503 on the API, 0 to 1 (default: 0)"),
    Flag.withDefault(0)
  ),
  latency: between("latency", 0, 60_000).pipe(
    Flag.withDescription("milliseconds added to every API answer (default: 0)"),
    Flag.withDefault(0)
  )
}

/**
 * The lines that point teo-effect (or anything else) at `fake` — the API's
 * credentials and URLs, and the JWKS of its partner links
 * (`PartnerLink.layerConfig` reads it) — the secret in clear: FakeTeo's
 * secret is a fake one.
 *
 * @since 0.1.0
 */
export const exportLines = (fake: FakeTeoService): ReadonlyArray<string> => [
  `export TEO_CLIENT_ID=${fake.credentials.clientId}`,
  `export TEO_CLIENT_SECRET=${Redacted.value(fake.credentials.clientSecret)}`,
  `export TEO_ID=${fake.credentials.teoId}`,
  `export TEO_AUTH_URL=${fake.tokenUrl}`,
  `export TEO_API_URL=${fake.apiUrl}`,
  `export TEO_PARTNER_JWKS_URL=${fake.jwksUrl}`
]

/**
 * The command, named `name` (`fake-teo`, or `fake-server` under `teo`, whose
 * examples then say `invocation`: `teo fake-server`): runs FakeTeo until
 * interrupted.
 *
 * @example
 * ```ts
 * import { FakeTeoCommand } from "@teo-effect/testing"
 * import { Command } from "effect/cli"
 *
 * const run = Command.runWith(FakeTeoCommand.make("fake-teo"), { version: "0.2.0" })
 * // run(["--port", "0", "--profile", "documented"])
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <const Name extends string>(name: Name, invocation: string = name) =>
  Command.make(name, flags, (options) =>
    Effect.gen(function* () {
      const fake = yield* FakeTeo
      yield* Console.error(
        `FakeTeo (${options.profile} profile) listening on ${fake.url} — token endpoint ${fake.tokenUrl}, API ${fake.apiUrl}. Ctrl-C to stop. Point a client at it with:`
      )
      yield* Console.error(`Its prestations (the serviceId of a new dossier): ${fake.prestationIds.join(", ")}`)
      yield* Console.log(exportLines(fake).join("\n"))
      return yield* Effect.never
    }).pipe(
      Effect.provide(
        Layer.fresh(
          FakeTeo.layer({
            port: options.port,
            dossiers: options.dossiers,
            tokenTtl: Duration.seconds(options.tokenTtl),
            seed: options.seed,
            profile: options.profile,
            keyStyle: options.unprefixed ? "unprefixed" : "prefixed",
            faults: { api: { errorRate: options.errorRate, latency: options.latency } }
          })
        )
      )
    )
  ).pipe(
    Command.withDescription(
      "Run FakeTeo, a local téo (token endpoint and API), until interrupted; prints the environment that points clients at it"
    ),
    Command.withExamples([
      { command: `${invocation} --port 4010 --dossiers 200`, description: "A local téo with 200 dossiers" },
      {
        command: `${invocation} --port 0 --profile documented`,
        description: "Only what téo documents, on any free port"
      }
    ])
  )
