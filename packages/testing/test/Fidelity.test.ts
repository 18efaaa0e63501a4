/**
 * FakeTeo as téo documents itself, checked with plain `fetch` and no library
 * code: téo's curl request for a token, the documented headers, shapes,
 * statuses and messages (docs/teo-api.md); its routing as API Platform's: a
 * known path asked with another method is a 405 (after the token, logged and
 * counted as any API request), an unknown path a 404 naming it, a trailing
 * slash ignored, an IRI's id read case-insensitively.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { FakeTeo, type RunningFakeTeo } from "@teo-effect/testing"

type Fake = RunningFakeTeo

let fake: Fake

beforeAll(async () => {
  fake = await FakeTeo.start({
    clients: [
      { clientId: "client-a", clientSecret: "secret-a", teoIds: ["instance-a"] },
      { clientId: "client-b", clientSecret: "secret-b", teoIds: ["instance-b"] }
    ]
  })
})

afterAll(() => fake.close())

/** téo's documented token request, as its curl example sends it. */
const requestToken = (clientId: string, secret: string, teoId: string, grantType = "client_credentials") =>
  fetch(fake.tokenUrl, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`
    },
    body: `grant_type=${grantType}&scope=target-entity:${teoId}`
  })

const tokenFor = async (clientId: string, secret: string, teoId: string): Promise<string> => {
  const body = (await (await requestToken(clientId, secret, teoId)).json()) as { access_token: string }
  return body.access_token
}

const getApi = (path: string, token: string | undefined, accept = "application/ld+json") =>
  fetch(`${fake.url}${path}`, {
    headers: { Accept: accept, ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }) }
  })

describe("the token endpoint", () => {
  it("answers téo's documented request with a JWT, expires_in 599, the scope and Bearer", async () => {
    const response = await requestToken("client-a", "secret-a", "instance-a")
    assert.strictEqual(response.status, 200)
    const body = (await response.json()) as Record<string, unknown>
    assert.deepStrictEqual(Object.keys(body).sort(), ["access_token", "expires_in", "scope", "token_type"])
    assert.strictEqual(body.expires_in, 599)
    assert.strictEqual(body.scope, "target-entity:instance-a")
    assert.strictEqual(body.token_type, "Bearer")
    const [header, payload, signature] = String(body.access_token).split(".")
    assert.isDefined(signature)
    assert.deepStrictEqual(JSON.parse(Buffer.from(header ?? "", "base64url").toString()), { alg: "HS256", typ: "JWT" })
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as Record<string, unknown>
    assert.strictEqual(claims.sub, "client-a")
    assert.strictEqual(claims.teo_id, "instance-a")
    assert.strictEqual((claims.exp as number) - (claims.iat as number), 599)
  })

  it("accepts the credentials as téo's examples send them and form-urlencoded first (RFC 6749 §2.3.1)", async () => {
    const encoded = Buffer.from("client%2Da:secret%2Da").toString("base64")
    const response = await fetch(fake.tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${encoded}` },
      body: "grant_type=client_credentials&scope=target-entity:instance-a"
    })
    assert.strictEqual(response.status, 200)
  })

  it("wrong or missing credentials → 401 invalid_client", async () => {
    const wrong = await requestToken("client-a", "nope", "instance-a")
    assert.strictEqual(wrong.status, 401)
    assert.strictEqual(((await wrong.json()) as { error: string }).error, "invalid_client")
    const missing = await fetch(fake.tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&scope=target-entity:instance-a"
    })
    assert.strictEqual(missing.status, 401)
    assert.strictEqual(((await missing.json()) as { error: string }).error, "invalid_client")
  })

  it("an instance the client may not open → 400 invalid_scope", async () => {
    const response = await requestToken("client-a", "secret-a", "instance-b")
    assert.strictEqual(response.status, 400)
    assert.strictEqual(((await response.json()) as { error: string }).error, "invalid_scope")
  })

  it("another grant → 400 unsupported_grant_type", async () => {
    const response = await requestToken("client-a", "secret-a", "instance-a", "password")
    assert.strictEqual(response.status, 400)
    assert.strictEqual(((await response.json()) as { error: string }).error, "unsupported_grant_type")
  })
})

