/**
 * The contracts beyond this repository:
 *
 *   node contracts/broker.ts publish        publish contracts/*.json to a Pact Broker
 *   node contracts/broker.ts can-i-deploy   ask the broker whether this version can be deployed
 *   node contracts/broker.ts verify-live    verify the read-only interactions against the real téo
 *
 * `publish` and `can-i-deploy` act only when `PACT_BROKER_BASE_URL` is set (with
 * `PACT_BROKER_TOKEN`, or `PACT_BROKER_USERNAME` and `PACT_BROKER_PASSWORD`);
 * otherwise they say so and exit 0. The version is the git commit, the branch
 * the git branch (`GIT_BRANCH` overrides it). An unreachable broker fails at
 * once (`PACT_BROKER_HTTP_RETRIES`, default 0).
 *
 * `verify-live` acts only when `TEO_CLIENT_ID`, `TEO_CLIENT_SECRET` and `TEO_ID`
 * are set (`--require` makes their absence an error): it gets a real token and
 * replays the interactions that read without changing anything against
 * `TEO_API_URL` (default https://teoapp.fr/api).
 */
import { spawnSync } from "node:child_process"
import { readdirSync } from "node:fs"
import { fileURLToPath, pathToFileURL } from "node:url"
import { TeoStates } from "@teo-effect/testing/pact"

const root = fileURLToPath(new URL("..", import.meta.url))
const contractsDir = fileURLToPath(new URL(".", import.meta.url))

/** Interactions that only read and need no state téo cannot be put in. */
export const readOnlyInteractions = [
  "a page of dossiers",
  "a request for one dossier",
  "a request for an unknown dossier"
] as const

export type Plan =
  | { readonly kind: "skip"; readonly message: string }
  | { readonly kind: "error"; readonly message: string }
  | { readonly kind: "broker"; readonly args: ReadonlyArray<string>; readonly env: Record<string, string> }
  | {
      readonly kind: "verify-live"
      readonly apiUrl: string
      readonly authUrl: string | undefined
      readonly descriptionFilter: string
    }

export interface Git {
  readonly commit: string | undefined
  readonly branch: string | undefined
}

const brokerAuth = (env: Record<string, string | undefined>): ReadonlyArray<string> | string => {
  if (env.PACT_BROKER_TOKEN) return []
  if (env.PACT_BROKER_USERNAME && env.PACT_BROKER_PASSWORD) return []
  return "PACT_BROKER_BASE_URL is set but neither PACT_BROKER_TOKEN nor PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD are"
}

/** The committed contracts, as paths: `pact-broker` is given the files themselves (no shell expands a glob). */
export const committedContracts = (dir: string = contractsDir): ReadonlyArray<string> =>
  readdirSync(dir)
    .filter((name) => /^teo-effect-.+\.json$/.test(name))
    .sort()
    .map((name) => `${dir}${name}`)

/** What a command will do with this environment, git state and contracts; nothing is run. */
export const plan = (
  command: string | undefined,
  args: ReadonlyArray<string>,
  env: Record<string, string | undefined>,
  git: Git,
  contracts: ReadonlyArray<string> = []
): Plan => {
  switch (command) {
    case "publish":
    case "can-i-deploy": {
      if (!env.PACT_BROKER_BASE_URL) {
        return {
          kind: "skip",
          message: `PACT_BROKER_BASE_URL is not set: nothing to ${command === "publish" ? "publish" : "ask"}. Set it (with PACT_BROKER_TOKEN) to ${command === "publish" ? "publish contracts/*.json" : "ask the broker"}.`
        }
      }
      const auth = brokerAuth(env)
      if (typeof auth === "string") return { kind: "error", message: auth }
      if (git.commit === undefined)
        return { kind: "error", message: "no git commit to use as the version: run from a git checkout" }
      const common = ["--retries", env.PACT_BROKER_HTTP_RETRIES ?? "0"]
      const brokerEnv = { PACT_BROKER_BASE_URL: env.PACT_BROKER_BASE_URL }
      if (command === "publish") {
        if (contracts.length === 0) return { kind: "error", message: `no contracts to publish in ${contractsDir}` }
        const branch = env.GIT_BRANCH ?? git.branch
        return {
          kind: "broker",
          env: brokerEnv,
          args: [
            "publish",
            ...contracts,
            "--consumer-app-version",
            git.commit,
            ...(branch === undefined || branch === "HEAD" ? [] : ["--branch", branch]),
            ...common
          ]
        }
      }
      return {
        kind: "broker",
        env: brokerEnv,
        args: [
          "can-i-deploy",
          "--pacticipant",
          "teo-effect",
          "--version",
          git.commit,
          "--to-environment",
          env.PACT_ENVIRONMENT ?? "production",
          ...common
        ]
      }
    }
    case "verify-live": {
      const missing = ["TEO_CLIENT_ID", "TEO_CLIENT_SECRET", "TEO_ID"].filter((name) => !env[name])
      if (missing.length > 0) {
        const message = `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set: no live verification against téo. Set the TEO_* credentials of a téo instance to run it.`
        return args.includes("--require") ? { kind: "error", message } : { kind: "skip", message }
      }
      const apiUrl = env.TEO_API_URL ?? "https://teoapp.fr/api"
      if (URL.parse(apiUrl)?.protocol !== "https:" && !apiUrl.startsWith("http://127.0.0.1")) {
        return { kind: "error", message: `TEO_API_URL must be an https URL, got ${JSON.stringify(apiUrl)}` }
      }
      return {
        kind: "verify-live",
        apiUrl,
        authUrl: env.TEO_AUTH_URL,
        descriptionFilter: `^(${readOnlyInteractions.join("|")})$`
      }
    }
    default:
      return {
        kind: "error",
        message: `usage: node contracts/broker.ts publish | can-i-deploy | verify-live [--require] (got ${JSON.stringify(command ?? "")})`
      }
  }
}

