/**
 * `teo token`: gets a token with the configured credentials and says what
 * it is — instance, scope, lifetime, expiry, latency — without the token
 * itself unless `--show-token` asks for it (with a warning).
 *
 * @since 0.1.0
 */
import { AccessToken } from "@teo-effect/auth"
import { Clock, Console, DateTime, Duration, Effect, Redacted } from "effect"
import { Command, Flag } from "effect/cli"
import { connected } from "../Root.js"

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
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
