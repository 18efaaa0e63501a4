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
import { PartnerLinkHttp, TeoConfig, UndiciHttpClient } from "@teo-effect/auth"
import { TeoHttp } from "@teo-effect/auth/internal"
import { Console, Duration, Effect, Option, Predicate, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { HttpBody, HttpClient } from "effect/http"
import { fakeAskedBy } from "../Connection.js"
import { UsageError } from "../Failure.js"
import { DossierRef, isIdOrIri } from "../Flags.js"
import { root } from "../Root.js"

/**
 * No FakeTeo answers where `teo partner-link` looked for one: nothing takes
 * the connection, a server takes the request but does not answer — or does
 * not finish its answer — within `answerWithin`, or the connection breaks
 * before the end of the answer.
 *
 * @since 0.1.0
 * @category errors
 */
export class FakeTeoUnreachable extends Schema.TaggedError<FakeTeoUnreachable>()("FakeTeoUnreachable", {
  url: Schema.String,
  /** Set when a server took the request but did not answer it within these seconds. */
  timeoutSeconds: Schema.optional(Schema.Number),
  /**
   * The status it answered with, when the answer began but did not end: not
   * within `timeoutSeconds`, or the connection broke (`reason`).
   *
   * @since 0.2.0
   */
  status: Schema.optional(Schema.Number),
  /**
   * How the connection broke while the answer was read (`ECONNRESET: …`).
   *
   * @since 0.2.0
   */
  reason: Schema.optional(Schema.String)
}) {
  override get message(): string {
    const answered = `${this.url} answered HTTP ${this.status} to /_fake/partner-links`
    if (this.timeoutSeconds === undefined) {
      return this.status === undefined
        ? `no FakeTeo answers at ${this.url}: start one with \`teo fake-server\` (or \`npx fake-teo\`), or give its URL with --fake-url`
        : `${answered}, then the connection broke before the end of its answer${this.reason === undefined ? "" : ` (${this.reason})`}: check that \`teo fake-server\` still runs, or give another FakeTeo's URL with --fake-url`
    }
    const restart = `restart \`teo fake-server\` (a stopped one — Ctrl-Z — keeps its port), or give another FakeTeo's URL with --fake-url`
    return this.status === undefined
      ? `${this.url} took the request but did not answer within ${this.timeoutSeconds} s: ${restart}`
      : `${answered} but did not finish its answer within ${this.timeoutSeconds} s: ${restart}`
  }
}

/**
 * Something answered `teo partner-link` that is not a FakeTeo: a status other
 * than 201 (and not FakeTeo's refusal of an unknown dossier), or a 201 whose
 * body is not a partner link — too large, not JSON, or fields that are not
 * what FakeTeo sends (a compact JWS, a UUID, texts without control
 * characters). The message says what came back in teo's words: never the
 * server's own text.
 *
 * @since 0.2.0
 * @category errors
 */
export class FakeTeoUnexpectedAnswer extends Schema.TaggedError<FakeTeoUnexpectedAnswer>()("FakeTeoUnexpectedAnswer", {
  url: Schema.String,
  status: Schema.Number,
  /** What is wrong with the body (`with a body that is not JSON`), or `""` for the status alone. */
  problem: Schema.String
}) {
  override get message(): string {
    return `${this.url} answered HTTP ${this.status} to /_fake/partner-links${this.problem === "" ? "" : ` ${this.problem}`}: it is not a FakeTeo (téo itself issues partner links from its interface; this command is for local testing)`
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

/**
 * The largest answer read from FakeTeo: 64 KiB (its answers are under 1 KiB).
 *
 * @since 0.2.0
 * @category constants
 */
export const maxAnswerBytes = 64 * 1024

/** What FakeTeo answers a partner link with; each field checked before it reaches the terminal. */
interface Issued {
  readonly token: string
  readonly dossierId: string
  readonly userId: string
  readonly expiresAt: string
}

/** A JWS in compact serialization: three base64url segments (RFC 7515 §7.1). */
const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

const isUuid = Schema.is(Schema.String.check(Schema.isUUID()))

/** Control characters (C0, DEL, C1), line and paragraph separators, bidirectional overrides: what moves a terminal. */
const unprintable = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/u

const printable = (value: unknown): value is string => Predicate.isString(value) && !unprintable.test(value)

const isCompactJws = (value: unknown): value is string => Predicate.isString(value) && compactJws.test(value)

/** What is wrong with a field of a partner link, in teo's words. */
const fieldProblem = (name: keyof Issued, problem: string) => `with a partner link whose ${name} ${problem}`

const notText = "is not a text without control characters"

/** Any JSON value, or nothing when the text is not JSON. */
const decodeJson = Schema.decodeUnknownOption(Schema.fromJsonString(Schema.Unknown))

/** `text` as FakeTeo's partner link, or what is wrong with it (in teo's words, nothing of `text`). */
const issuedOf = (text: string): Issued | string => {
  const body = decodeJson(text)
  if (Option.isNone(body)) return "with a body that is not JSON"
  if (!Predicate.isObject(body.value)) return "with JSON that is not an object"
  // Each field checked, in this order, before it reaches the terminal.
  const { token, dossierId, userId, expiresAt } = body.value
  if (!isCompactJws(token)) return fieldProblem("token", "is not a compact JWS")
  if (!isUuid(dossierId)) return fieldProblem("dossierId", "is not a UUID")
  if (!printable(userId)) return fieldProblem("userId", notText)
  if (!printable(expiresAt)) return fieldProblem("expiresAt", notText)
  // Only the checked fields, nothing else of the body.
  return { token, dossierId, userId, expiresAt }
}

/** FakeTeo's refusal of a dossier it does not have. */
const isUnknownDossier = (body: unknown): boolean =>
  Predicate.hasProperty(body, "error") && body.error === "unknown_dossier"

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
      // A local FakeTeo: plain http allowed; a TEO_AUTH_URL that is not a URL is an error, not the default port.
      Effect.map(TeoConfig.authUrl({ allowPlainHttp: true }), (authUrl) =>
        authUrl === undefined ? "http://127.0.0.1:4010" : new URL(authUrl).origin
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
      const embedded = yield* fakeAskedBy((yield* root).fake)
      if (embedded !== undefined) {
        return yield* new UsageError({
          message: `teo partner-link asks a running FakeTeo (teo fake-server, or --fake-url), never an embedded one: ${embedded === "--fake" ? "drop --fake" : `unset TEO_FAKE (${embedded})`}`
        })
      }
      const origin = yield* fakeOrigin(fakeUrl)
      const client = yield* HttpClient.HttpClient
      // The status, once the answer has begun: a timeout after it says the answer did not end.
      let answered: number | undefined
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
        const status = response.status
        answered = status
        // Bounded: a huge answer is refused at its limit, its connection closed, never held in memory.
        const text = yield* TeoHttp.readText(response, response.headers, maxAnswerBytes).pipe(
          Effect.mapError((failure) =>
            failure._tag === "TooLarge"
              ? new FakeTeoUnexpectedAnswer({
                  url: origin,
                  status,
                  problem: `with a body over ${TeoHttp.formatBytes(failure.limit)}`
                })
              : new FakeTeoUnreachable({ url: origin, status, reason: failure.detail })
          )
        )
        if (status !== 201) {
          // FakeTeo's refusal is told in teo's words, from the argument given: the server's text is not shown.
          if (isUnknownDossier(Option.getOrUndefined(decodeJson(text)))) {
            return yield* new UsageError({
              message: `${isIdOrIri(dossier) ? `FakeTeo has no dossier ${dossier.split("/").at(-1)}` : `FakeTeo has no dossier numbered ${dossier}`}: pick one from \`teo dossiers list --columns id\` (with teo fake-server's environment)`
            })
          }
          return yield* new FakeTeoUnexpectedAnswer({ url: origin, status, problem: "" })
        }
        const link = issuedOf(text)
        if (typeof link === "string") return yield* new FakeTeoUnexpectedAnswer({ url: origin, status, problem: link })
        return link
      }).pipe(
        // A server that takes the connection and never answers (or never ends its answer) must not hang teo.
        Effect.timeoutOrElse({
          duration: answerWithin,
          orElse: () =>
            Effect.fail(
              new FakeTeoUnreachable({
                url: origin,
                timeoutSeconds: Duration.toSeconds(answerWithin),
                ...(answered === undefined ? {} : { status: answered })
              })
            )
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
    }).pipe(Effect.provide(UndiciHttpClient.layer))
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
