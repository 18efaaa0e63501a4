/**
 * The child side of `FakeProcess.ts`: FakeTeo, driven over the IPC channel.
 */
import { FakeTeo, type RunningFakeTeo } from "@teo-effect/testing"

type Fake = RunningFakeTeo
let fake: Fake | undefined

const send = (message: unknown) => process.send?.(message)

process.on("message", async (message: { readonly id: number; readonly command: string; readonly options?: object }) => {
  switch (message.command) {
    case "start": {
      fake = await FakeTeo.start(message.options ?? {})
      send({
        ready: {
          tokenUrl: fake.tokenUrl,
          apiUrl: fake.apiUrl,
          env: {
            TEO_CLIENT_ID: fake.env.TEO_CLIENT_ID,
            TEO_CLIENT_SECRET: fake.env.TEO_CLIENT_SECRET,
            TEO_ID: fake.env.TEO_ID
          }
        }
      })
      return
    }
    case "stats":
      return send({ id: message.id, value: fake?.stats() })
    case "reset":
      fake?.reset()
      return send({ id: message.id, value: undefined })
    case "cpu": {
      const usage = process.cpuUsage()
      return send({ id: message.id, value: usage.user + usage.system })
    }
    case "close":
      await fake?.close()
      process.exit(0)
      return
    default:
      return
  }
})
