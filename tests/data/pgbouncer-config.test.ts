import { authFileContent, pgbouncerIni, PgbouncerSettings } from "../../components/data/pgbouncer-config";

const settings: PgbouncerSettings = {
    serverHost: "postgres.data.svc.cluster.local",
    serverPort: 5432,
    databases: ["shop", "billing"],
    listenPort: 6432,
    authFile: "/etc/pgbouncer/auth/userlist.txt",
    poolMode: "transaction",
    defaultPoolSize: 20,
    maxClientConn: 500,
    serverTlsSslmode: "prefer",
};

/** section -> key -> value, as PgBouncer reads it (';' starts a comment). */
function parseIni(text: string): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    let section = "";
    for (const line of text.split("\n")) {
        if (/^\s*(;|$)/.test(line)) continue;
        const header = /^\[(\w+)\]$/.exec(line);
        if (header) {
            section = header[1];
            out[section] = {};
            continue;
        }
        const kv = /^(\S+)\s*=\s*(.*)$/.exec(line);
        if (!kv) throw new Error(`unparsable line: ${line}`);
        if (kv[1] in out[section]) throw new Error(`duplicate key ${kv[1]}`);
        out[section][kv[1]] = kv[2];
    }
    return out;
}

describe("pgbouncerIni", () => {
    const ini = pgbouncerIni(settings);
    const parsed = parseIni(ini);

    it("pools exactly the listed databases on the server's DNS name", () => {
        expect(parsed.databases).toEqual({
            shop: "host=postgres.data.svc.cluster.local port=5432 dbname=shop",
            billing: "host=postgres.data.svc.cluster.local port=5432 dbname=billing",
        });
    });

    it("sets every pooler setting Slipway relies on", () => {
        expect(parsed.pgbouncer).toEqual({
            listen_addr: "0.0.0.0",
            listen_port: "6432",
            auth_type: "scram-sha-256",
            auth_file: "/etc/pgbouncer/auth/userlist.txt",
            pool_mode: "transaction",
            default_pool_size: "20",
            max_client_conn: "500",
            server_tls_sslmode: "prefer",
            server_login_retry: "2",
            server_connect_timeout: "5",
            dns_max_ttl: "5",
            dns_nxdomain_ttl: "5",
            server_check_query: "select 1",
            server_check_delay: "10",
            ignore_startup_parameters: "extra_float_digits,options",
        });
    });

    it("explains each non-default setting in a comment right above it", () => {
        const all = ini.split("\n");
        for (const key of ["listen_addr", "auth_type", "pool_mode", "server_tls_sslmode", "server_login_retry", "server_connect_timeout", "dns_max_ttl", "server_check_query", "ignore_startup_parameters"]) {
            const i = all.findIndex((l) => l.startsWith(`${key} =`));
            expect([key, all[i - 1].startsWith("; ")]).toEqual([key, true]);
        }
    });

    it("holds no password and no admin access", () => {
        expect(ini).not.toMatch(/^\s*\w*(pass|admin_users|stats_users)\w*\s*=/im);
        expect(ini).not.toMatch(/password=/i);
    });

    it("takes a listen address override (tests bind loopback)", () => {
        expect(parseIni(pgbouncerIni({ ...settings, listenAddr: "127.0.0.1" })).pgbouncer.listen_addr).toBe("127.0.0.1");
    });

    it.each<[Partial<PgbouncerSettings>, RegExp]>([
        [{ serverHost: "db host" }, /^serverHost: got/],
        [{ serverHost: "db\nadmin_users = x" }, /^serverHost: got/],
        [{ serverHost: "" }, /^serverHost: got/],
        [{ listenAddr: "0.0.0.0 ; x" }, /^listenAddr: got/],
        [{ authFile: "userlist.txt" }, /^authFile: got/],
        [{ authFile: "/etc/a b" }, /^authFile: got/],
        [{ serverPort: 0 }, /^serverPort: got 0/],
        [{ listenPort: 70000 }, /^listenPort: got 70000/],
        [{ defaultPoolSize: 1.5 }, /^defaultPoolSize: got 1.5/],
        [{ maxClientConn: 0 }, /^maxClientConn: got 0/],
        [{ databases: [] }, /^databases: at least one/],
        [{ databases: ["shop", "shop"] }, /^databases: a name is listed twice/],
        [{ databases: ["shop = host=evil"] }, /^databases\[0\]: got/],
        [{ poolMode: "bogus" as "session" }, /^poolMode: got "bogus"/],
        [{ serverTlsSslmode: "allow" as "prefer" }, /^serverTlsSslmode: got "allow"/],
    ])("rejects %j", (bad, message) => expect(() => pgbouncerIni({ ...settings, ...bad })).toThrow(message));
});

describe("authFileContent", () => {
    it("writes one quoted line per user, doubling quotes", () => {
        expect(
            authFileContent([
                { user: "shop", password: 'a"b""c' },
                { user: "billing", password: "p@ss word\\'" },
            ]),
        ).toBe(`"shop" "a""b""""c"\n"billing" "p@ss word\\'"\n`);
    });
    it("is empty for no users", () => expect(authFileContent([])).toBe(""));
    it.each([
        [{ user: "shop", password: "" }, /users\[0\]\.password: must not be empty/],
        [{ user: "shop", password: "a\nb" }, /users\[0\]\.password: must not contain line breaks/],
        [{ user: 'sh"op', password: "x" }, /users\[0\]\.user: got/],
    ])("rejects %j", (bad, message) => expect(() => authFileContent([bad])).toThrow(message));
});
