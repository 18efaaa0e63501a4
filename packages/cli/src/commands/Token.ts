/**
 * `teo token`: gets a token with the configured credentials and says what
 * it is — instance, scope, lifetime, expiry, latency — without the token
 * itself unless `--show-token` asks for it (with a warning). For scripts,
 * `--format json` (the same facts, and `token` with `--show-token`) or
 * `--format raw` (the token alone: it needs `--show-token`).
 *
 * @since 0.1.0
 */
import { AccessToken } from "@teo-effect/auth"
import { Clock, Console, DateTime, Duration, Effect, Redacted } from "effect"
import { Command, Flag } from "effect/cli"
import { UsageError } from "../Failure.js"
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
    ),
    format: Flag.Literals("format", ["text", "json", "raw"]).pipe(
      Flag.withDescription("text (default), json, or raw: the token alone, for scripts (needs --show-token)"),
      Flag.withDefault("text" as const)
    )
  },
  ({ showToken, format }) =>
    connected(
      Effect.gen(function* () {
        if (format === "raw" && !showToken) {
          return yield* new UsageError({
            message: "--format raw prints the token itself: add --show-token to ask for it"
          })
        }
        const accessToken = yield* AccessToken
        const started = yield* Clock.currentTimeMillis
        const current = yield* accessToken.get
        const latency = (yield* Clock.currentTimeMillis) - started
        const now = yield* DateTime.now
        const lifetime = Math.round(Duration.toSeconds(DateTime.distance(now, current.expiresAt)))
        const instance = current.scope.replace(/^target-entity:/, "")
        if (showToken) {
          yield* Console.error(
            "warning: the token below grants access to your téo data until it expires; do not share it"
          )
        }
        const token = Redacted.value(current.value)
        if (format === "raw") return yield* Console.log(token)
        if (format === "json") {
          return yield* Console.log(
            JSON.stringify({
              instance,
              scope: current.scope,
              lifetimeSeconds: lifetime,
              expiresAt: DateTime.formatIso(current.expiresAt),
              latencyMs: latency,
              ...(showToken ? { token } : {})
            })
          )
        }
        yield* Console.log(
          [
            `instance    ${instance}`,
            `scope       ${current.scope}`,
            `lifetime    ${lifetime} s`,
            `expires at  ${DateTime.formatIso(current.expiresAt)}`,
            `latency     ${latency} ms`,
            ...(showToken ? [`token       ${token}`] : [])
          ].join("\n")
        )
      })
    )
).pipe(
  Command.withDescription("Get a token with the configured credentials: instance, scope, lifetime, expiry, latency"),
  Command.withExamples([
    { command: "teo token", description: "Check that the credentials work" },
    { command: "teo token --show-token", description: "Also print the token (with a warning)" },
    { command: "teo token --show-token --format raw", description: "The token alone, for a script" }
  ])
)
