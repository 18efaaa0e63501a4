/**
 * `teo generate --spec <file or URL> --out <dir>`: the typed modules of every
 * resource of an API Platform OpenAPI document (téo's:
 * `$TEO_API_URL/docs.jsonopenapi`). A URL is read without a token; only when
 * it answers 401 or 403 is it read again with the téo token — and only if it
 * is under `TEO_API_URL`, where the token may go.
 *
 * @since 0.4.0
 */
import { TeoApi } from "@teo-effect/api"
import { UndiciHttpClient } from "@teo-effect/auth"
import { Console, Duration, Effect, FileSystem, Option, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { Headers, HttpClient, HttpClientRequest } from "effect/http"
import { UsageError } from "../Failure.js"
import * as Generate from "../generate/Generate.js"
import { connected } from "../Root.js"

/** Time allowed to read a document from a URL. */
const timeout = Duration.seconds(30)

/** The largest document read (a 300-schema application publishes about 1 MB). */
const maxBytes = 32 * 1024 * 1024

const isUrl = (spec: string): boolean => /^https?:\/\//i.test(spec)

const unreadable = (spec: string, why: string) => new UsageError({ message: `cannot read ${spec}: ${why}` })

/** The document at `url`, without a token: its text, or the status that asks for one. */
const fetchText = (url: string) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(
      HttpClientRequest.get(url, {
        headers: Headers.fromInput({
          accept: "application/vnd.openapi+json, application/json;q=0.9, application/yaml;q=0.8, */*;q=0.1"
        })
      })
    )
    if (response.status < 200 || response.status > 299) {
      // Read to its end, so that the connection is free again (an unread body holds it).
      yield* Effect.ignore(response.text)
      if (response.status === 401 || response.status === 403) return { needsToken: response.status } as const
      return yield* unreadable(url, `it answered HTTP ${response.status}`)
    }
    const length = Number(response.headers["content-length"] ?? "0")
    if (length > maxBytes) return yield* unreadable(url, `it is ${length} bytes, over ${maxBytes}`)
    const text = yield* response.text
    if (text.length > maxBytes) return yield* unreadable(url, `it is over ${maxBytes} bytes`)
    return { text } as const
  }).pipe(
    Effect.catchTag("HttpClientError", (error) =>
      Effect.fail(unreadable(url, error.reason.description ?? error.reason._tag))
    ),
    Effect.provide(UndiciHttpClient.layer),
    Effect.timeoutOrElse({
      duration: timeout,
      orElse: () => Effect.fail(unreadable(url, `no complete answer within ${Duration.format(timeout)}`))
    })
  )

/** A file system call bounded by `timeout`: a mount that hangs fails instead of holding the command. */
const bounded =
  (what: string, fail: (why: string) => UsageError) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.timeoutOrElse(effect, {
      duration: timeout,
      orElse: () => Effect.fail(fail(`${what} gave no answer within ${Duration.format(timeout)}`))
    })

/** The text of the file `spec`: a regular file of at most `maxBytes`. */
const readFile = (spec: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const why = (error: { readonly reason: { readonly _tag: string }; readonly message: string }) =>
      unreadable(spec, error.reason._tag === "NotFound" ? "no such file" : error.message)
    const info = yield* Effect.mapError(fs.stat(spec), why)
    if (info.type !== "File") {
      return yield* unreadable(spec, info.type === "Directory" ? "it is a folder, not a file" : "it is not a file")
    }
    if (Number(info.size) > maxBytes) return yield* unreadable(spec, `it is ${info.size} bytes, over ${maxBytes}`)
    return yield* Effect.mapError(fs.readFileString(spec), why)
  }).pipe(bounded("the file system", (why) => unreadable(spec, why)))

/**
 * The text behind `spec`, without a token: a file's, or a URL's — or the
 * status with which the URL asks for a token. Bounded: 30 s, 32 MiB.
 *
 * @internal
 */
