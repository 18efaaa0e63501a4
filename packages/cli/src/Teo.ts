/**
 * The `teo` command: check téo credentials, list, read and create dossiers,
 * call any téo path, run a local FakeTeo.
 *
 * @since 0.1.0
 */
import { createRequire } from "node:module"
import { DossierId, Dossiers, Iri, Prestations, TeoApi } from "@teo-effect/api"
import { AccessToken } from "@teo-effect/auth"
import { FakeTeoCommand } from "@teo-effect/testing"
import {
  Cause,
  Clock,
  Config,
  Console,
  DateTime,
  Duration,
  Effect,
  Exit,
  Option,
  Redacted,
  Schema,
  Stream
} from "effect"
import { Argument, CliError, CliOutput, Command, Flag } from "effect/cli"
import { type ConnectionFlags, connect, Traffic } from "./Connection.js"
import * as PartnerLinkCommand from "./commands/PartnerLink.js"
import { ExitCode, reportOf, reportOfCause, UsageError } from "./Failure.js"
import { defaultDossierColumns, dossierColumns, formats, json, prestationColumns, table } from "./Output.js"

/**
 * The version `teo --version` prints: the package's own.
 *
 * @since 0.1.0
 */
export const version: string = (createRequire(import.meta.url)("../package.json") as { readonly version: string })
  .version

const connection = {
  clientId: Flag.String("client-id").pipe(Flag.withDescription("CLIENT_ID (default: TEO_CLIENT_ID)"), Flag.optional),
  clientSecret: Flag.Redacted("client-secret").pipe(
    Flag.withDescription(
      "CLIENT_SECRET on the command line: avoid it, prefer TEO_CLIENT_SECRET or --client-secret-file"
    ),
    Flag.optional
  ),
  clientSecretFile: Flag.String("client-secret-file").pipe(
    Flag.withDescription("a file holding CLIENT_SECRET"),
    Flag.optional
  ),
  teoId: Flag.String("teo-id").pipe(Flag.withDescription("TEO_ID, the téo instance (default: TEO_ID)"), Flag.optional),
  authUrl: Flag.String("auth-url").pipe(
    Flag.withDescription("the token endpoint (default: TEO_AUTH_URL, else téo's)"),
    Flag.optional
  ),
  apiUrl: Flag.String("api-url").pipe(
    Flag.withDescription("the API's base URL (default: TEO_API_URL, else https://teoapp.fr/api)"),
    Flag.optional
  ),
  fake: Flag.Boolean("fake").pipe(
    Flag.withDescription("use an embedded FakeTeo even when credentials are set"),
    Flag.withDefault(false)
  )
}

const teo = Command.make("teo").pipe(
  Command.withSharedFlags(connection),
  Command.withExamples([
    {
      command: "teo dossiers list --limit 20",
      description: "Your first 20 dossiers (an embedded FakeTeo's without credentials)"
    },
    { command: "teo token", description: "Check the credentials in TEO_CLIENT_ID, TEO_CLIENT_SECRET and TEO_ID" },
    { command: "teo fake-server --port 4010", description: "A local téo for your own code" }
  ]),
  Command.withDescription(
    "téo from the command line. Credentials come from TEO_CLIENT_ID, TEO_CLIENT_SECRET and TEO_ID (or the flags); with none, an embedded FakeTeo answers."
  )
)

/** Runs `program` connected as the root flags say. */
const connected = <A, E, R extends Dossiers | Prestations | TeoApi | AccessToken | Traffic>(
  program: Effect.Effect<A, E, R>
) =>
  Effect.gen(function* () {
    const flags: ConnectionFlags = yield* teo
    return yield* program.pipe(Effect.provide(yield* connect(flags)))
  })

const token = Command.make(
  "token",
  {
    showToken: Flag.Boolean("show-token").pipe(
      Flag.withDescription("also print the token itself (it grants access to your téo data)"),
      Flag.withDefault(false)
    )
  },
  ({ showToken }) =>
    connected(
      Effect.gen(function* () {
        const accessToken = yield* AccessToken
        const started = yield* Clock.currentTimeMillis
        const current = yield* accessToken.get
        const latency = (yield* Clock.currentTimeMillis) - started
        const now = yield* DateTime.now
        const lifetime = Math.round(Duration.toSeconds(DateTime.distance(now, current.expiresAt)))
        const instance = current.scope.replace(/^target-entity:/, "")
        yield* Console.log(
          [
            `instance    ${instance}`,
            `scope       ${current.scope}`,
            `lifetime    ${lifetime} s`,
            `expires at  ${DateTime.formatIso(current.expiresAt)}`,
            `latency     ${latency} ms`
          ].join("\n")
        )
        if (showToken) {
          yield* Console.error(
            "warning: the token below grants access to your téo data until it expires; do not share it"
          )
          yield* Console.log(`token       ${Redacted.value(current.value)}`)
        }
      })
    )
).pipe(
  Command.withDescription("Get a token with the configured credentials: instance, scope, lifetime, expiry, latency"),
  Command.withExamples([
    { command: "teo token", description: "Check that the credentials work" },
    { command: "teo token --show-token", description: "Also print the token (with a warning)" }
  ])
)

