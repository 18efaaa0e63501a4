/**
 * Why `teo generate` could not generate: where in the document (a JSON
 * pointer) and what is wrong there.
 *
 * @since 0.4.0
 */
import { Schema } from "effect"

/**
 * A document `teo generate` cannot read: not OpenAPI 3.x, not API Platform's,
 * or broken at `at` (a JSON pointer, `#/paths/~1books/get`).
 *
 * @since 0.4.0
 * @category errors
 */
export class GenerateError extends Schema.TaggedError<GenerateError>()("GenerateError", {
  /** The document: its file or URL. */
  source: Schema.String,
  /** Where in it, as a JSON pointer (`#` for the whole document). */
  at: Schema.String,
  /** What is wrong there. */
  problem: Schema.String
}) {
  override get message(): string {
    return `${this.source} at ${this.at}: ${this.problem}`
  }
}
