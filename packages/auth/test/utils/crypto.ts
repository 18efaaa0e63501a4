/**
 * A Web Crypto that refuses one operation, as a runtime without an algorithm
 * does: give it to `WebCrypto.layer` (`effect/crypto`) to see what teo-effect
 * does when sealing or opening a token fails.
 */

/** `object[property]`, a method bound to `object`: what a proxy of a Web Crypto object hands out. */
const forward = (object: object, property: string | symbol): unknown => {
  const value: unknown = Reflect.get(object, property)
  return typeof value === "function" ? value.bind(object) : value
}

/** `globalThis.crypto`, except that `subtle[operation]` rejects with a `NotSupportedError`. */
export const refusing = (operation: keyof SubtleCrypto): Crypto => {
  const subtle = new Proxy(globalThis.crypto.subtle, {
    get: (object, property) =>
      property === operation
        ? () => Promise.reject(new DOMException(`${operation} is not supported here`, "NotSupportedError"))
        : forward(object, property)
  })
  return new Proxy(globalThis.crypto, {
    get: (object, property) => (property === "subtle" ? subtle : forward(object, property))
  })
}
