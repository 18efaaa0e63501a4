/**
 * `teo partner-link`: a partner link for local testing, signed by a running
 * FakeTeo (`teo fake-server`) — the link téo would send a user to the
 * partner's application with — for the application to verify against that
 * FakeTeo's JWKS (`TEO_PARTNER_JWKS_URL`, printed by `teo fake-server`).
 * téo itself issues partner links from its own interface: this command asks
 * FakeTeo only.
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { PartnerLinkHttp } from "@teo-effect/auth"
import { Config, Console, Duration, Effect, Option, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { HttpBody, HttpClient, HttpClientResponse } from "effect/http"
import { UsageError } from "../Failure.js"
import { DossierRef, isIdOrIri } from "../Flags.js"
import { root } from "../Root.js"

/**
 * No FakeTeo answers where `teo partner-link` looked for one.
 *
 * @since 0.1.0
 * @category errors
 */
export class FakeTeoUnreachable extends Schema.TaggedError<FakeTeoUnreachable>()("FakeTeoUnreachable", {
  url: Schema.String,
  /** Set when a server took the request but did not answer it within these seconds. */
  timeoutSeconds: Schema.optional(Schema.Number)
}) {
  override get message(): string {
    return this.timeoutSeconds === undefined
      ? `no FakeTeo answers at ${this.url}: start one with \`teo fake-server\` (or \`npx fake-teo\`), or give its URL with --fake-url`
      : `${this.url} took the request but did not answer within ${this.timeoutSeconds} s: restart \`teo fake-server\` (a stopped one — Ctrl-Z — keeps its port), or give another FakeTeo's URL with --fake-url`
  }
}

/**
 * How long FakeTeo has to answer `teo partner-link`, its whole answer
 * included: it answers in milliseconds, so a server silent this long is
 * stopped, or not a FakeTeo.
 *
 * @since 0.2.0
 * @category constants
 */
export const answerWithin: Duration.Duration = Duration.seconds(10)

const Issued = Schema.Struct({
  token: Schema.String,
  dossierId: Schema.String,
  userId: Schema.String,
  expiresAt: Schema.String
})

const Refusal = Schema.Struct({ error: Schema.String, message: Schema.String })

/** An absolute http(s) URL, as the flag named `name` must hold. */
const HttpUrl = (name: string) =>
  Schema.String.check(
    Schema.makeFilter((input: string) => {
      const url = URL.parse(input)
      return url !== null && (url.protocol === "http:" || url.protocol === "https:")
        ? true
        : `${name} must be an absolute http(s) URL, got ${JSON.stringify(input)}`
    })
  )

/** `--fake-url`, else the origin of `TEO_AUTH_URL` (as `teo fake-server` exports it), else the default port. */
const fakeOrigin = (flag: Option.Option<string>) =>
  Option.match(flag, {
    onSome: (url) => Effect.succeed(new URL(url).origin),
    onNone: () =>
      Effect.map(Config.option(Config.String("TEO_AUTH_URL")), (authUrl) =>
        Option.getOrElse(
          Option.flatMap(authUrl, (url) => Option.fromNullishOr(URL.parse(url)?.origin)),
          () => "http://127.0.0.1:4010"
        )
      )
  })