/** The columns `--columns` names, or the default ones; an unknown name is a usage error that lists the known. */
const columnsOf = (flag: Option.Option<string>) => {
  const names = Option.match(flag, {
    onNone: () => defaultDossierColumns as ReadonlyArray<string>,
    onSome: (value) => value.split(",").map((name) => name.trim())
  })
  const unknown = names.filter((name) => !Object.hasOwn(dossierColumns, name))
  return unknown.length > 0
    ? Effect.fail(
        new UsageError({
          message: `--columns: no column ${unknown.map((name) => JSON.stringify(name)).join(", ")}; the columns are ${Object.keys(dossierColumns).join(", ")}`
        })
      )
    : Effect.succeed(names.map((name) => dossierColumns[name as keyof typeof dossierColumns]))
}

const positive = (name: string) => Flag.Int(name).pipe(Flag.withSchema(Schema.Int.check(Schema.isGreaterThan(0))))

const list = Command.make(
  "list",
  {
    limit: positive("limit").pipe(Flag.withDescription("stop after N dossiers"), Flag.optional),
    pageSize: positive("page-size").pipe(
      Flag.withDescription(
        "dossiers per page (itemsPerPage); téo decides the maximum and may serve fewer (FakeTeo: at most 100)"
      ),
      Flag.optional
    ),
    format: Flag.Literals("format", formats).pipe(
      Flag.withDescription("output format (default: table)"),
      Flag.withDefault("table")
    ),
    stats: Flag.Boolean("stats").pipe(
      Flag.withDescription("end with a summary on stderr: dossiers, pages, token requests, time"),
      Flag.withDefault(false)
    ),
    columns: Flag.String("columns").pipe(
      Flag.withDescription(
        `the table's columns, comma-separated, from: ${Object.keys(dossierColumns).join(", ")} (default: ${defaultDossierColumns.join(",")})`
      ),
      Flag.optional
    )
  },
  ({ limit, pageSize, format, stats, columns }) =>
    connected(
      Effect.gen(function* () {
        const shown = yield* columnsOf(columns)
        const dossiers = yield* Dossiers
        const traffic = yield* Traffic
        const started = yield* Clock.currentTimeMillis
        const progress = process.stderr.isTTY === true
        let count = 0
        const all = dossiers.list(Option.isSome(pageSize) ? { itemsPerPage: pageSize.value } : undefined).pipe(
          Option.isSome(limit) ? Stream.take(limit.value) : (stream) => stream,
          Stream.tap(() =>
            Effect.sync(() => {
              count++
              if (progress && count % 30 === 0) {
                const seconds = Math.max(0.001, (Date.now() - started) / 1000)
                process.stderr.write(
                  `\r${count} dossiers · ${traffic.apiRequests()} pages · ${Math.round(count / seconds)} dossiers/s…`
                )
              }
            })
          )
        )
        // The progress line is erased before the data: the table must not start after it.
        const clearProgress = Effect.sync(() => {
          if (progress && count >= 30) process.stderr.write("\r\x1b[2K")
        })
        if (format === "ndjson") {
          yield* Stream.runForEach(all, (dossier) => Console.log(JSON.stringify(dossier)))
          yield* clearProgress
        } else {
          const collected = yield* Stream.runCollect(all)
          yield* clearProgress
          yield* Console.log(
            format === "json" ? json(collected) : table(collected, shown, process.stdout.columns ?? 120)
          )
        }
        if (stats) {
          const seconds = ((yield* Clock.currentTimeMillis) - started) / 1000
          const pages = traffic.apiRequests()
          const tokens = traffic.tokenRequests()
          yield* Console.error(
            `${count} dossiers shown · ${pages} page${pages === 1 ? "" : "s"} fetched · ${tokens} token request${tokens === 1 ? "" : "s"} · ${seconds.toFixed(2)} s${traffic.embedded ? " (embedded FakeTeo)" : ""}`
          )
        }
      })
    )
).pipe(
  Command.withDescription("List dossiers, following téo's pages"),
  Command.withExamples([
    { command: "teo dossiers list --limit 20", description: "The first 20 dossiers as a table" },
    { command: "teo dossiers list --format ndjson > dossiers.ndjson", description: "Every dossier, one JSON per line" }
  ])
)

