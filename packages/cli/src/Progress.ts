/**
 * The progress line of long commands (`teo dossiers list`): one line on
 * stderr, rewritten in place, shown only when stderr is a terminal, and
 * erased before the data is printed.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"

/**
 * @since 0.1.0
 * @category services
 */
export class Progress extends Context.Service<
  Progress,
  {
    /** Whether a progress line is shown at all (stderr is a terminal). */
    readonly enabled: boolean
    /** Replaces the progress line with `line`. */
    readonly show: (line: string) => Effect.Effect<void>
    /** Erases the progress line, if one was shown. */
    readonly clear: Effect.Effect<void>
  }
>()("@teo-effect/cli/Progress") {
  /**
   * On the process's stderr, when it is a terminal; nothing otherwise.
   *
   * @since 0.1.0
   */
  static readonly layerStderr: Layer.Layer<Progress> = Layer.sync(Progress, () => {
    const stderr = process.stderr
    let shown = false
    return Progress.of({
      enabled: stderr.isTTY === true,
      show: (line) =>
        Effect.sync(() => {
          if (stderr.isTTY !== true) return
          stderr.write(`\r\x1b[2K${line}`)
          shown = true
        }),
      clear: Effect.sync(() => {
        if (shown) stderr.write("\r\x1b[2K")
        shown = false
      })
    })
  })

  /**
   * No progress line (embedding, tests).
   *
   * @since 0.1.0
   */
  static readonly layerNone: Layer.Layer<Progress> = Layer.succeed(
    Progress,
    Progress.of({ enabled: false, show: () => Effect.void, clear: Effect.void })
  )
}