const gitState = (): Git => {
  const read = (args: ReadonlyArray<string>) => {
    const result = spawnSync("git", args, { cwd: root, encoding: "utf8" })
    return result.status === 0 ? result.stdout.trim() : undefined
  }
  return { commit: read(["rev-parse", "HEAD"]), branch: read(["rev-parse", "--abbrev-ref", "HEAD"]) }
}

/** Runs `verify-live`: a real token, then Pact's Verifier against téo's API. */
const verifyLive = async (live: Extract<Plan, { kind: "verify-live" }>): Promise<number> => {
  const { Verifier } = await import("@pact-foundation/pact")
  const { AccessToken, TeoCredentials } = await import("@teo-effect/auth")
  const { Effect, Layer, Redacted } = await import("effect")
  const { FetchHttpClient } = await import("effect/http")
  const token = await Effect.runPromise(
    Effect.flatMap(Effect.service(AccessToken), (accessToken) => accessToken.get).pipe(
      Effect.provide(
        AccessToken.layer().pipe(Layer.provide(TeoCredentials.layerConfig()), Layer.provide(FetchHttpClient.layer))
      )
    )
  )
  const bearer = Redacted.value(token.value)
  const api = new URL(live.apiUrl)
  const firstDossierId = async () => {
    const response = await fetch(`${live.apiUrl}/production/dossiers?itemsPerPage=1`, {
      headers: { Authorization: `Bearer ${bearer}`, Accept: "application/ld+json" }
    })
    const body = (await response.json()) as {
      "hydra:member"?: Array<{ "@id": string }>
      member?: Array<{ "@id": string }>
    }
    return { id: (body["hydra:member"] ?? body.member ?? [])[0]?.["@id"].split("/").at(-1) ?? "" }
  }
  process.env.PACT_DESCRIPTION = live.descriptionFilter
  try {
    await new Verifier({
      provider: "teo-api",
      providerBaseUrl: api.origin,
      pactUrls: [`${contractsDir}teo-effect-teo-api.json`],
      stateHandlers: {
        [TeoStates.dossiers]: async () => undefined,
        [TeoStates.dossier]: firstDossierId,
        [TeoStates.noDossier]: async () => undefined
      },
      requestFilter: (req, _res, next) => {
        req.headers.authorization = `Bearer ${bearer}`
        next()
      },
      logLevel: "error"
    }).verifyProvider()
    console.log("✓ the read-only interactions hold against téo")
    return 0
  } catch (error) {
    console.error(
      `✗ téo does not honour the teo-api pact: ${error instanceof Error ? error.message.slice(0, 4000) : String(error)}`
    )
    return 1
  }
}

const main = async (): Promise<number> => {
  const [command, ...args] = process.argv.slice(2)
  const decided = plan(command, args, process.env, gitState(), committedContracts())
  switch (decided.kind) {
    case "skip":
      console.log(decided.message)
      return 0
    case "error":
      console.error(decided.message)
      return 2
    case "broker": {
      const bin = fileURLToPath(new URL("node_modules/.bin/pact-broker", import.meta.url))
      const result = spawnSync(bin, decided.args, { stdio: "inherit", env: { ...process.env, ...decided.env } })
      return result.status ?? 1
    }
    case "verify-live":
      return verifyLive(decided)
  }
}

// Compared as URLs: a path with a space or an accent is percent-encoded in `import.meta.url`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then((code) => process.exit(code))
}