const DossierRef = Schema.Union([DossierId, Iri])

/**
 * A dossier by its number (`D-2025-0001`), through the collection's
 * `?number=` filter — an assumption: téo documents no filter. When téo
 * ignores it, the answer says so rather than showing another dossier.
 */
const byNumber = (number: string) =>
  Effect.gen(function* () {
    const page = yield* (yield* Dossiers).page({ number, itemsPerPage: 2 })
    const matching = page.member.filter((dossier) => String(dossier.number) === number)
    const [found] = matching
    if (matching.length === 1 && found !== undefined) return found
    return yield* Effect.fail(
      new UsageError({
        message:
          matching.length > 1
            ? `several dossiers are numbered ${JSON.stringify(number)}: use the UUID (teo dossiers list --columns id,number)`
            : page.member.length === 0
              ? `no dossier is numbered ${JSON.stringify(number)}`
              : `téo did not filter the dossiers by number (teo asks ?number=, a filter téo does not document): use the dossier's UUID (teo dossiers list --columns id,number)`
      })
    )
  })

const get = Command.make(
  "get",
  {
    dossier: Argument.String("uuid-iri-or-number").pipe(
      Argument.withDescription("the dossier's UUID, IRI or number (D-2025-0001)")
    )
  },
  ({ dossier }) =>
    Effect.gen(function* () {
      const ref = Schema.decodeUnknownOption(DossierRef)(dossier)
      if (Option.isNone(ref) && !/^[^\s/]+$/.test(dossier)) {
        return yield* new UsageError({ message: `not a dossier UUID, IRI or number: ${JSON.stringify(dossier)}` })
      }
      yield* connected(
        Effect.gen(function* () {
          const found = Option.isSome(ref) ? yield* (yield* Dossiers).get(ref.value) : yield* byNumber(dossier)
          yield* Console.log(json(found))
        })
      )
    })
).pipe(
  Command.withDescription("Show one dossier as JSON-LD"),
  Command.withExamples([
    { command: "teo dossiers get 0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b", description: "By UUID" },
    { command: "teo dossiers get D-2025-0001", description: "By number (téo's ?number= filter)" }
  ])
)

const create = Command.make(
  "create",
  {
    firstName: Flag.String("first-name").pipe(Flag.withDescription("the beneficiary's first name (prénom)")),
    lastName: Flag.String("last-name").pipe(Flag.withDescription("the beneficiary's last name (nom)")),
    email: Flag.String("email").pipe(Flag.withDescription("the beneficiary's email")),
    phone: Flag.String("phone").pipe(Flag.withDescription("the beneficiary's phone"), Flag.optional),
    serviceId: Flag.String("service-id").pipe(Flag.withDescription("the prestation's UUID"))
  },
  ({ firstName, lastName, email, phone, serviceId }) =>
    connected(
      Effect.gen(function* () {
        const dossiers = yield* Dossiers
        const created = yield* dossiers.create({
          firstName,
          lastName,
          email,
          serviceId,
          ...(Option.isSome(phone) ? { phone: phone.value } : {})
        })
        yield* Console.log(json(created))
      })
    )
).pipe(
  Command.withDescription("Create a dossier; invalid fields are listed with téo's messages"),
  Command.withExamples([
    {
      command:
        "teo dossiers create --first-name Léa --last-name Dupont --email lea.dupont@example.fr --service-id <a UUID from teo prestations list>",
      description: "A new dossier for Léa Dupont"
    }
  ])
)

const dossiers = Command.make("dossiers").pipe(
  Command.withDescription("téo's dossiers (Production › Dossiers)"),
  Command.withSubcommands([list, get, create])
)

const prestationsList = Command.make(
  "list",
  {
    format: Flag.Literals("format", formats).pipe(
      Flag.withDescription("output format (default: table)"),
      Flag.withDefault("table")
    )
  },
  ({ format }) =>
    connected(
      Effect.gen(function* () {
        const all = (yield* Prestations).list()
        if (format === "ndjson") {
          yield* Stream.runForEach(all, (prestation) => Console.log(JSON.stringify(prestation)))
        } else {
          const collected = yield* Stream.runCollect(all)
          yield* Console.log(
            format === "json" ? json(collected) : table(collected, prestationColumns, process.stdout.columns ?? 120)
          )
        }
      })
    )
).pipe(
  Command.withDescription("List the prestations: the UUIDs `teo dossiers create --service-id` takes"),
  Command.withExamples([{ command: "teo prestations list", description: "UUID and name of each prestation" }])
)

