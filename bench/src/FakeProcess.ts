/**
 * FakeTeo in a child process, so that the benchmarks measure the client's CPU
 * alone: the parent forks `fake-process-main.ts`, which starts FakeTeo with the
 * options it is given, and answers `stats` / `reset` over the IPC channel.
 */
import { type ChildProcess, fork } from "node:child_process"
import { fileURLToPath } from "node:url"
import type { FakeTeoOptions, Stats } from "@teo-effect/testing"

export interface RemoteFake {
  readonly tokenUrl: string
  readonly apiUrl: string
  readonly env: Readonly<Record<"TEO_CLIENT_ID" | "TEO_CLIENT_SECRET" | "TEO_ID", string>>
  /** The server's counters, read from the child. */
  readonly stats: () => Promise<Stats>
  /** Forgets stats and injected state. */
  readonly reset: () => Promise<void>
  /** CPU time the server process has used so far, in microseconds (user + system). */
  readonly cpuMicros: () => Promise<number>
  readonly close: () => Promise<void>
}

type Reply = { readonly id: number; readonly value: unknown }

/** Starts FakeTeo with `options` (JSON-serialisable) in a child process. */
export const startRemoteFake = (options: FakeTeoOptions): Promise<RemoteFake> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = fork(fileURLToPath(new URL("./fake-process-main.ts", import.meta.url)), [], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      // Not the parent's flags: a --cpu-prof of the client must not profile the server too.
      execArgv: process.env.FAKE_PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/fprof"] : []
    })
    let nextId = 0
    const pending = new Map<number, (value: unknown) => void>()
    const ask = <A>(command: string): Promise<A> =>
      new Promise((answer) => {
        const id = ++nextId
        pending.set(id, answer as (value: unknown) => void)
        child.send({ id, command })
      })
    child.once("error", reject)
    child.once("exit", (code) => {
      if (code !== 0 && code !== null) reject(new Error(`fake-teo child exited with ${code}`))
    })
    child.on(
      "message",
      (message: Reply | { readonly ready: Omit<RemoteFake, "stats" | "reset" | "close" | "cpuMicros"> }) => {
        if ("ready" in message) {
          resolve({
            ...message.ready,
            stats: () => ask<Stats>("stats"),
            reset: () => ask<void>("reset"),
            cpuMicros: () => ask<number>("cpu"),
            close: () =>
              new Promise<void>((done) => {
                child.once("exit", () => done())
                child.send({ id: 0, command: "close" })
              })
          })
          return
        }
        pending.get(message.id)?.(message.value)
        pending.delete(message.id)
      }
    )
    child.send({ id: 0, command: "start", options })
  })
