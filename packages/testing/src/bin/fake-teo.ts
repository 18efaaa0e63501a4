#!/usr/bin/env node
/**
 * `fake-teo`: FakeTeo as a standalone process, until interrupted.
 *
 *   fake-teo [--port 4010] [--dossiers 95] [--token-ttl 599] [--seed 1] [--unprefixed]
 *
 * Prints, on stdout, the environment that points teo-effect (or anything
 * else) at it; everything else goes to stderr.
 *
 * @since 0.1.0
 */
import { parseArgs } from "node:util"
import { FakeTeo, type FakeTeoOptions } from "../FakeTeo.js"

/**
 * Reads the command line into FakeTeo options; a bad value is an error naming the flag.
 *
 * @since 0.1.0
 */
export const optionsFromArgs = (args: ReadonlyArray<string>): FakeTeoOptions => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      port: { type: "string", default: "4010" },
      dossiers: { type: "string", default: "95" },
      "token-ttl": { type: "string", default: "599" },
      seed: { type: "string", default: "1" },
      unprefixed: { type: "boolean", default: false }
    },
    strict: true
  })
  const integer = (flag: string, value: string, min: number, max: number) => {
    const number = Number(value)
    if (!Number.isInteger(number) || number < min || number > max) {
      throw new Error(`--${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`)
    }
    return number
  }
  return {
    port: integer("port", values.port, 0, 65535),
    dossiers: integer("dossiers", values.dossiers, 0, 100_000),
    tokenTtl: `${integer("token-ttl", values["token-ttl"], 1, 86_400)} seconds`,
    seed: integer("seed", values.seed, 0, 2 ** 31),
    keyStyle: values.unprefixed ? "unprefixed" : "prefixed"
  }
}

/**
 * Starts FakeTeo with `args`, prints its environment; resolves with its `close`.
 *
 * @since 0.1.0
 */
export const main = async (
  args: ReadonlyArray<string>,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`)
) => {
  const fake = await FakeTeo.start(optionsFromArgs(args))
  err(`FakeTeo listening on ${fake.url} (token endpoint ${fake.tokenUrl}, API ${fake.apiUrl})`)
  for (const [name, value] of Object.entries(fake.env)) out(`export ${name}=${value}`)
  return fake.close
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("/fake-teo")) {
  let close: (() => Promise<void>) | undefined
  const stop = () => {
    process.stderr.write("FakeTeo stopping\n")
    ;(close?.() ?? Promise.resolve()).then(() => process.exit(0))
  }
  // Installed first: an interrupt that comes while the server starts still stops it cleanly.
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
  main(process.argv.slice(2)).then(
    (started) => {
      close = started
    },
    (error: unknown) => {
      process.stderr.write(`fake-teo: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exit(2)
    }
  )
}