/**
 * The command.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "partner-link",
  {
    dossier: Flag.String("dossier").pipe(
      Flag.withSchema(DossierRef),
      Flag.withDescription("the dossier the link is about: its UUID, IRI or number (D-2025-0001), as teo dossiers get")
    ),
    user: Flag.String("user").pipe(
      Flag.withDescription("the téo user who follows the link (default: fake-user)"),
      Flag.optional
    ),
    ttl: Flag.Int("ttl").pipe(
      Flag.withSchema(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 86_400 }))),
      Flag.withDescription("seconds the link is valid (default: 300, téo's 5 minutes)"),
      Flag.withDefault(300)
    ),
    appUrl: Flag.String("app-url").pipe(
      Flag.withSchema(HttpUrl("--app-url")),
      Flag.withDescription("your application's URL: prints the whole link to it (default: only the token)"),
      Flag.optional
    ),
    parameter: Flag.String("parameter").pipe(
      Flag.withDescription(
        `the query parameter of the token (default: ${PartnerLinkHttp.defaultParameter}, as PartnerLinkHttp)`
      ),
      Flag.withDefault(PartnerLinkHttp.defaultParameter)
    ),
    fakeUrl: Flag.String("fake-url").pipe(
      Flag.withSchema(HttpUrl("--fake-url")),
      Flag.withDescription("the running FakeTeo (default: the origin of TEO_AUTH_URL, else http://127.0.0.1:4010)"),
      Flag.optional
    )
  },
  ({ dossier, user, ttl, appUrl, parameter, fakeUrl }) =>
    Effect.gen(function* () {
      // The link must outlive the command, so it comes from a running FakeTeo, never an embedded one.
      if ((yield* root).fake) {
        return yield* new UsageError({
          message:
            "teo partner-link asks a running FakeTeo (teo fake-server, or --fake-url), never an embedded one: drop --fake"
        })
      }
      const origin = yield* fakeOrigin(fakeUrl)
      const client = yield* HttpClient.HttpClient
      const issued = yield* Effect.gen(function* () {
        const response = yield* client
          .post(`${origin}/_fake/partner-links`, {
            body: HttpBody.jsonUnsafe({
              // An IRI ends with the dossier's UUID; anything else is a number, which FakeTeo looks up.
              ...(isIdOrIri(dossier) ? { dossierId: dossier.split("/").at(-1) } : { dossierNumber: dossier }),
              ttl,
              ...(Option.isSome(user) ? { userId: user.value } : {})
            })
          })
          .pipe(Effect.catchTag("HttpClientError", () => Effect.fail(new FakeTeoUnreachable({ url: origin }))))
        if (response.status !== 201) {
          const refusal = yield* HttpClientResponse.schemaBodyJson(Refusal)(response).pipe(Effect.option)
          return yield* new UsageError({
            message:
              Option.isSome(refusal) && refusal.value.error === "unknown_dossier"
                ? `${refusal.value.message}: pick one from \`teo dossiers list --columns id\` (with teo fake-server's environment)`
                : `${origin} answered HTTP ${response.status} to /_fake/partner-links: it is not a FakeTeo (téo itself issues partner links from its interface; this command is for local testing)`
          })
        }
        return yield* HttpClientResponse.schemaBodyJson(Issued)(response).pipe(
          Effect.mapError(
            () => new UsageError({ message: `${origin} answered /_fake/partner-links with an unexpected body` })
          )
        )
      }).pipe(
        // A server that takes the connection and never answers (or never ends its answer) must not hang teo.
        Effect.timeoutOrElse({
          duration: answerWithin,
          orElse: () =>
            Effect.fail(new FakeTeoUnreachable({ url: origin, timeoutSeconds: Duration.toSeconds(answerWithin) }))
        })
      )
      const link = Option.match(appUrl, {
        onNone: () => issued.token,
        onSome: (url) => {
          const target = new URL(url)
          target.searchParams.set(parameter, issued.token)
          return target.href
        }
      })
      yield* Console.error(
        `A partner link for dossier ${issued.dossierId} (user ${issued.userId}), valid until ${issued.expiresAt}, signed by FakeTeo at ${origin}; your application verifies it with the keys at ${origin}/.well-known/jwks.json (TEO_PARTNER_JWKS_URL).`
      )
      yield* Console.log(link)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
).pipe(
  Command.withDescription(
    "Print a partner link (« lien authentifié ») for local testing, signed by a running FakeTeo (teo fake-server)"
  ),
  Command.withExamples([
    {
      command: "teo partner-link --dossier <uuid> --app-url http://localhost:3000/teo",
      description: "A link to your application, as téo would send a user there"
    },
    {
      command: "teo partner-link --dossier <uuid> --ttl 60 --fake-url http://127.0.0.1:4010",
      description: "Only the token, valid one minute, from the FakeTeo on port 4010"
    }
  ])
)
