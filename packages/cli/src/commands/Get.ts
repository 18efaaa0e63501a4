/**
 * `teo get`: any téo path as JSON-LD; `--all` follows the collection's pages
 * and prints every member as NDJSON. A whole URL is refused before anything
 * is sent (exit 2): the path is read from `TEO_API_URL`, and the token goes
 * nowhere else.
 *
 * @since 0.1.0
 */
import { TeoApi } from "@teo-effect/api"
import { Console, Effect, Schema, Stream } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { json } from "../Output.js"
import { connected } from "../Root.js"

/** A path or an IRI: no scheme, no `//host` — the origin is always TEO_API_URL's. */
const ApiPath = Schema.String.check(
  Schema.makeFilter(
    (text: string) =>
      !(/^[a-z][a-z0-9+.-]*:/i.test(text) || text.startsWith("//")) ||
      `a path from the API base (/production/dossiers) or an IRI (/api/…), not a URL: ${JSON.stringify(text.slice(0, 80))} — teo reads from TEO_API_URL's origin only (set TEO_API_URL or --api-url for another téo)`
  )
)

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "get",
  {
    path: Argument.String("path").pipe(
      Argument.withSchema(ApiPath),
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
