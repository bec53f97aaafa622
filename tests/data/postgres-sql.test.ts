import { assertIdentifier, bootstrapSql, passwordEnvName, ServiceRole } from "../../components/data/postgres-sql";

const services: ServiceRole[] = [
    { database: "shop", user: "shop" },
    { database: "billing", user: "billing_app" },
];
const lines = (sql: string) => sql.split("\n");
const indexOf = (sql: string, needle: string) => {
    const i = lines(sql).findIndex((l) => l.includes(needle));
    if (i < 0) throw new Error(`no line with ${needle}`);
    return i;
};

describe("assertIdentifier", () => {
    it.each(["a", "shop", "shop_v2", "a".repeat(63)])("accepts %s", (v) => expect(() => assertIdentifier("user", v)).not.toThrow());
    it.each(["", "Shop", "1shop", "_shop", "shop-db", "a".repeat(64), 'a"b', "a'b", "shop; drop role postgres", "shöp", "a b"])(
        "rejects %j, naming the property",
        (v) => expect(() => assertIdentifier("databases[0].user", v)).toThrow(/^databases\[0\]\.user: got /),
    );
});

describe("passwordEnvName", () => {
    it("upper-cases into a safe environment variable name", () => {
        expect(passwordEnvName("shop")).toBe("SLIPWAY_PASSWORD_SHOP");
        expect(passwordEnvName("billing_app2")).toBe("SLIPWAY_PASSWORD_BILLING_APP2");
    });
    it("rejects what could not be a role name", () => expect(() => passwordEnvName("shop$(id)")).toThrow(/user: got/));
});

describe("bootstrapSql", () => {
    const sql = bootstrapSql(services);

    it("reads each password from its environment variable and never writes one", () => {
        expect(sql).toContain("\\getenv slipway_password_shop SLIPWAY_PASSWORD_SHOP\n");
        expect(sql).toContain("\\getenv slipway_password_billing_app SLIPWAY_PASSWORD_BILLING_APP\n");
        expect(sql).toContain(`ALTER ROLE "shop" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;`);
        // The password travels in a statement of its own, after the attributes: a failing attribute
        // change is then logged without it.
        const attributes = sql.indexOf(`ALTER ROLE "shop" WITH LOGIN`);
        const password = sql.indexOf(`ALTER ROLE "shop" PASSWORD :'slipway_password_shop';`);
        expect(password).toBeGreaterThan(attributes);
        expect(sql.slice(attributes, sql.indexOf("\n", attributes))).not.toContain("PASSWORD");
        expect(sql).not.toMatch(/PASSWORD\s+'/i);
    });

    it("fails loudly when a variable is missing or empty, before any role or database changes", () => {
        const check = lines(sql).slice(indexOf(sql, "\\getenv slipway_password_shop"), indexOf(sql, "\\getenv slipway_password_shop") + 9);
        expect(check).toEqual([
            "\\getenv slipway_password_shop SLIPWAY_PASSWORD_SHOP",
            "\\if :{?slipway_password_shop}",
            "SELECT :'slipway_password_shop' = '' AS slipway_password_empty \\gset",
            "\\else",
            "\\set slipway_password_empty true",
            "\\endif",
            "\\if :slipway_password_empty",
            "DO $$ BEGIN RAISE EXCEPTION 'environment variable SLIPWAY_PASSWORD_SHOP is missing or empty'; END $$;",
            "\\endif",
        ]);
        const lastCheck = indexOf(sql, "SLIPWAY_PASSWORD_BILLING_APP is missing or empty");
        expect(indexOf(sql, "CREATE ROLE")).toBeGreaterThan(lastCheck);
        expect(indexOf(sql, "ALTER ROLE")).toBeGreaterThan(lastCheck);
        expect(lines(sql)[2]).toBe("\\set ON_ERROR_STOP on");
    });

    it("keeps the password out of server logs and stores it as SCRAM", () => {
        const firstAlter = indexOf(sql, "ALTER ROLE");
        for (const s of ["SET log_statement = 'none';", "SET log_min_error_statement = 'panic';", "SET password_encryption = 'scram-sha-256';"]) {
            expect(indexOf(sql, s)).toBeLessThan(firstAlter);
        }
    });

    it("creates roles and databases only when missing, owned by their user", () => {
        expect(sql).toContain(`SELECT 'CREATE ROLE "billing_app" LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'billing_app') \\gexec`);
        expect(sql).toContain(
            `SELECT 'CREATE DATABASE "billing" OWNER "billing_app"' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'billing') \\gexec`,
        );
        expect(sql).toContain(`ALTER DATABASE "billing" OWNER TO "billing_app";`);
        expect(sql).not.toMatch(/^\s*CREATE (ROLE|DATABASE)/m); // never unconditional
    });

    it("lets only the owner connect and gives it the public schema", () => {
        expect(sql).toContain(`REVOKE ALL ON DATABASE "shop" FROM PUBLIC;\nGRANT CONNECT, TEMPORARY ON DATABASE "shop" TO "shop";`);
        expect(sql).toContain(`\\connect billing\nALTER SCHEMA public OWNER TO "billing_app";\nREVOKE CREATE ON SCHEMA public FROM PUBLIC;`);
        // Database-level statements run before leaving the maintenance database.
        expect(indexOf(sql, "\\connect")).toBeGreaterThan(indexOf(sql, `GRANT CONNECT, TEMPORARY ON DATABASE "billing"`));
    });

    it("quotes identifiers, so SQL keywords work as names", () => {
        const k = bootstrapSql([{ database: "order", user: "user" }]);
        expect(k).toContain(`ALTER ROLE "user" WITH LOGIN`);
        expect(k).toContain(`REVOKE ALL ON DATABASE "order" FROM PUBLIC;`);
    });

    it("is deterministic (a changed script means changed intent)", () => expect(bootstrapSql(services)).toBe(sql));

    it("handles one user shared by two databases once", () => {
        const shared = bootstrapSql([
            { database: "a", user: "svc" },
            { database: "b", user: "svc" },
        ]);
        expect(shared.match(/^\\getenv /gm)).toHaveLength(1);
        expect(shared.match(/^ALTER ROLE "svc" PASSWORD /gm)).toHaveLength(1);
        expect(shared.match(/^\\connect /gm)).toHaveLength(2);
    });

    it.each([
        [[{ database: "shop", user: "shop'; DROP ROLE postgres; --" }], /services\[0\]\.user: got/],
        [[{ database: "shop\n\\! rm -rf /", user: "shop" }], /services\[0\]\.database: got/],
        [[{ database: "shop", user: "postgres" }], /services\[0\]\.user: "postgres" is reserved/],
        [[{ database: "shop", user: "pg_monitor" }], /services\[0\]\.user: "pg_monitor" is reserved/],
        [[{ database: "template1", user: "shop" }], /services\[0\]\.database: "template1" is reserved/],
        [[{ database: "shop", user: "a" }, { database: "shop", user: "b" }], /services\[1\]\.database: "shop" is declared more than once/],
        [[], /at least one/],
    ])("rejects %j", (bad, message) => expect(() => bootstrapSql(bad as ServiceRole[])).toThrow(message));
});
