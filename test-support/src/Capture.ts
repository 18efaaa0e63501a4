/**
 * Captures what a program emits — log lines at every level and spans with
 * their attributes — so tests can assert on it.
 */
import { inspect } from "node:util"
import { Effect, Logger, References, Tracer } from "effect"

export interface Captured {
  readonly logs: Array<string>
  readonly spans: Array<Tracer.NativeSpan>
}

/** Runs `effect` with debug logging and an in-memory tracer; returns what it emitted. */
export const capture = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const captured: Captured = { logs: [], spans: [] }
    const loggers = [Logger.formatLogFmt, Logger.formatJson].map((format) =>
      Logger.map(format, (line) => {
        captured.logs.push(line)
      })
    )
    const tracer = Tracer.make({
      span(options) {
        const span = new Tracer.NativeSpan(options)
        captured.spans.push(span)
        return span
      }
    })
    const result = yield* effect.pipe(
      Effect.provide(Logger.layer(loggers)),
      Effect.provideService(References.MinimumLogLevel, "Debug"),
      Effect.provideService(Tracer.Tracer, tracer)
    )
    return [result, captured] as const
  })

/** Everything captured as text: log lines, span names, attributes, events and status. */
export const capturedText = (captured: Captured): string =>
  [
    ...captured.logs,
    ...captured.spans.map((span) =>
      inspect(
        {
          name: span.name,
          attributes: Object.fromEntries(span.attributes),
          events: span._events ?? [],
          status: span.status
        },
        { depth: 10 }
      )
    )
  ].join("\n")
