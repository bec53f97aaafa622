import { Client } from "pg";
import { databaseUrl, redisUrl } from "../../components/data/connection";

const awkward = `p@ss:w/rd?#%"' &=+`;
const base = { host: "pgbouncer.data.svc.cluster.local", port: 6432, database: "shop", user: "shop", password: "secret", sslmode: "disable" as const };

describe("databaseUrl", () => {
    it("builds a postgres URL", () => {
        expect(databaseUrl(base)).toBe("postgres://shop:secret@pgbouncer.data.svc.cluster.local:6432/shop?sslmode=disable");
        expect(databaseUrl({ ...base, sslmode: "require" })).toMatch(/\?sslmode=require$/);
    });
    it("percent-encodes the password so parsers get it back unchanged", () => {
        const url = databaseUrl({ ...base, password: awkward });
        expect(url).not.toContain(awkward);
        expect(decodeURIComponent(new URL(url).password)).toBe(awkward);
        // node-postgres's own parser, as an app reading DATABASE_URL would use it (no connection made).
        const c = new Client({ connectionString: url });
        expect([c.user, c.password, c.host, c.port, c.database]).toEqual(["shop", awkward, base.host, 6432, "shop"]);
    });
    it("brackets IPv6 hosts", () => expect(databaseUrl({ ...base, host: "fd00::1" })).toContain("@[fd00::1]:6432/"));
    it.each([{ port: 0 }, { port: 1.5 }, { host: "a b" }, { host: "h/x" }, { user: "" }])("rejects %j", (bad) =>
        expect(() => databaseUrl({ ...base, ...bad })).toThrow(),
    );
});

describe("redisUrl", () => {
    it("builds a redis URL with db 0 by default", () => {
        expect(redisUrl({ host: "redis.data.svc.cluster.local", port: 6379, password: "secret" })).toBe("redis://:secret@redis.data.svc.cluster.local:6379/0");
        expect(redisUrl({ host: "redis", port: 6379, password: "secret", db: 3 })).toBe("redis://:secret@redis:6379/3");
    });
    it("percent-encodes the password", () => {
        const u = new URL(redisUrl({ host: "redis", port: 6379, password: awkward }));
        expect([u.username, decodeURIComponent(u.password), u.hostname, u.port, u.pathname]).toEqual(["", awkward, "redis", "6379", "/0"]);
    });
    it.each([{ db: -1 }, { db: 16 }, { port: 65536 }, { host: "redis\n" }])("rejects %j", (bad) =>
        expect(() => redisUrl({ host: "redis", port: 6379, password: "x", ...bad })).toThrow(),
    );
});
