/**
 * FakeTeo's access tokens: JWTs signed with HS256 and a key drawn for each
 * run, carrying the instance they open (`teo_id`), their expiry and their
 * number (`jti`, so that `expireTokens` and `revokeTokens` can name "every
 * token issued so far").
 *
 * @internal
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"

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
      try {
        const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Record<string, unknown>
        const number = Number(payload.jti)
        return typeof payload.teo_id === "string" &&
          typeof payload.sub === "string" &&
          typeof payload.exp === "number" &&
          Number.isInteger(number)
          ? { sub: payload.sub, teoId: payload.teo_id, exp: payload.exp, number }
          : undefined
      } catch {
        return undefined
      }
    }
  }
}
