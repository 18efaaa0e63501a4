/**
 * FakeTeo's HTTP server: téo's token endpoint and API on one origin, as téo
 * documents them, with fault injection. Plain `node:http`; the Effect and
 * Promise faces are in `FakeTeo.ts`.
 *
 * @internal
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import type { FakeDossier, FakePrestation } from "../FakeData.js"
import { random } from "../FakeData.js"

export interface Faults {
  /** Added before every answer, in milliseconds. */
  readonly latency?: number
  /** Probability (0–1) of a 500 or 503 answer. */
  readonly errorRate?: number
  /** Probability of a reset connection. */
  readonly resetRate?: number
  /** Probability of a 200 whose JSON body is cut short. */
  readonly malformedRate?: number
  /** When set, a success body is sent in two halves this many milliseconds apart. */
  readonly slowBody?: number
  /** Probability of a 429 with a `Retry-After` of 0 or 1 second. */
  readonly rateLimitRate?: number
  /** Probability of a latency spike of `latencySpike` milliseconds (default 200). */
  readonly latencySpikeRate?: number
  readonly latencySpike?: number
}

export type InjectedFailure = "500" | "503" | "429" | "reset" | "malformed"

export interface ClientConfig {
  readonly clientId: string
  readonly clientSecret: string
  readonly teoIds: ReadonlyArray<string>
}

export interface Instance {
  readonly dossiers: Array<FakeDossier>
  readonly prestations: ReadonlyArray<FakePrestation>
}

export interface ServerConfig {
  readonly port: number
  readonly clients: ReadonlyArray<ClientConfig>
  readonly tokenTtlSeconds: number
  readonly instances: Map<string, Instance>
  readonly keyStyle: "prefixed" | "unprefixed"
  rateLimit: { readonly requests: number; readonly windowMillis: number } | undefined
  faults: { token: Faults; api: Faults }
  readonly seed: number
  readonly now: () => number
}

export interface LoggedRequest {
  readonly at: number
  readonly method: string
  readonly path: string
  readonly status: number | "reset"
  /** The scheme only: `Bearer <redacted>`, `Basic <redacted>`, or absent. */
  readonly authorization?: string
}

export interface Stats {
  readonly tokenRequests: number
  readonly tokensIssued: number
  readonly apiRequests: number
  readonly apiByStatus: Readonly<Record<string, number>>
}

type Answer =
  | { readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> }
  | { readonly reset: true }

const LD_JSON = "application/ld+json; charset=utf-8"
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

const hydraError = (status: number, description: string, extra: Record<string, unknown> = {}): Answer => ({
  status,
  headers: { "content-type": LD_JSON },
  body: {
    "@context": "/api/contexts/Error",
    "@type": "hydra:Error",
    "hydra:title": "An error occurred",
    "hydra:description": description,
    ...extra
  }
})

const oauthError = (status: number, error: string, description: string): Answer => ({
  status,
  headers: {
    "content-type": "application/json",
    ...(status === 401 ? { "www-authenticate": 'Basic realm="téo"' } : {})
  },
  body: { error, error_description: description }
})

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url")

export class FakeTeoServer {
  readonly #config: ServerConfig
  readonly #server: Server
  readonly #key = randomBytes(32)
  readonly #next: () => number
  #origin = ""
  #issued = 0
  #expiredUpTo = 0
  #revokedUpTo = 0
  #window = { start: 0, count: 0 }
  #injected: { token: Array<InjectedFailure>; api: Array<InjectedFailure> } = { token: [], api: [] }
  #log: Array<LoggedRequest> = []
  #stats = { tokenRequests: 0, apiRequests: 0, apiByStatus: {} as Record<string, number> }