export const readSource = (
  spec: string
): Effect.Effect<{ readonly text: string } | { readonly needsToken: 401 | 403 }, UsageError, FileSystem.FileSystem> =>
  isUrl(spec) ? fetchText(spec) : Effect.map(readFile(spec), (text) => ({ text }))

/** The document behind `spec`, parsed: a file, a public URL, or a URL of the API read with the téo token. */
const documentOf = (spec: string) =>
  Effect.gen(function* () {
    const fetched = yield* readSource(spec)
    if ("text" in fetched) return yield* Generate.parse(fetched.text, spec)
    yield* Console.error(
      `${spec} answered ${fetched.needsToken}: reading it again with the téo token (TEO_API_URL only).`
    )
    return yield* connected(Effect.flatMap(Effect.service(TeoApi), (api) => api.get(spec, Schema.Unknown))).pipe(
      Effect.catchIf(
        (error) =>
          error._tag === "TeoApiError" && error.reason._tag === "UnexpectedResponse" && error.reason.status === 0,
        (error) =>
          Effect.fail(
            unreadable(
              spec,
              `it asks for a token, and ${error.message.replace(/^.*?refused before any request: /, "")} (set TEO_API_URL to the téo it belongs to)`
            )
          )
      )
    )
  })

/**
 * @since 0.4.0
 * @category commands
 */
export const command = Command.make(
  "generate",
  {
    spec: Flag.String("spec").pipe(
      Flag.withDescription(
        "the OpenAPI document: a file (JSON or YAML) or a URL (téo's: $TEO_API_URL/docs.jsonopenapi)"
      )
    ),
    out: Flag.String("out").pipe(Flag.withDescription("the folder to write the modules to (created if needed)")),
    name: Flag.String("name").pipe(
      Flag.withDescription("names the services' keys (@teo-effect/generated/<name>/…); default: the document's title"),
      Flag.optional
    ),
    imports: Flag.Literals("imports", ["js", "ts"] as const).pipe(
      Flag.withDescription(
        "the extension of the modules' imports of one another: js for tsc and bundlers, ts for Node running .ts files (default: js)"
      ),
      Flag.withDefault("js" as const)
    )
  },
  ({ spec, out, name, imports }) =>
    Effect.gen(function* () {
      const document = yield* documentOf(spec)
      const files = yield* Generate.generate(document, { source: spec, name: Option.getOrUndefined(name), imports })
      const cannotWrite = (why: string) => new UsageError({ message: `cannot write to ${out}: ${why}` })
      const fs = yield* FileSystem.FileSystem
      const existing = yield* fs.stat(out).pipe(
        Effect.map(Option.some),
        Effect.catchTag("PlatformError", (error) =>
          error.reason._tag === "NotFound" ? Effect.succeedNone : Effect.fail(cannotWrite(error.message))
        ),
        bounded("the file system", cannotWrite)
      )
      if (Option.isSome(existing) && existing.value.type !== "Directory") {
        return yield* cannotWrite("it is a file, not a folder")
      }
      const written = yield* Generate.writeFiles(files, out).pipe(
        Effect.mapError((error) => cannotWrite(error.message)),
        bounded("the file system", cannotWrite)
      )
      const services = files.filter((file) => file.path !== "index.ts" && file.path !== "schemas.ts")
      yield* Console.log(
        `${written.length} files written to ${out}: ${services.map((file) => file.path.slice(0, -3)).join(", ")}, their schemas and an index.`
      )
    })
).pipe(
  Command.withDescription("Typed Effect modules (Schemas and services) from téo's OpenAPI document"),
  Command.withExamples([
    {
      command: "teo generate --spec teo.openapi.json --out src/teo",
      description: "Every resource of a saved document"
    },
    {
      command: "teo generate --spec https://teoapp.fr/api/docs.jsonopenapi --out src/teo",
      description: "From your téo instance (with your token if it asks for one)"
    }
  ])
)
