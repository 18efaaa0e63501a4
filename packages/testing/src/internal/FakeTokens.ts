/**
 * FakeTeo's access tokens: JWTs signed with HS256 and a key drawn for each
 * run, carrying the instance they open (`teo_id`), their expiry and their
 * number (`jti`, so that `expireTokens` and `revokeTokens` can name "every
 * token issued so far").
 *
 * @internal
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import { Option, Predicate, Result, Schema } from "effect"

export interface Claims {
  readonly sub: string
  readonly teoId: string
  /** Seconds since the epoch. */
  readonly exp: number
  readonly number: number
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url")

/** `a` and `b` compared in constant time. */
export const safeEqual = (a: string, b: string): boolean => {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** A JSON object, or nothing (not JSON, or an array, a string, `null`… at the top). */
const decodeJsonObject = Schema.decodeUnknownOption(Schema.fromJsonString(Schema.Record(Schema.String, Schema.Unknown)))

/** The claims of a signed payload, or `undefined` when it does not hold FakeTeo's. */
export const claimsOf = (text: string): Claims | undefined =>
  Option.getOrUndefined(
    Option.flatMap(decodeJsonObject(text), ({ sub, teo_id: teoId, exp, jti }) => {
      // `Number` as FakeTeo reads its own `jti` (a number in text); a value that cannot become one is NaN, not a throw.
      const number = Option.getOrElse(Result.getSuccess(Result.try(() => Number(jti))), () => Number.NaN)
      return Predicate.isString(teoId) && Predicate.isString(sub) && Predicate.isNumber(exp) && Number.isInteger(number)
        ? Option.some({ sub, teoId, exp, number })
        : Option.none()
    })
  )

export interface Signer {
  readonly sign: (claims: Claims, issuedAt: number) => string
  /** The claims of a token this signer made, or `undefined`. */
  readonly verify: (token: string) => Claims | undefined
}

export const makeSigner = (): Signer => {
  const key = randomBytes(32)
  const mac = (input: string) => createHmac("sha256", key).update(input).digest("base64url")
  return {
    sign: (claims, issuedAt) => {
      const head = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))
      const body = base64url(
        JSON.stringify({
          iss: "fake-teo",
          sub: claims.sub,
          teo_id: claims.teoId,
          iat: issuedAt,
          exp: claims.exp,
          jti: String(claims.number)
        })
      )
      return `${head}.${body}.${mac(`${head}.${body}`)}`
    },
    verify: (token) => {
      const [head, body, signature, ...rest] = token.split(".")
      if (head === undefined || body === undefined || signature === undefined || rest.length > 0) return undefined
      if (!safeEqual(signature, mac(`${head}.${body}`))) return undefined
      return claimsOf(Buffer.from(body, "base64url").toString("utf8"))
    }
  }
}
