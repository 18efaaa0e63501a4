/**
 * A `Redis` that never fails the application: the application's own Redis
 * layer (on Node, `NodeRedis.layer` from `@effect/platform-node`) built in
 * the background, so that Redis down or silent at start is a degraded start,
 * not a failed one.
 *
 * - At start, the layer waits for the connection at most `startTimeout`
 *   (default 1 second), then goes on without it: until Redis is attached,
 *   every command fails at once with a `RedisError`, and the modules on it
 *   take their local path (`RedisTokenStore`: this process's own token;
 *   `TeoApi`'s `rateLimit`: an in-process budget; `PartnerLinkReplay.redis`:
 *   this process's memory).
 * - A failed connection is tried again, with a backoff from 100 ms doubling
 *   up to `maxRetryDelay` (default 5 seconds); a connection that hangs (a
 *   frozen Redis) is waited for, and attaches when Redis answers.
 * - Said in a warning (`téo Redis: unavailable at start …`), in the gauge
 *   `teo_auth_redis_detached` (1 while not attached) and the counter
 *   `teo_auth_redis_connect_failures_total`; attached, an info log.
 *
 * Once attached, reconnections are the client's (node-redis reconnects by
 * itself); with `disableOfflineQueue`, a command fails at once while Redis
 * is down, and every module bounds its commands. `nodeRedisOptions` are the
 * node-redis options that make a silent Redis (frozen, or a port that
 * accepts and never answers) a dropped connection rather than one that
 * hangs for ever — and keeps the process from exiting.
 *
 * @since 0.2.0
 */
import { Config, Context, Deferred, Duration, Effect, Exit, Layer, Metric, Queue, Schema, Scope } from "effect"
import { Redis } from "effect/persistence"
import * as AuthMetrics from "./AuthMetrics.js"
import * as DurationOption from "./internal/DurationOption.js"

/**
 * Options of `ResilientRedis.layer`. Every one has a default.
 *
 * @since 0.2.0
 * @category models
 */
export interface ResilientRedisOptions {
  /** How long the layer waits at start for Redis before going on without it. Default 1 second. */
  readonly startTimeout?: Duration.Input
  /** The longest wait between two attempts to connect (from 100 ms, doubling). Default 5 seconds. */
  readonly maxRetryDelay?: Duration.Input
}

const firstRetryMillis = 100

/**
 * The node-redis client options `ResilientRedis` is meant to run on, to
 * spread into `NodeRedis.layer({ url, ...ResilientRedis.nodeRedisOptions })`:
 *
 * - `disableOfflineQueue`: while Redis is down a command fails at once,
 *   instead of waiting for the reconnection;
 * - `pingInterval` 1 s and `socket.socketTimeout` 3 s: a connection on which
 *   Redis says nothing for 3 s (frozen, overloaded, a port that never
 *   answers) is dropped and made again — a healthy one is never silent that
 *   long, the PING sees to it. Without this, node-redis waits on a silent
 *   Redis for ever, and its socket keeps the process from exiting;
 * - `socket.reconnectStrategy`: reconnect after every drop (from 100 ms,
 *   doubling up to 5 s), a timed-out connection included — node-redis'
 *   default gives up on one for good, and the process would never share
 *   through Redis again after a freeze.
 *
 * With these, Redis down at start is waited for within the client (the
 * start is a degraded one after `startTimeout`, then the connection
 * attaches when Redis comes) rather than retried by `layer`.
 *
 * @since 0.2.0
 * @category options
 */
export const nodeRedisOptions: {
  readonly disableOfflineQueue: true
  readonly pingInterval: number
  readonly socket: { readonly socketTimeout: number; readonly reconnectStrategy: (retries: number) => number }
} = {
  disableOfflineQueue: true,
  pingInterval: 1000,
  socket: {
    socketTimeout: 3000,
    reconnectStrategy: (retries: number) => Math.min(firstRetryMillis * 2 ** retries, 5000)
  }
}

const Settings = Schema.Struct({
  startTimeout: DurationOption.Positive,
  maxRetryDelay: DurationOption.Positive
})

const notAttached = () =>
  new Redis.RedisError({ cause: "Redis is not connected (ResilientRedis is still trying to connect)" })

const causeText = (cause: unknown): string => {
  const text = String(cause)
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}

