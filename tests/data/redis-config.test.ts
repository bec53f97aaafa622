import { redisConf, redisServerArgs } from "../../components/data/redis-config";

/** directive -> argument, as redis reads it (one directive per line, '#' comments). */
function parseConf(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of text.split("\n")) {
        if (/^\s*(#|$)/.test(line)) continue;
        const m = /^(\S+)\s+(.*)$/.exec(line);
        if (!m) throw new Error(`unparsable line: ${line}`);
        if (m[1] in out) throw new Error(`duplicate directive ${m[1]}`);
        out[m[1]] = m[2];
    }
    return out;
}

describe("redisConf", () => {
    it("persists with AOF, never evicts, and keeps protected mode", () => {
        expect(parseConf(redisConf({ maxmemoryMb: 256, dataDir: "/data" }))).toEqual({
            bind: "0.0.0.0",
            port: "6379",
            "protected-mode": "yes",
            dir: "/data",
            appendonly: "yes",
            appendfsync: "everysec",
            "aof-use-rdb-preamble": "yes",
            "aof-load-truncated": "yes",
            save: '""',
            maxmemory: "256mb",
            "maxmemory-policy": "noeviction",
            logfile: '""',
        });
    });
    it("takes port and bind overrides", () => {
        const c = parseConf(redisConf({ maxmemoryMb: 8, dataDir: "/tmp/x", port: 7000, bind: "127.0.0.1" }));
        expect([c.port, c.bind]).toEqual(["7000", "127.0.0.1"]);
    });
    it("holds no password", () => expect(redisConf({ maxmemoryMb: 8, dataDir: "/data" })).not.toMatch(/^\s*(requirepass|masterauth|user)\b/m));
    it.each([
        [{ maxmemoryMb: 0, dataDir: "/data" }, /^maxmemoryMb: got 0/],
        [{ maxmemoryMb: 8, dataDir: "data" }, /^dataDir: got/],
        [{ maxmemoryMb: 8, dataDir: "/data\nrequirepass x" }, /^dataDir: got/],
        [{ maxmemoryMb: 8, dataDir: "/data", port: 0 }, /^port: got 0/],
        [{ maxmemoryMb: 8, dataDir: "/data", bind: "0.0.0.0 ::" }, /^bind: got/],
    ])("rejects %j", (bad, message) => expect(() => redisConf(bad)).toThrow(message));
});

describe("redisServerArgs", () => {
    it("passes the password by a Kubernetes env reference, not a literal", () => {
        expect(redisServerArgs("/etc/redis/redis.conf")).toEqual(["/etc/redis/redis.conf", "--requirepass", "$(REDIS_PASSWORD)"]);
    });
});
