/**
 * The HTTP rules shared by the token request and the API: Retry-After,
 * JSON media types, redirect targets, masking.
 */
import { assert, describe, it } from "@effect/vitest"
import { TeoHttp } from "@teo-effect/auth/internal"
import { Duration } from "effect"
import { Headers } from "effect/http"

const now = Date.parse("2026-11-27T10:00:00Z")
const retryAfter = (value: string) => TeoHttp.retryAfter(Headers.fromInput({ "retry-after": value }), now)

describe("retryAfter", () => {
  it("reads delta-seconds and HTTP dates, and ignores the rest", () => {
    assert.deepStrictEqual(retryAfter("120"), Duration.seconds(120))
    assert.deepStrictEqual(retryAfter(" 0 "), Duration.zero)
    assert.deepStrictEqual(retryAfter("Fri, 27 Nov 2026 10:00:30 GMT"), Duration.millis(30_000))
    assert.deepStrictEqual(retryAfter("Fri, 27 Nov 2026 09:00:00 GMT"), Duration.zero)
    assert.isUndefined(retryAfter("soon"))
    assert.isUndefined(retryAfter("-3"))
    assert.isUndefined(TeoHttp.retryAfter(Headers.empty, now))
  })
})

describe("isJson", () => {
  it("accepts JSON media types with parameters, and an absent header", () => {
    for (const type of [
      "application/json",
      "application/ld+json; charset=utf-8",
      "Application/Problem+JSON",
      undefined
    ]) {
      assert.isTrue(TeoHttp.isJson(type), String(type))
    }
    for (const type of ["text/html", "text/json", "application/jsonp", "application/octet-stream"]) {
      assert.isFalse(TeoHttp.isJson(type), type)
    }
  })
})

describe("redirectOrigin", () => {
  it("names the origin only, resolved against the request", () => {
    const at = (location: string) => TeoHttp.redirectOrigin(Headers.fromInput({ location }), "https://teoapp.fr/api/x")
    assert.strictEqual(at("https://evil.example/steal?token=abc"), "https://evil.example")
    assert.strictEqual(at("/login?next=1"), "https://teoapp.fr")
    assert.strictEqual(TeoHttp.redirectOrigin(Headers.empty, "https://teoapp.fr"), "an unnamed place")
  })
})

describe("mask", () => {
  it("replaces every occurrence of each secret, leaving short ones alone", () => {
    assert.strictEqual(TeoHttp.mask("bad s3cret, s3cret!", ["s3cret"]), "bad <redacted>, <redacted>!")
    assert.strictEqual(TeoHttp.mask("a b c", ["a"]), "a b c")
  })

  it("masks the other spellings of a secret: another letter case, percent-encoded, + for a space", () => {
    const secret = "S3cret+K/ey=42 x"
    const echoes = [
      "bad S3CRET+K/EY=42 X",
      `bad ${encodeURIComponent(secret)}`,
      `bad ${encodeURIComponent(secret).replaceAll("%20", "+")}`,
      `bad ${encodeURIComponent(secret).toLowerCase()}`
    ]
    for (const echo of echoes) assert.strictEqual(TeoHttp.mask(echo, [secret]), "bad <redacted>", echo)
    // Regular-expression characters in a secret are taken literally.
    assert.strictEqual(TeoHttp.mask("a.b.c.d axbxcxd", ["a.b.c.d"]), "<redacted> axbxcxd")
  })
})
