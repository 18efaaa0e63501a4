/**
 * The partner application as a program (`src/main.ts`), for the tests that
 * meet it over real sockets: spawned on a free port of 127.0.0.1 with the
 * environment given (FakeTeo's), stopped with Ctrl-C.
 */
import { spawn } from "node:child_process"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"

/** The program's entry point. */
export const main = fileURLToPath(new URL("../src/main.ts", import.meta.url))

/** A port free on 127.0.0.1 right now. */
export const freePort = async () => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A running program: where it listens, and how to stop it (Ctrl-C, then its exit). */
export interface Program {
  readonly origin: string
  readonly stop: () => Promise<void>
}

/**
 * Spawns `src/main.ts` with `env` (and PATH) on a free port, and resolves once
 * it says it listens; rejects with its output when it exits before.
 */
export const startProgram = async (env: Readonly<Record<string, string>>): Promise<Program> => {
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? "", ...env, PORT: String(await freePort()) },
    stdio: ["ignore", "pipe", "pipe"]
  })
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT")
    await exited
  }
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      let output = ""
      const read = (chunk: Buffer) => {
        output += chunk.toString()
        // "Listening on http://127.0.0.1:PORT" (or the HOST given): this machine, on that port.
        const listening = /Listening on http:\/\/\S+:(\d+)/.exec(output)
        if (listening?.[1] !== undefined) resolve(`http://127.0.0.1:${listening[1]}`)
      }
      child.stdout.on("data", read)
      child.stderr.on("data", read)
      child.once("exit", (code) => reject(new Error(`src/main.ts exited with ${code}: ${output}`)))
    })
    return { origin, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
