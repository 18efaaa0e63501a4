/**
 * Answers of an OAuth2 token endpoint shaped like téo's (RFC 6749 bodies), for
 * a `ScriptedServer`.
 */
import type { RecordedRequest, Reply } from "./ScriptedServer.js"

/** A 200 token response as téo sends it. */
export const tokenReply = (accessToken: string, expiresIn = 599, extra: Record<string, unknown> = {}): Reply => ({
  status: 200,
  json: {
    access_token: accessToken,
    expires_in: expiresIn,
    scope: "target-entity:acme-formation",
    token_type: "Bearer",
    ...extra
  }
})

/** An RFC 6749 error response. */
export const oauthError = (status: number, error: string, description?: string): Reply => ({
  status,
  json: description === undefined ? { error } : { error, error_description: description }
})

/** Answers with `token-1`, `token-2`, … in turn, counting only the requests it answers. */
export const freshTokens = (expiresIn = 599) => {
  let issued = 0
  return (_request: RecordedRequest): Reply => tokenReply(`token-${++issued}`, expiresIn)
}