  constructor(config: ServerConfig) {
    this.#config = config
    this.#next = random(config.seed)
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500)
        res.end()
      })
    })
  }

  get origin(): string {
    return this.#origin
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject)
      this.#server.listen(this.#config.port, "127.0.0.1", () => {
        const { port } = this.#server.address() as AddressInfo
        this.#origin = `http://127.0.0.1:${port}`
        resolve()
      })
    })
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections()
      this.#server.close(() => resolve())
    })
  }

  /** Every token issued so far is now expired. */
  expireTokens(): void {
    this.#expiredUpTo = this.#issued
  }

  /** Every token issued so far is now invalid (as if revoked). */
  revokeTokens(): void {
    this.#revokedUpTo = this.#issued
  }

  /** The next `count` requests to `side` fail with `failure`. */
  failNext(side: "token" | "api", count: number, failure: InjectedFailure): void {
    for (let i = 0; i < count; i++) this.#injected[side].push(failure)
  }

  configure(changes: {
    readonly faults?: { readonly token?: Faults; readonly api?: Faults }
    readonly rateLimit?: ServerConfig["rateLimit"] | null
  }): void {
    if (changes.faults?.token !== undefined) this.#config.faults.token = changes.faults.token
    if (changes.faults?.api !== undefined) this.#config.faults.api = changes.faults.api
    if (changes.rateLimit !== undefined) this.#config.rateLimit = changes.rateLimit ?? undefined
  }

  /** Forgets stats, the log, injected failures, expiries, revocations and created dossiers. */
  reset(initial: Map<string, Instance>): void {
    this.#revokedUpTo = 0
    this.#expiredUpTo = 0
    this.#window = { start: 0, count: 0 }
    this.#injected = { token: [], api: [] }
    this.#log = []
    this.#stats = { tokenRequests: 0, apiRequests: 0, apiByStatus: {} }
    for (const [teoId, instance] of initial) {
      const current = this.#config.instances.get(teoId)
      if (current !== undefined) current.dossiers.splice(0, current.dossiers.length, ...instance.dossiers)
    }
  }

  stats(): Stats {
    return {
      tokenRequests: this.#stats.tokenRequests,
      tokensIssued: this.#issued,
      apiRequests: this.#stats.apiRequests,
      apiByStatus: { ...this.#stats.apiByStatus }
    }
  }

  requests(): ReadonlyArray<LoggedRequest> {
    return [...this.#log]
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await new Promise<string>((resolve) => {
      const chunks: Array<Buffer> = []
      req.on("data", (chunk: Buffer) => chunks.push(chunk))
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    })
    const url = new URL(req.url ?? "/", "http://fake.invalid")
    const side = url.pathname === "/oauth2/token" ? "token" : "api"
    const faults = this.#config.faults[side]
    const spike =
      faults.latencySpikeRate !== undefined && faults.latencySpikeRate > 0 && this.#next() < faults.latencySpikeRate
        ? (faults.latencySpike ?? 200)
        : 0
    const delay = (faults.latency ?? 0) + spike
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
    const answer = this.#fault(side, faults) ?? (side === "token" ? this.#token(req, body) : this.#api(req, url, body))
    const scheme = req.headers.authorization?.split(" ")[0]
    const status = "reset" in answer ? ("reset" as const) : answer.status
    // The log keeps the last 10,000 requests: a FakeTeo left running must not grow without bound.
    if (this.#log.length >= 10_000) this.#log.shift()
    this.#log.push({
      at: this.#config.now(),
      method: req.method ?? "",
      path: `${url.pathname}${url.search}`,
      status,
      ...(scheme === undefined ? {} : { authorization: `${scheme} <redacted>` })
    })
    if (side === "token") this.#stats.tokenRequests++
    else {
      this.#stats.apiRequests++
      this.#stats.apiByStatus[String(status)] = (this.#stats.apiByStatus[String(status)] ?? 0) + 1
    }
    await this.#send(req, res, answer, faults)
  }

  /** An injected failure or a random fault, if one applies to this request. */
  #fault(side: "token" | "api", faults: Faults): Answer | undefined {
    const injected = this.#injected[side].shift()
    const roll = (rate: number | undefined) => rate !== undefined && rate > 0 && this.#next() < rate
    const failure: InjectedFailure | undefined =
      injected ??
      (roll(faults.resetRate)
        ? "reset"
        : roll(faults.errorRate)
          ? this.#next() < 0.5
            ? "500"
            : "503"
          : roll(faults.malformedRate)
            ? "malformed"
            : roll(faults.rateLimitRate)
              ? "429"
              : undefined)
    switch (failure) {
      case undefined:
        return undefined
      case "reset":
        return { reset: true }
      case "malformed":
        return {
          status: 200,
          headers: { "content-type": side === "token" ? "application/json" : LD_JSON },
          body: Symbol.for("malformed")
        }
      case "429":
        return this.#rateLimited(injected === undefined ? Math.floor(this.#next() * 2) : 1)
      default:
        return side === "token"
          ? oauthError(Number(failure), "server_error", "The authorization server is temporarily unavailable")
          : hydraError(Number(failure), failure === "503" ? "Service Unavailable" : "Internal Server Error")
    }
  }

  #rateLimited(seconds: number): Answer {
    return {
      ...hydraError(429, "Too Many Requests"),
      headers: { "content-type": LD_JSON, "retry-after": String(seconds) }
    } as Answer
  }

  async #send(req: IncomingMessage, res: ServerResponse, answer: Answer, faults: Faults): Promise<void> {
    if ("reset" in answer) {
      req.socket.destroy()
      return
    }
    const text =
      answer.body === undefined
        ? ""
        : answer.body === Symbol.for("malformed")
          ? `{"hydra:member": [{"@id": "/api/production/dossiers/`
          : JSON.stringify(answer.body)
    const slow = faults.slowBody !== undefined && faults.slowBody > 0 && text.length > 1 && answer.status < 300
    // A whole body is announced with its length, as servers that buffer their JSON do; a slow one is chunked.
    res.writeHead(
      answer.status,
      slow ? (answer.headers ?? {}) : { ...answer.headers, "content-length": Buffer.byteLength(text) }
    )
    if (slow) {
      const half = Math.floor(text.length / 2)
      res.write(text.slice(0, half))
      await new Promise((resolve) => setTimeout(resolve, faults.slowBody))
      res.end(text.slice(half))
      return
    }
    res.end(text)
  }

  // ---------------------------------------------------------------------------
  // The token endpoint (POST /oauth2/token), as téo's authentication page says.
  // ---------------------------------------------------------------------------

  #token(req: IncomingMessage, body: string): Answer {
    if (req.method !== "POST") return oauthError(405, "invalid_request", "The token endpoint only accepts POST")
    const header = req.headers.authorization ?? ""
    const match = /^Basic\s+(.+)$/i.exec(header)
    const decoded = match?.[1] === undefined ? undefined : Buffer.from(match[1], "base64").toString("utf8")
    const colon = decoded?.indexOf(":") ?? -1
    const clientId = decoded === undefined || colon < 0 ? undefined : decoded.slice(0, colon)
    const secret = decoded === undefined || colon < 0 ? undefined : decoded.slice(colon + 1)
    // As sent (téo's examples) or form-urlencoded first (RFC 6749 §2.3.1, as oauth4webapi does): both are accepted.
    const client = this.#config.clients.find(
      (candidate) => candidate.clientId === clientId || candidate.clientId === formDecode(clientId)
    )
    if (
      client === undefined ||
      secret === undefined ||
      !(safeEqual(secret, client.clientSecret) || safeEqual(formDecode(secret) ?? "", client.clientSecret))
    ) {
      return oauthError(401, "invalid_client", "Invalid client authentication")
    }
    const form = new URLSearchParams(body)
    if (form.get("grant_type") !== "client_credentials") {
      return oauthError(400, "unsupported_grant_type", "Only the client_credentials grant is supported")
    }
    const scope = form.get("scope") ?? ""
    const teoId = scope.startsWith("target-entity:") ? scope.slice("target-entity:".length) : undefined
    if (teoId === undefined || !client.teoIds.includes(teoId) || !this.#config.instances.has(teoId)) {
      return oauthError(400, "invalid_scope", `Invalid scope: ${scope}`)
    }
    const now = Math.floor(this.#config.now() / 1000)
    const number = ++this.#issued
    const payload = {
      iss: "fake-teo",
      sub: client.clientId,
      teo_id: teoId,
      iat: now,
      exp: now + this.#config.tokenTtlSeconds,
      jti: String(number)
    }
    return {
      status: 200,
      headers: { "content-type": "application/json", "cache-control": "no-store" },
      body: {
        access_token: this.#sign(payload),
        expires_in: this.#config.tokenTtlSeconds,
        scope,
        token_type: "Bearer"
      }
    }
  }

  #sign(payload: object): string {
    const head = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))
    const claims = base64url(JSON.stringify(payload))
    const signature = createHmac("sha256", this.#key).update(`${head}.${claims}`).digest("base64url")
    return `${head}.${claims}.${signature}`
  }

  /** The instance a bearer token opens, or the 401 téo answers. */
  #authenticate(req: IncomingMessage): { readonly teoId: string } | Answer {
    const header = req.headers.authorization
    if (header === undefined || header.trim() === "") return hydraError(401, "No authorization header found")
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1] ?? ""
    const [head, claims, signature] = token.split(".")
    if (head === undefined || claims === undefined || signature === undefined) return hydraError(401, "Invalid token")
    const expected = createHmac("sha256", this.#key).update(`${head}.${claims}`).digest("base64url")
    if (!safeEqual(signature, expected)) return hydraError(401, "Invalid token")
    let payload: { teo_id?: unknown; exp?: unknown; jti?: unknown }
    try {
      payload = JSON.parse(Buffer.from(claims, "base64url").toString("utf8"))
    } catch {
      return hydraError(401, "Invalid token")
    }
    const number = Number(payload.jti)
    if (typeof payload.teo_id !== "string" || typeof payload.exp !== "number" || !Number.isInteger(number)) {
      return hydraError(401, "Invalid token")
    }
    if (number <= this.#revokedUpTo) return hydraError(401, "Invalid token")
    if (number <= this.#expiredUpTo || payload.exp * 1000 <= this.#config.now()) return hydraError(401, "Expired token")
    return { teoId: payload.teo_id }
  }

  // ---------------------------------------------------------------------------
  // The API (/api), as API Platform serves it.
  // ---------------------------------------------------------------------------

  #api(req: IncomingMessage, url: URL, body: string): Answer {
    const accept = req.headers.accept
    if (accept !== undefined && !/application\/ld\+json|application\/json|\*\/\*/.test(accept)) {
      return hydraError(
        406,
        `Requested format "${accept}" is not supported. Supported MIME types are "application/ld+json", "application/json".`
      )
    }
    const auth = this.#authenticate(req)
    if (!("teoId" in auth)) return auth
    if (this.#config.rateLimit !== undefined) {
      const { requests, windowMillis } = this.#config.rateLimit
      const now = this.#config.now()
      if (now - this.#window.start >= windowMillis)
        this.#window = { start: now - ((now - this.#window.start) % windowMillis), count: 0 }
      if (this.#window.count >= requests) {
        return this.#rateLimited(Math.max(1, Math.ceil((this.#window.start + windowMillis - now) / 1000)))
      }
      this.#window.count++
    }
    const instance = this.#config.instances.get(auth.teoId)
    if (instance === undefined) return hydraError(403, "Access Denied.")
    const path = url.pathname.replace(/\/$/, "")
    const method = req.method ?? "GET"
    if (path === "/api") {
      return method === "GET"
        ? {
            status: 200,
            headers: { "content-type": LD_JSON },
            body: {
              "@context": "/api/contexts/Entrypoint",
              "@id": "/api",
              "@type": "Entrypoint",
              dossier: "/api/production/dossiers"
            }
          }
        : hydraError(405, `No route found for "${method} /api": Method Not Allowed`)
    }
    if (path === "/api/production/dossiers") {
      if (method === "GET") return this.#list(instance, url)
      if (method === "POST") return this.#create(req, instance, body)
      return hydraError(405, `No route found for "${method} ${path}": Method Not Allowed`)
    }
    const item = /^\/api\/production\/dossiers\/([^/]+)$/.exec(path)?.[1]
    if (item !== undefined) {
      if (method !== "GET") return hydraError(405, `No route found for "${method} ${path}": Method Not Allowed`)
      const dossier = UUID.test(item)
        ? instance.dossiers.find((candidate) => candidate.id === item.toLowerCase())
        : undefined
      return dossier === undefined
        ? hydraError(404, "Not Found")
        : {
            status: 200,
            headers: { "content-type": LD_JSON },
            body: { "@context": "/api/contexts/Dossier", ...this.#resource(dossier) }
          }
    }
    return hydraError(404, `No route found for "${method} ${path}"`)
  }

  #resource(dossier: FakeDossier): Record<string, unknown> {
    const { id, ...fields } = dossier
    return { "@id": `/api/production/dossiers/${id}`, "@type": "Dossier", ...fields }
  }

  #list(instance: Instance, url: URL): Answer {
    const page = url.searchParams.has("page") ? Number(url.searchParams.get("page")) : 1
    const perPage = url.searchParams.has("itemsPerPage") ? Number(url.searchParams.get("itemsPerPage")) : 30
    if (!Number.isInteger(page) || page < 1) return hydraError(400, "Page should not be less than 1")
    if (!Number.isInteger(perPage) || perPage < 0)
      return hydraError(400, "Item per page parameter should not be less than 0")
    const itemsPerPage = Math.min(perPage, 100)
    const total = instance.dossiers.length
    const last = Math.max(1, Math.ceil(total / Math.max(itemsPerPage, 1)))
    const members = instance.dossiers
      .slice((page - 1) * itemsPerPage, page * itemsPerPage)
      .map((dossier) => this.#resource(dossier))
    const link = (n: number) => {
      const params = new URLSearchParams(url.searchParams)
      params.set("page", String(n))
      return `/api/production/dossiers?${params.toString()}`
    }
    const prefixed = this.#config.keyStyle === "prefixed"
    const key = (name: string) => (prefixed ? `hydra:${name}` : name)
    const view: Record<string, unknown> = {
      "@id": link(page),
      "@type": key("PartialCollectionView"),
      [key("first")]: link(1),
      [key("last")]: link(last),
      ...(page > 1 ? { [key("previous")]: link(page - 1) } : {}),
      ...(page < last ? { [key("next")]: link(page + 1) } : {})
    }
    return {
      status: 200,
      headers: { "content-type": LD_JSON },
      body: {
        "@context": "/api/contexts/Dossier",
        "@id": "/api/production/dossiers",
        "@type": key("Collection"),
        [key("totalItems")]: total,
        [key("member")]: members,
        [key("view")]: view
      }
    }
  }

  #create(req: IncomingMessage, instance: Instance, body: string): Answer {
    const type = req.headers["content-type"] ?? ""
    if (!/application\/(ld\+)?json/.test(type)) {
      return hydraError(
        415,
        `The content-type "${type}" is not supported. Supported MIME types are "application/ld+json", "application/json".`
      )
    }
    let input: unknown
    try {
      input = JSON.parse(body)
    } catch {
      return hydraError(400, "Syntax error")
    }
    if (typeof input !== "object" || input === null || Array.isArray(input)) return hydraError(400, "Syntax error")
    const fields = input as Record<string, unknown>
    const violations: Array<{ propertyPath: string; message: string; code: string }> = []
    const blank = (name: string) => typeof fields[name] !== "string" || (fields[name] as string).trim() === ""
    for (const name of ["firstName", "lastName", "email"]) {
      if (blank(name))
        violations.push({
          propertyPath: name,
          message: "Cette valeur ne doit pas être vide.",
          code: "c1051bb4-d103-4f74-8988-acbcafc7fdc3"
        })
    }
    if (!blank("email") && !EMAIL.test(fields.email as string)) {
      violations.push({
        propertyPath: "email",
        message: "Cette valeur n'est pas une adresse email valide.",
        code: "bd79c0ab-ddba-46cc-a703-a7a4b08de310"
      })
    }
    const serviceId = fields.serviceId
    if (typeof serviceId !== "string" || !instance.prestations.some((prestation) => prestation.id === serviceId)) {
      violations.push({
        propertyPath: "serviceId",
        message: "Cette prestation n'existe pas.",
        code: "fake-teo-unknown-service"
      })
    }
    if (violations.length > 0) {
      return {
        status: 422,
        headers: { "content-type": LD_JSON },
        body: {
          "@context": "/api/contexts/ConstraintViolationList",
          "@type": "ConstraintViolationList",
          "hydra:title": "An error occurred",
          "hydra:description": violations
            .map((violation) => `${violation.propertyPath}: ${violation.message}`)
            .join("\n"),
          violations
        }
      }
    }
    const dossier: FakeDossier = {
      id: randomUUID(),
      number: `D-${new Date(this.#config.now()).getUTCFullYear()}-${String(instance.dossiers.length + 1).padStart(4, "0")}`,
      orderNumber: null,
      firstName: (fields.firstName as string).trim(),
      lastName: (fields.lastName as string).trim(),
      email: fields.email,
      phone: typeof fields.phone === "string" ? fields.phone : null,
      status: "Prévisionnel",
      createdAt: new Date(this.#config.now()).toISOString(),
      service: `/api/production/prestations/${serviceId as string}`
    }
    instance.dossiers.push(dossier)
    const resource = this.#resource(dossier)
    return {
      status: 201,
      headers: { "content-type": LD_JSON, location: resource["@id"] as string },
      body: { "@context": "/api/contexts/Dossier", ...resource }
    }
  }
}

/** `application/x-www-form-urlencoded` decoding of one value; `undefined` when it is not valid. */
const formDecode = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined
  try {
    return decodeURIComponent(value.replaceAll("+", " "))
  } catch {
    return undefined
  }
}

const safeEqual = (a: string, b: string): boolean => {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