describe("the API", () => {
  it("lists dossiers as a Hydra collection of 30, with links, in JSON-LD", async () => {
    const response = await getApi("/api/production/dossiers", await tokenFor("client-a", "secret-a", "instance-a"))
    assert.strictEqual(response.status, 200)
    assert.match(response.headers.get("content-type") ?? "", /^application\/ld\+json/)
    const body = (await response.json()) as Record<string, unknown>
    assert.strictEqual(body["@type"], "hydra:Collection")
    assert.strictEqual(body["hydra:totalItems"], 95)
    assert.lengthOf(body["hydra:member"] as Array<unknown>, 30)
    const view = body["hydra:view"] as Record<string, string>
    assert.strictEqual(view["hydra:next"], "/api/production/dossiers?page=2")
    assert.strictEqual(view["hydra:last"], "/api/production/dossiers?page=4")
    const first = (body["hydra:member"] as Array<Record<string, unknown>>)[0]
    assert.match(String(first?.["@id"]), /^\/api\/production\/dossiers\/[0-9a-f-]{36}$/)
    assert.strictEqual(first?.["@type"], "Dossier")
  })

  it("caps itemsPerPage at 100 and follows page", async () => {
    const token = await tokenFor("client-a", "secret-a", "instance-a")
    const body = (await (await getApi("/api/production/dossiers?page=2&itemsPerPage=500", token)).json()) as Record<
      string,
      unknown
    >
    assert.lengthOf(body["hydra:member"] as Array<unknown>, 0)
    const firstPage = (await (await getApi("/api/production/dossiers?itemsPerPage=500", token)).json()) as Record<
      string,
      unknown
    >
    assert.lengthOf(firstPage["hydra:member"] as Array<unknown>, 95)
  })

  it("a token only opens its own instance's data", async () => {
    const tokenA = await tokenFor("client-a", "secret-a", "instance-a")
    const tokenB = await tokenFor("client-b", "secret-b", "instance-b")
    const page = async (token: string) => {
      const response = await getApi("/api/production/dossiers", token)
      assert.strictEqual(response.status, 200)
      const members = ((await response.json()) as { "hydra:member": Array<{ "@id": string }> })["hydra:member"]
      assert.lengthOf(members, 30)
      return members.map((item) => item["@id"])
    }
    const idsOfA = await page(tokenA)
    const idsOfB = new Set(await page(tokenB))
    assert.isTrue(idsOfA.every((id) => !idsOfB.has(id)))
    const [other] = idsOfB
    assert.match(other ?? "", /^\/api\/production\/dossiers\/[0-9a-f-]{36}$/)
    // B's dossier: found with B's token, not with A's.
    assert.strictEqual((await getApi(other ?? "", tokenB)).status, 200)
    assert.strictEqual((await getApi(other ?? "", tokenA)).status, 404)
  })

  it("401 with téo's documented messages, as Hydra errors", async () => {
    const description = async (response: Response) => {
      assert.strictEqual(response.status, 401)
      const body = (await response.json()) as Record<string, unknown>
      assert.strictEqual(body["@type"], "hydra:Error")
      return body["hydra:description"]
    }
    assert.strictEqual(
      await description(await getApi("/api/production/dossiers", undefined)),
      "No authorization header found"
    )
    assert.strictEqual(await description(await getApi("/api/production/dossiers", "not.a.jwt")), "Invalid token")
    const token = await tokenFor("client-a", "secret-a", "instance-a")
    fake.expireTokens()
    assert.strictEqual(await description(await getApi("/api/production/dossiers", token)), "Expired token")
    const fresh = await tokenFor("client-a", "secret-a", "instance-a")
    assert.strictEqual((await getApi("/api/production/dossiers", fresh)).status, 200)
  })

  it("an unknown dossier → 404 Hydra error; another Accept → 406", async () => {
    const token = await tokenFor("client-a", "secret-a", "instance-a")
    const missing = await getApi("/api/production/dossiers/0b6c6f0e-8f1a-4c5e-9d2b-000000000000", token)
    assert.strictEqual(missing.status, 404)
    assert.strictEqual(((await missing.json()) as Record<string, unknown>)["@type"], "hydra:Error")
    const html = await getApi("/api/production/dossiers", token, "text/html")
    assert.strictEqual(html.status, 406)
  })

  it("GET /api is the entrypoint", async () => {
    const body = (await (await getApi("/api", await tokenFor("client-a", "secret-a", "instance-a"))).json()) as Record<
      string,
      unknown
    >
    assert.strictEqual(body["@type"], "Entrypoint")
    assert.strictEqual(body.dossier, "/api/production/dossiers")
  })

  it("a create with bad data → 422 with violations in French", async () => {
    const response = await fetch(`${fake.apiUrl}/production/dossiers`, {
      method: "POST",
      headers: {
        Accept: "application/ld+json",
        "Content-Type": "application/ld+json",
        Authorization: `Bearer ${await tokenFor("client-a", "secret-a", "instance-a")}`
      },
      // The rules of @teo-effect/api's NewDossier (blank, missing, email), then the prestation's existence.
      body: JSON.stringify({ firstName: " ", email: "pas-un-email", serviceId: "00000000-0000-4000-8000-000000000000" })
    })
    assert.strictEqual(response.status, 422)
    const body = (await response.json()) as { violations: Array<{ propertyPath: string; message: string }> }
    assert.deepStrictEqual(
      body.violations.map((violation) => [violation.propertyPath, violation.message]),
      [
        ["firstName", "Cette valeur ne doit pas être vide."],
        ["lastName", "Cette valeur ne doit pas être vide."],
        ["email", "Cette valeur n'est pas une adresse email valide."],
        ["serviceId", "Cette prestation n'existe pas."]
      ]
    )
  })
})

