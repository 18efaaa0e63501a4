/**
 * `teo dossiers get`: one dossier as JSON-LD, by UUID, IRI or number — the
 * number through the collection's `?number=` filter, an assumption (téo
 * documents no filter): when téo ignores it, the answer says so rather than
 * showing another dossier. Found by number, the dossier is then read by its
 * IRI: the same answer, `@context` included, as by UUID. A number that
 * matches nothing is not found (exit 4), as an unknown UUID is.
 *
 * @since 0.1.0
 */
import { Dossiers } from "@teo-effect/api"
import { Console, Effect } from "effect"
import { Argument, Command } from "effect/cli"
import { DossierNotFound, UsageError } from "../Failure.js"
import { DossierRef, isIdOrIri } from "../Flags.js"
import { json } from "../Output.js"
import { connected } from "../Root.js"

const byNumber = (number: string) =>
  Effect.gen(function* () {
    const page = yield* (yield* Dossiers).page({ number, itemsPerPage: 2 })
    const matching = page.member.filter((dossier) => String(dossier.number) === number)
    const [found] = matching
    // Read again by its IRI: the same answer as by UUID (a collection's members carry no @context).
    if (matching.length === 1 && found !== undefined) return yield* (yield* Dossiers).get(found["@id"])
    if (page.member.length === 0) return yield* new DossierNotFound({ number })
    return yield* new UsageError({
      message:
        matching.length > 1
          ? `several dossiers are numbered ${JSON.stringify(number)}: use the UUID (teo dossiers list --columns id,number)`
          : `téo did not filter the dossiers by number (teo asks ?number=, a filter téo does not document): use the dossier's UUID (teo dossiers list --columns id,number)`
    })
  })

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "get",
  {
    dossier: Argument.String("uuid-iri-or-number").pipe(
      Argument.withSchema(DossierRef),
      Argument.withDescription("the dossier's UUID, IRI or number (D-2025-0001)")
    )
  },
  ({ dossier }) =>
    connected(
      Effect.gen(function* () {
        const found = isIdOrIri(dossier) ? yield* (yield* Dossiers).get(dossier) : yield* byNumber(dossier)
        yield* Console.log(json(found))
      })
    )
).pipe(
  Command.withDescription("Show one dossier as JSON-LD"),
  Command.withExamples([
    { command: "teo dossiers get 0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b", description: "By UUID" },
    { command: "teo dossiers get D-2025-0001", description: "By number (téo's ?number= filter)" }
  ])
)