const prestations = Command.make("prestations").pipe(
  Command.withDescription("téo's prestations (the services a dossier is opened for; an assumed endpoint)"),
  Command.withSubcommands([prestationsList])
)

const getPath = Command.make(
  "get",
  {
    path: Argument.String("path").pipe(
      Argument.withDescription("a path from the API base (/production/dossiers) or an IRI (/api/…)")
    ),
    all: Flag.Boolean("all").pipe(
      Flag.withDescription("follow the collection's pages and print every member as NDJSON"),
      Flag.withDefault(false)
    )
  },
  ({ path, all }) =>
    connected(
      Effect.gen(function* () {
        const api = yield* TeoApi
        if (all) {
          yield* Stream.runForEach(api.stream(path, Schema.Unknown), (item) => Console.log(JSON.stringify(item)))
        } else {
          yield* Console.log(json(yield* api.get(path, Schema.Unknown)))
        }
      })
    )
).pipe(
  Command.withDescription("GET any téo path as JSON-LD"),
  Command.withExamples([
    { command: "teo get /api", description: "The API's entrypoint" },
    { command: "teo get /production/dossiers --all", description: "Every dossier as NDJSON" }
  ])
)

/** The same command as the `fake-teo` executable: the same flags, the same lines. */
const fakeServer = FakeTeoCommand.make("fake-server", "teo fake-server")

/**
 * The whole `teo` command.
 *
 * @since 0.1.0
 */
export const command = teo.pipe(
  Command.withSubcommands([token, dossiers, prestations, getPath, PartnerLinkCommand.command, fakeServer])
)

/**
 * Help that was asked for (`--help`) is the output: stdout. Help shown because
 * the command line was wrong or incomplete is a diagnostic: stderr, with the
 * errors, so that stdout never holds anything but data.
 */
const presenter = CliOutput.layerPresenter({
  present: (event) =>
    event._tag === "InvalidInvocation" || (event._tag === "Help" && event.reason === "Implicit")
      ? Effect.gen(function* () {
          const formatter = yield* CliOutput.Formatter
          yield* Console.error(formatter.formatHelpDoc(event.helpDoc))
          if (event._tag === "InvalidInvocation") yield* Console.error(formatter.formatErrors(event.errors))
        })
      : CliOutput.defaultPresenter.present(event)
})

/** `TEO_DEBUG` set to anything but empty, `0` or `false`. */
const debug = Effect.orElseSucceed(
  Effect.map(Config.String("TEO_DEBUG").pipe(Config.withDefault("")), (value) => !["", "0", "false"].includes(value)),
  () => false
)

/**
 * Runs `teo` with `args`; ends with the exit code, having printed any error
 * with its hint on stderr.
 *
 * @since 0.1.0
 */
export const main = (args: ReadonlyArray<string>) =>
  Command.runWith(command, { version })(args).pipe(
    Effect.provide(presenter),
    Effect.as(ExitCode.ok),
    Effect.catchCause((cause) => {
      const failure = cause.reasons.find(Cause.isFailReason)
      if (failure !== undefined && CliError.isCliError(failure.error)) {
        // effect/cli has printed the help and the parse errors already.
        const error = failure.error
        if (error._tag === "ShowHelp") return Effect.succeed(error.errors.length > 0 ? ExitCode.usage : ExitCode.ok)
        return Console.error(`teo: ${error.message}`).pipe(Effect.as(ExitCode.usage))
      }
      const report = failure === undefined ? reportOfCause(cause) : reportOf(failure.error)
      return Console.error(`teo: ${report.message}${report.hint === undefined ? "" : `\n${report.hint}`}`).pipe(
        // TEO_DEBUG=1: the whole cause too, for what has no message of its own (secrets stay redacted).
        Effect.andThen(
          Effect.when(
            Console.error(Cause.pretty(cause)),
            Effect.map(debug, (on) => on && report.code === ExitCode.unexpected)
          )
        ),
        Effect.as(report.code)
      )
    })
  )

/**
 * The exit code for how the main fiber ended.
 *
 * @since 0.1.0
 */
export const exitCodeOf = <E, A>(exit: Exit.Exit<A, E>): number =>
  Exit.isSuccess(exit)
    ? typeof exit.value === "number"
      ? exit.value
      : ExitCode.ok
    : Cause.hasInterruptsOnly(exit.cause)
      ? 130
      : ExitCode.unexpected
