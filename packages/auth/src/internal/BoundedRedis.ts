/**
 * Redis commands with a bound: a Redis that is down queues commands (node-redis
 * reconnects), a slow one answers late; either way the caller goes on without
 * it after `timeout`, with a `RedisError`. Used by `RedisTokenStore` and
 * `PartnerLinkReplay.redis`, which both fall back to this process.
 *
 * @internal
 */
import { Duration, Effect } from "effect"
import { Redis } from "effect/persistence"

export interface BoundedRedis {
  readonly send: <A>(command: string, ...args: ReadonlyArray<string>) => Effect.Effect<A, Redis.RedisError>
  readonly eval: <Config extends { readonly params: ReadonlyArray<unknown>; readonly result: unknown }>(
    script: Redis.Script<Config>
  ) => (...params: Config["params"]) => Effect.Effect<Config["result"], Redis.RedisError>
}

/** `client`'s commands, each failing with a `RedisError` when it takes longer than `timeout`. */
export const bounded = (client: Redis.Redis["Service"], timeout: Duration.Duration): BoundedRedis => {
  const bound = <A>(command: Effect.Effect<A, Redis.RedisError>): Effect.Effect<A, Redis.RedisError> =>
    Effect.timeoutOrElse(command, {
      duration: timeout,
      orElse: () => Effect.fail(new Redis.RedisError({ cause: `no answer within ${Duration.format(timeout)}` }))
    })
  return {
    send: (command, ...args) => bound(client.send(command, ...args)),
    eval:
      (script) =>
      (...params) =>
        bound(client.eval(script)(...params))
  }
}
