import { createRequire as __scnCreateRequire } from 'node:module'; const require = __scnCreateRequire(import.meta.url);

// src/observer-entry.ts
import os from "node:os";

// src/action/observe/listener.ts
import { createWriteStream, unlinkSync } from "node:fs";
import net from "node:net";

// src/action/observe/records.ts
function recordLine(e) {
  switch (e.event) {
    case "start":
      return `S	${e.atMs}	${e.pid}`;
    case "open":
      return `O	${e.connection}	${e.atMs}`;
    case "line":
      return `L	${e.connection}	${e.atMs}	${e.text}`;
    case "close":
      return `C	${e.connection}	${e.atMs}`;
    case "stop":
      return `E	${e.atMs}	${e.reason}`;
  }
}

// src/action/observe/listener.ts
function listen(options) {
  process.umask(127);
  const out = createWriteStream(options.recordsFile, { flags: "a", mode: 384 });
  const write = (line) => out.write(line + "\n");
  let next = 0;
  const open = /* @__PURE__ */ new Set();
  const server = net.createServer((connection) => {
    const id = ++next;
    open.add(connection);
    write(recordLine({ event: "open", connection: id, atMs: Date.now() }));
    let partial = "";
    connection.setEncoding("utf8");
    connection.on("data", (chunk) => {
      const atMs = Date.now();
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      let stamped = "";
      for (const text of lines)
        if (text) stamped += recordLine({ event: "line", connection: id, atMs, text }) + "\n";
      if (stamped) out.write(stamped);
    });
    const close = () => {
      if (!open.delete(connection)) return;
      const atMs = Date.now();
      if (partial) write(recordLine({ event: "line", connection: id, atMs, text: partial }));
      write(recordLine({ event: "close", connection: id, atMs }));
    };
    connection.on("end", close);
    connection.on("close", close);
    connection.on("error", close);
  });
  return new Promise((resolve, reject) => {
    let stopping = false;
    const stop = (reason) => {
      if (stopping) return;
      stopping = true;
      clearTimeout(bound);
      server.close();
      for (const connection of [...open]) connection.destroy();
      write(recordLine({ event: "stop", atMs: Date.now(), reason }));
      out.end(() => {
        try {
          unlinkSync(options.socket);
        } catch {
        }
        resolve();
      });
    };
    const bound = setTimeout(() => stop("lifetime"), options.lifetimeMs);
    process.once("SIGTERM", () => stop("signal"));
    process.once("SIGINT", () => stop("signal"));
    server.once("error", reject);
    server.listen(
      options.socket,
      () => write(recordLine({ event: "start", atMs: Date.now(), pid: process.pid }))
    );
  });
}

// src/observer-entry.ts
var [socket, recordsFile, lifetime] = process.argv.slice(2);
if (!socket || !recordsFile || !/^\d+$/.test(lifetime ?? "")) {
  console.error("usage: observer.js SOCKET RECORDS_FILE LIFETIME_MS");
  process.exit(2);
}
try {
  os.setPriority(10);
} catch {
}
await listen({ socket, recordsFile, lifetimeMs: Number(lifetime) });
