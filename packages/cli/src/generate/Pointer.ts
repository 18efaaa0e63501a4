/**
 * JSON pointers into the document (RFC 6901, as `$ref`s write them), and the
 * `$ref`s that use them.
 *
 * @since 0.4.0
 */

/**
 * `pointer` one key deeper: `child("#/paths", "/books")` is `#/paths/~1books`.
 *
 * @since 0.4.0
 */
export const child = (pointer: string, key: string | number): string =>
  `${pointer}/${String(key).replaceAll("~", "~0").replaceAll("/", "~1")}`

/**
 * One key of a pointer as it was: `~1` is `/`, `~0` is `~`, percent-escapes decoded.
 *
 * @since 0.4.0
 */
export const keyOf = (raw: string): string => {
  let decoded = raw
  try {
    decoded = decodeURIComponent(raw)
  } catch {
    // Not percent-encoded after all (a lone `%`): the key as written.
  }
  return decoded.replaceAll("~1", "/").replaceAll("~0", "~")
}

/**
 * The value at a local pointer (`#/components/schemas/Book`), or `undefined`.
 *
 * @since 0.4.0
 */
export const resolve = (document: unknown, pointer: string): unknown => {
  if (pointer === "#") return document
  if (!pointer.startsWith("#/")) return undefined
  let value: unknown = document
  for (const raw of pointer.slice(2).split("/")) {
    const key = keyOf(raw)
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) return undefined
    value = Object.getOwnPropertyDescriptor(value, key)?.value
  }
  return value
}
