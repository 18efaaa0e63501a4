export * from "./Capture.js"
export * from "./ScriptedServer.js"
export * from "./TestTime.js"
export * from "./TokenReplies.js"
