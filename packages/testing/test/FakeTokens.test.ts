/**
 * FakeTeo's access tokens: a token it signed opens, and the claims of a
 * payload are read only from a JSON object holding FakeTeo's fields —
 * anything else (not JSON, an array, a string, `null`, a `jti` that is no
 * number) is no token, never a throw.
 */
import { assert, describe, it } from "@effect/vitest"
import { claimsOf, makeSigner } from "../src/internal/FakeTokens.js"

const claims = { sub: "client-1", teoId: "teo-1", exp: 1_900_000_000, number: 7 }
const payload = (fields: Record<string, unknown>) =>
  JSON.stringify({ iss: "fake-teo", sub: "client-1", teo_id: "teo-1", iat: 1, exp: 1_900_000_000, jti: "7", ...fields })

describe("FakeTokens", () => {
  it("a token the signer made opens to its claims; another signer's, or an altered one, does not", () => {
    const signer = makeSigner()
    const token = signer.sign(claims, 1)
    assert.deepStrictEqual(signer.verify(token), claims)
    assert.isUndefined(makeSigner().verify(token))
    assert.isUndefined(signer.verify(`${token}.x`))
    assert.isUndefined(signer.verify(token.slice(0, -2)))
  })

  it("claims are read from FakeTeo's JSON object only", () => {
    assert.deepStrictEqual(claimsOf(payload({})), claims)
    for (const text of ["", "not json", "null", "[]", '["teo-1"]', '"teo-1"', "7", "true", "{", payload({}).slice(1)]) {
      assert.isUndefined(claimsOf(text), text)
    }
    for (const fields of [
      { teo_id: 1 },
      { sub: null },
      { exp: "1900000000" },
      { jti: "7.5" },
      { jti: "x" },
      { jti: { toString: "7" } },
      { jti: [{ valueOf: 1 }] }
    ]) {
      assert.isUndefined(claimsOf(payload(fields)), JSON.stringify(fields))
    }
  })
})
