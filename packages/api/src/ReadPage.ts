/**
 * One page of a whole-collection read (`TeoApi.pages`, `Dossiers.pages`):
 * its items, how far the read has come, and the cursor a later read can
 * start from.
 *
 * @since 0.3.0
 */

/**
 * How far a read has come, counted from where it started.
 *
 * @since 0.3.0
 * @category models
 */
export interface ReadProgress {
  /** Pages read so far, this one included. */
  readonly pages: number
  /** Pages this read will read, once the first page has said where the collection ends. */
  readonly totalPages: number | undefined
  /** Items emitted so far, this page's included. */
  readonly items: number
  /** The collection's size as téo last gave it (`totalItems`), when it does. */
  readonly totalItems: number | undefined
}

/**
 * One page of a read, in the order the read emits them.
 *
 * @since 0.3.0
 * @category models
 */
export interface ReadPage<A> {
  /** The page's items, those already emitted in this read (same `@id`) left out. */
  readonly items: ReadonlyArray<A>
  readonly progress: ReadProgress
  /**
   * Where a later read starts to read on from this page (`{ from: cursor }`):
   * the IRI of the first page not read yet, `undefined` once the collection
   * has been read to its end. With `ordered: false`, the first page not read
   * yet may come before pages already read, which a later read reads again.
   */
  readonly cursor: string | undefined
}
