import { Effect, Ref } from "effect"
import { type Answer, oauthError } from "./Answers.js"
import type { Fake, Handler } from "./Fake.js"
import * as FakeState from "./FakeState.js"
import { safeEqual } from "./FakeTokens.js"

/** `application/x-www-form-urlencoded` decoding of one value; `undefined` when it is not valid. */
const formDecode = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined
  try {
    return decodeURIComponent(value.replaceAll("+", " "))
  } catch {
    return undefined
  }
}

/** The answer of the token endpoint to another method than POST. */
export const tokenNotAllowed: Handler = () =>
  Effect.succeed(oauthError(405, "invalid_request", "The token endpoint only accepts POST"))

/** The token endpoint's handler (`POST`) for `fake`. */
export const tokenEndpoint = (fake: Fake): Handler => {
  const { config, state } = fake
  const token: Handler = (request, _url, body) => {
    const match = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? "")
    const decoded = match?.[1] === undefined ? undefined : Buffer.from(match[1], "base64").toString("utf8")
    const colon = decoded?.indexOf(":") ?? -1
    const clientId = decoded === undefined || colon < 0 ? undefined : decoded.slice(0, colon)
    const secret = decoded === undefined || colon < 0 ? undefined : decoded.slice(colon + 1)
    // As sent (téo's examples) or form-urlencoded first (RFC 6749 §2.3.1, as oauth4webapi does): both are accepted.
    const client = config.clients.find(
      (candidate) => candidate.clientId === clientId || candidate.clientId === formDecode(clientId)
    )
    if (
      client === undefined ||
      secret === undefined ||
      !(safeEqual(secret, client.clientSecret) || safeEqual(formDecode(secret) ?? "", client.clientSecret))
    ) {
      return Effect.succeed(oauthError(401, "invalid_client", "Invalid client authentication"))
    }
    const form = new URLSearchParams(body)
    if (form.get("grant_type") !== "client_credentials") {
      return Effect.succeed(oauthError(400, "unsupported_grant_type", "Only the client_credentials grant is supported"))
    }
    const scope = form.get("scope") ?? ""
    const teoId = scope.startsWith("target-entity:") ? scope.slice("target-entity:".length) : undefined
    return Ref.modify(state, (current): readonly [Answer, FakeState.FakeState] => {
      if (teoId === undefined || !client.teoIds.includes(teoId) || !current.instances.has(teoId)) {
        return [oauthError(400, "invalid_scope", `Invalid scope: ${scope}`), current]
      }
      const [number, next] = FakeState.issue(current)
      const now = Math.floor(config.now() / 1000)
      const accessToken = fake.signer.sign(
        { sub: client.clientId, teoId, exp: now + config.tokenTtlSeconds, number },
        now
      )
      return [
        {
          status: 200,
          headers: {
            "content-type": "application/json",
            ...(config.profile === "rich" ? { "cache-control": "no-store" } : {})
          },
          body: { access_token: accessToken, expires_in: config.tokenTtlSeconds, scope, token_type: "Bearer" }
        },
        next
      ]
    })
  }
  return token
}
