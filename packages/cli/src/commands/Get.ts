/**
 * `teo get`: any téo path as JSON-LD; `--all` follows the collection's pages
 * and prints every member as NDJSON.
 *
 * @since 0.1.0
 */
import { TeoApi } from "@teo-effect/api"
import { Console, Effect, Schema, Stream } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { json } from "../Output.js"
import { connected } from "../Root.js"

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
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
