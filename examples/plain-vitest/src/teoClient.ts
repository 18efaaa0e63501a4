/**
 * A small téo client written without Effect, as many existing projects have:
 * a token (cached until a minute before expiry, like téo's own sample) and
 * the names of the first dossiers.
 */
export interface TeoEnv {
  readonly TEO_CLIENT_ID: string
  readonly TEO_CLIENT_SECRET: string
  readonly TEO_ID: string
  readonly TEO_AUTH_URL: string
  readonly TEO_API_URL: string
}

/** `token` replaces the token request (a secrets vault, a test). */
export const makeTeoClient = (env: TeoEnv, options: { readonly token?: () => Promise<string> } = {}) => {
  let cache: { token: string; expiresAt: number } | undefined
  const requestToken = async (): Promise<string> => {
    if (cache !== undefined && Date.now() < cache.expiresAt - 60_000) return cache.token
    const response = await fetch(env.TEO_AUTH_URL, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `Basic ${Buffer.from(`${env.TEO_CLIENT_ID}:${env.TEO_CLIENT_SECRET}`).toString("base64")}`
      },
      body: `grant_type=client_credentials&scope=target-entity:${env.TEO_ID}`
    })
    if (!response.ok) throw new Error(`téo refused the token request: HTTP ${response.status}`)
    const body = (await response.json()) as { access_token: string; expires_in: number }
    cache = { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 }
    return cache.token
  }
  const token = options.token ?? requestToken
  return {
    /** "Lastname Firstname" of the first `count` dossiers. */
    dossierNames: async (count: number): Promise<Array<string>> => {
      const response = await fetch(`${env.TEO_API_URL}/production/dossiers?itemsPerPage=${count}`, {
        headers: { Authorization: `Bearer ${await token()}`, Accept: "application/ld+json" }
      })
      if (!response.ok) throw new Error(`téo answered HTTP ${response.status}`)
      const body = (await response.json()) as { "hydra:member": Array<{ lastName?: string; firstName?: string }> }
      return body["hydra:member"].map((dossier) => `${dossier.lastName ?? ""} ${dossier.firstName ?? ""}`.trim())
    }
  }
}
