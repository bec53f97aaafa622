// A tiny Redis client (RESP2 over a socket) so the real-server tests need no Redis package.
import * as net from "net";

export type RespReply = string | number | null | RespError | RespReply[];
export class RespError extends Error {}

function encode(args: readonly string[]): Buffer {
    const parts = args.map((a) => {
        const b = Buffer.from(a, "utf8");
        return Buffer.concat([Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n")]);
    });
    return Buffer.concat([Buffer.from(`*${args.length}\r\n`), ...parts]);
}

/** Parses one reply at `at`; undefined while the buffer holds only part of it. */
function parse(buf: Buffer, at: number): { value: RespReply; next: number } | undefined {
    const eol = buf.indexOf("\r\n", at);
    if (eol < 0) return undefined;
    const line = buf.toString("utf8", at + 1, eol);
    switch (String.fromCharCode(buf[at])) {
        case "+":
            return { value: line, next: eol + 2 };
        case "-":
            return { value: new RespError(line), next: eol + 2 };
        case ":":
            return { value: Number(line), next: eol + 2 };
        case "$": {
            const len = Number(line);
            if (len < 0) return { value: null, next: eol + 2 };
            if (buf.length < eol + 2 + len + 2) return undefined;
            return { value: buf.toString("utf8", eol + 2, eol + 2 + len), next: eol + 2 + len + 2 };
        }
        case "*": {
            const n = Number(line);
            if (n < 0) return { value: null, next: eol + 2 };
            const items: RespReply[] = [];
            let next = eol + 2;
            for (let i = 0; i < n; i++) {
                const item = parse(buf, next);
                if (!item) return undefined;
                items.push(item.value);
                next = item.next;
            }
            return { value: items, next };
        }
        default:
            throw new Error(`not a RESP reply: ${JSON.stringify(buf.toString("utf8", at, eol))}`);
    }
}

/**
 * Sends `commands` on one connection to 127.0.0.1:`port` and resolves to one reply each; error
 * replies come back as RespError values, not rejections (a refused AUTH is a result to assert).
 */
export function respCommands(port: number, commands: readonly (readonly string[])[], timeoutMs = 5000): Promise<RespReply[]> {
    return new Promise((resolve, reject) => {
        const sock = net.connect({ host: "127.0.0.1", port });
        let buf = Buffer.alloc(0);
        const replies: RespReply[] = [];
        const finish = (err?: Error) => {
            sock.destroy();
            if (err) reject(err);
            else resolve(replies);
        };
        sock.setTimeout(timeoutMs, () => finish(new Error(`redis on port ${port}: no reply within ${timeoutMs} ms`)));
        sock.on("error", finish);
        sock.on("close", () => replies.length < commands.length && finish(new Error(`redis on port ${port} closed the connection`)));
        sock.on("connect", () => sock.write(Buffer.concat(commands.map(encode))));
        sock.on("data", (chunk) => {
            buf = Buffer.concat([buf, chunk]);
            let at = 0;
            for (let r = parse(buf, at); r; r = parse(buf, at)) {
                replies.push(r.value);
                at = r.next;
            }
            buf = buf.subarray(at);
            if (replies.length >= commands.length) finish();
        });
    });
}

/** Connects by a redis:// URL (as an app would from REDIS_URL) and runs `commands` after AUTH and SELECT. */
export async function respViaUrl(url: string, commands: readonly (readonly string[])[]): Promise<RespReply[]> {
    const u = new URL(url);
    if (u.protocol !== "redis:") throw new Error(`not a redis URL: ${u.protocol}`);
    if (u.hostname !== "127.0.0.1") throw new Error("tests only talk to 127.0.0.1");
    const db = u.pathname.replace(/^\//, "") || "0";
    const auth = ["AUTH", decodeURIComponent(u.password)];
    const replies = await respCommands(Number(u.port), [auth, ["SELECT", db], ...commands]);
    return replies;
}
