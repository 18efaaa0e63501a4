/**
 * `teo dossiers create`: creates a dossier from flags; invalid fields are
 * listed, field by field, with téo's messages (checked before asking téo).
 *
 * @since 0.1.0
 */
import { Dossiers } from "@teo-effect/api"
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { json } from "../Output.js"
import { connected } from "../Root.js"

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
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
        const created = yield* (yield* Dossiers).create({
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