describe("routing, as API Platform's", () => {
  let token: string
  let dossier: string

  beforeAll(async () => {
    token = await tokenFor("client-a", "secret-a", "instance-a")
    const page = await getApi("/api/production/dossiers", token)
    dossier = ((await page.json()) as { "hydra:member": Array<{ "@id": string }> })["hydra:member"][0]?.["@id"] ?? ""
  })

  /** Status, content type and what the body says (Hydra's description, OAuth's error, or the JSON-LD type). */
  const ask = async (method: string, path: string, authorized = true) => {
    const response = await fetch(`${fake.url}${path}`, {
      method,
      headers: authorized ? { Authorization: `Bearer ${token}` } : {}
    })
    const body = (await response.json()) as Record<string, unknown>
    return [
      response.status,
      response.headers.get("content-type"),
      body["hydra:description"] ?? body.error ?? body["@type"]
    ] as const
  }

  const ld = "application/ld+json; charset=utf-8"

  it("a known path with another method: 405, Hydra, the path as asked; the token is checked first", async () => {
    assert.deepStrictEqual(await ask("POST", "/api"), [405, ld, 'No route found for "POST /api": Method Not Allowed'])
    assert.deepStrictEqual(await ask("PUT", "/api/"), [405, ld, 'No route found for "PUT /api/": Method Not Allowed'])
    const head = await fetch(`${fake.url}/api`, { method: "HEAD", headers: { Authorization: `Bearer ${token}` } })
    assert.strictEqual(head.status, 405)
    assert.deepStrictEqual(await ask("DELETE", "/api/production/dossiers"), [
      405,
      ld,
      'No route found for "DELETE /api/production/dossiers": Method Not Allowed'
    ])
    assert.deepStrictEqual(await ask("PATCH", dossier), [
      405,
      ld,
      `No route found for "PATCH ${dossier}": Method Not Allowed`
    ])
    assert.deepStrictEqual(await ask("POST", "/api/production/prestations"), [
      405,
      ld,
      'No route found for "POST /api/production/prestations": Method Not Allowed'
    ])
    assert.deepStrictEqual(await ask("DELETE", `/api/production/prestations/${fake.prestationIds[0]}`), [
      405,
      ld,
      `No route found for "DELETE /api/production/prestations/${fake.prestationIds[0]}": Method Not Allowed`
    ])
    assert.deepStrictEqual(await ask("DELETE", dossier, false), [401, ld, "No authorization header found"])
  })

  it("an unknown path: 404 naming it without its trailing slash, after the token", async () => {
    assert.deepStrictEqual(await ask("GET", "/api/nope"), [404, ld, 'No route found for "GET /api/nope"'])
    assert.deepStrictEqual(await ask("POST", "/api/nope/"), [404, ld, 'No route found for "POST /api/nope"'])
    assert.deepStrictEqual(await ask("GET", `${dossier}/more`), [404, ld, `No route found for "GET ${dossier}/more"`])
    assert.deepStrictEqual(await ask("POST", "/.well-known/jwks.json"), [
      404,
      ld,
      'No route found for "POST /.well-known/jwks.json"'
    ])
    assert.deepStrictEqual(await ask("GET", "/elsewhere", false), [401, ld, "No authorization header found"])
  })

  it("an IRI: its id case-insensitive, a trailing slash ignored, query ignored; an id that is not one: 404", async () => {
    assert.deepStrictEqual(
      await ask(
        "GET",
        dossier.replace(/[0-9a-f-]+$/, (id) => id.toUpperCase())
      ),
      [200, ld, "Dossier"]
    )
    assert.deepStrictEqual(await ask("GET", `${dossier}/`), [200, ld, "Dossier"])
    assert.deepStrictEqual(await ask("GET", `${dossier}?page=2`), [200, ld, "Dossier"])
    assert.deepStrictEqual(await ask("GET", "/api/production/dossiers/D-2024-0001"), [404, ld, "Not Found"])
    assert.deepStrictEqual(await ask("GET", "/api/production/prestations/nope"), [404, ld, "Not Found"])
    assert.deepStrictEqual(await ask("GET", `/api/production/prestations/${fake.prestationIds[0]}/`), [
      200,
      ld,
      "Prestation"
    ])
    assert.deepStrictEqual(await ask("GET", "/api/"), [200, ld, "Entrypoint"])
    assert.deepStrictEqual(await ask("GET", "/api/production/dossiers/"), [200, ld, "hydra:Collection"])
  })

  it("the token endpoint and FakeTeo's control answer another method in their own shapes", async () => {
    assert.deepStrictEqual(await ask("GET", "/oauth2/token", false), [405, "application/json", "invalid_request"])
    assert.deepStrictEqual(await ask("GET", "/_fake/partner-links", false), [
      405,
      ld,
      'No route found for "GET /_fake/partner-links": Method Not Allowed'
    ])
    const jwks = await fetch(`${fake.url}/.well-known/jwks.json/`)
    assert.strictEqual(jwks.status, 200)
    assert.strictEqual(jwks.headers.get("content-type"), "application/jwk-set+json")
  })

  it("a 405 is an API request: logged, counted, and subject to injected failures", async () => {
    fake.reset()
    await ask("POST", "/api")
    fake.failNext("api", 1, "503")
    assert.deepStrictEqual(await ask("POST", "/api"), [503, ld, "Service Unavailable"])
    await ask("GET", "/oauth2/token", false)
    assert.deepStrictEqual(
      fake.requests().map((request) => [request.method, request.path, request.status]),
      [
        ["POST", "/api", 405],
        ["POST", "/api", 503],
        ["GET", "/oauth2/token", 405]
      ]
    )
    assert.deepStrictEqual(fake.stats().apiByStatus, { "405": 1, "503": 1 })
  })
})