/**
 * `redis`, built in the background: a `Redis` at once, whose commands fail
 * fast until the connection is made. The layer fails only on bad options
 * (a `ConfigError` naming them), never because Redis is unavailable.
 *
 * @example
 * ```ts
 * import { NodeRedis } from "@effect/platform-node"
 * import { ResilientRedis } from "@teo-effect/auth"
 *
 * const RedisLive = ResilientRedis.layer(
 *   NodeRedis.layer({ url: "redis://127.0.0.1:6379", ...ResilientRedis.nodeRedisOptions })
 * )
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = <E, R>(
  redis: Layer.Layer<Redis.Redis, E, R>,
  options: ResilientRedisOptions = {}
): Layer.Layer<Redis.Redis, Config.ConfigError, R> =>
  Layer.effect(
    Redis.Redis,
    Effect.gen(function* () {
      const settings = yield* Schema.decodeUnknownEffect(Settings)(
        {
          startTimeout: options.startTimeout ?? "1 second",
          maxRetryDelay: options.maxRetryDelay ?? "5 seconds"
        },
        { errors: "all" }
      ).pipe(Effect.mapError((error) => new Config.ConfigError(error)))
      const context = yield* Effect.context<R>()
      const maxRetryMillis = Duration.toMillis(settings.maxRetryDelay)

      let current: Redis.Redis["Service"] | undefined
      let connection: Scope.Closeable | undefined
      let pending: Scope.Closeable | undefined
      // Whether the process went on without Redis (a warning was logged): its attachment is then said too.
      let degraded = false
      const firstAttempt = yield* Deferred.make<void>()
      yield* Metric.modify(AuthMetrics.redisDetached, 1)

      /** Closes a connection's scope without waiting on it (a client may wait forever on a silent Redis). */
      const closeInBackground = (scope: Scope.Closeable) =>
        Effect.asVoid(Effect.forkDetach(Scope.close(scope, Exit.void)))

      /** One attempt: the application's layer built in a scope of its own, kept if it succeeds. */
      const attempt = Effect.gen(function* () {
        const scope = yield* Scope.make()
        // Closed by the finalizer if the layer is closed while this attempt is under way: a build is not
        // interrupted, but closing its scope tells the client to let go.
        pending = scope
        const exit = yield* Effect.exit(Layer.buildWithScope(redis, scope).pipe(Effect.provideContext(context)))
        pending = undefined
        if (Exit.isFailure(exit)) {
          yield* closeInBackground(scope)
          return yield* Effect.failCause(exit.cause)
        }
        connection = scope
        current = Context.get(exit.value, Redis.Redis)
        yield* Metric.modify(AuthMetrics.redisDetached, -1)
        if (degraded) {
          yield* Effect.logInfo(
            "téo Redis: connected; what this process kept to itself (token, rate budget, used partner links) is shared again"
          )
        }
      })

      const unavailable =
        "téo Redis: unavailable at start; this process keeps to itself what Redis shares (its own token, rate budget, used partner links) until Redis answers"

      /** Attempts until one succeeds; the first failure said in a warning (once), the others at debug level. */
      const connect = (retryMillis: number): Effect.Effect<void> =>
        Effect.exit(attempt).pipe(
          Effect.tap(() => Deferred.succeed(firstAttempt, undefined)),
          Effect.flatMap((exit) => {
            if (Exit.isSuccess(exit)) return Effect.void
            const said = degraded
            degraded = true
            return Metric.update(AuthMetrics.redisConnectFailures, 1).pipe(
              Effect.andThen(said ? Effect.logDebug("téo Redis: still unavailable") : Effect.logWarning(unavailable)),
              Effect.annotateLogs({ error: causeText(exit.cause) }),
              Effect.andThen(Effect.sleep(Duration.millis(retryMillis))),
              Effect.andThen(Effect.suspend(() => connect(Math.min(retryMillis * 2, maxRetryMillis))))
            )
          })
        )

      const connecting = yield* Effect.forkDetach(connect(Math.min(firstRetryMillis, maxRetryMillis)))
      yield* Effect.addFinalizer(() =>
        Effect.suspend(() => {
          // Not waited for: an attempt on a silent Redis may never end.
          connecting.interruptUnsafe()
          if (pending !== undefined)
            return Effect.andThen(closeInBackground(pending), Metric.modify(AuthMetrics.redisDetached, -1))
          if (connection !== undefined) return closeInBackground(connection)
          return Metric.modify(AuthMetrics.redisDetached, -1)
        })
      )

      // At start: the first attempt's outcome, or `startTimeout`, whichever comes first.
      const answered = yield* Deferred.await(firstAttempt).pipe(
        Effect.timeoutOption(settings.startTimeout),
        Effect.map((outcome) => outcome._tag === "Some")
      )
      if (!answered && !degraded) {
        degraded = true
        yield* Effect.logWarning(unavailable).pipe(
          Effect.annotateLogs({ error: `no answer within ${Duration.format(settings.startTimeout)}` })
        )
      }

      // Each command looks at the connection when it runs, not when it is built: an effect built
      // while detached and run (or retried) later uses the connection of that time.
      const send = <A = unknown>(command: string, ...args: ReadonlyArray<string>): Effect.Effect<A, Redis.RedisError> =>
        Effect.suspend(() => (current === undefined ? Effect.fail(notAttached()) : current.send<A>(command, ...args)))

      return Redis.Redis.of({
        send,
        eval:
          (script) =>
          (...params) =>
            Effect.suspend(() =>
              current === undefined ? Effect.fail(notAttached()) : current.eval(script)(...params)
            ),
        subscribe: (channel) =>
          Effect.suspend(() =>
            current !== undefined
              ? current.subscribe(channel)
              : Effect.flatMap(Queue.unbounded<Redis.RedisMessage, Redis.RedisError>(), (queue) =>
                  Effect.as(Queue.fail(queue, notAttached()), queue)
                )
          ),
        reserve: Effect.suspend(() => (current === undefined ? Effect.fail(notAttached()) : current.reserve))
      })
    })
  )
