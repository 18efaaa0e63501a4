/**
 * A JWS in compact serialization (RFC 7515 §7.1), read strictly: at most
 * `maxLength` characters, three segments of canonical base64url — no padding,
 * no whitespace, no unused bits set in the last character — and a header and
 * a payload that are JSON objects. So one signed content has one spelling:
 * `signingInput` identifies what was signed, whatever the signature's twin.
 *
 * @internal
 */
import { Predicate, Result, Schema } from "effect"
import { Base64Url } from "effect/encoding"

/** A compact JWS taken apart; the signature not verified yet. */
export interface CompactJws {
  readonly header: Readonly<Record<string, unknown>>
  readonly payload: Readonly<Record<string, unknown>>
  /** `<header>.<payload>` as received: the bytes the signature covers. */
  readonly signingInput: string
  readonly signature: Uint8Array<ArrayBuffer>
}

/** The longest partner link read at all: 8 KiB (téo's links are a few hundred characters). */
export const maxLength = 8 * 1024

const alphabet = /^[A-Za-z0-9_-]*$/

/** One segment's bytes, only when `segment` is their one canonical base64url spelling. */
const canonicalBytes = (segment: string): Uint8Array<ArrayBuffer> | undefined => {
  if (!alphabet.test(segment)) return undefined
  const decoded = Base64Url.decode(segment)
  if (Result.isFailure(decoded) || Base64Url.encode(decoded.success) !== segment) return undefined
  return new Uint8Array(decoded.success)
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

/** Any JSON value, or a failure when the text is not JSON. */
const decodeJson = Schema.decodeUnknownResult(Schema.fromJsonString(Schema.Unknown))

/** A segment's JSON object, or why not. */
const jsonObject = (bytes: Uint8Array, what: string): Result.Result<Readonly<Record<string, unknown>>, string> =>
  Result.try(() => utf8.decode(bytes)).pipe(
    Result.flatMap(decodeJson),
    Result.mapError(() => `its ${what} is not UTF-8 JSON`),
    Result.flatMap((value) =>
      Predicate.isObject(value) ? Result.succeed(value) : Result.fail(`its ${what} is not a JSON object`)
    )
  )

/** `token` taken apart, or a sentence saying why it is not a canonical compact JWS. */
export const parse = (token: string): Result.Result<CompactJws, string> => {
  if (token.length > maxLength) return Result.fail(`it is longer than ${maxLength} characters`)
  const [headerPart, payloadPart, signaturePart, ...more] = token.split(".")
  if (headerPart === undefined || payloadPart === undefined || signaturePart === undefined || more.length > 0) {
    return Result.fail("it does not have three dot-separated parts")
  }
  const headerBytes = canonicalBytes(headerPart)
  const payloadBytes = canonicalBytes(payloadPart)
  const signature = canonicalBytes(signaturePart)
  if (headerBytes === undefined || payloadBytes === undefined || signature === undefined) {
    return Result.fail("a part is not canonical base64url (no padding, no whitespace, no stray bits)")
  }
  return Result.flatMap(jsonObject(headerBytes, "header"), (header) =>
    Result.map(jsonObject(payloadBytes, "payload"), (payload) => ({
      header,
      payload,
      signingInput: `${headerPart}.${payloadPart}`,
      signature
    }))
  )
}
