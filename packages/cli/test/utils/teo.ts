/**
 * Runs the built `teo` executable as a user would: a clean environment, stdout
 * and stderr kept apart, the exit code.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

/** The built executable (`npm test` builds it first). */
export const bin = fileURLToPath(new URL("../../dist/bin.js", import.meta.url))

export interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `teo` (the built one, or the `executable` given) with a clean environment plus `env`. */
export const teo = (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
  executable: string = bin
): Promise<Run> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [executable, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })
