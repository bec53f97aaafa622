// What the tool reads from a server: versions, databases and owners, user tables, exact row counts
// and sequence positions. Identifiers come from the catalogs and are quoted, never trusted.
import { Client } from "pg";
import { clientConfig, type PgConnection } from "./connection";

/** Schemas that belong to PostgreSQL itself, not to the application. */
const SYSTEM_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";
// Tables an extension created (postgis' spatial_ref_sys) come back with CREATE EXTENSION, not as data.
const NOT_EXTENSION_MEMBER = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')";
/** Databases a managed service or PostgreSQL keeps for itself. */
const SERVICE_DATABASES = ["postgres", "cloudsqladmin", "rdsadmin", "azure_maintenance", "azure_sys", "_dodb", "defaultdb"];

/** `"schema"."name"` with embedded quotes doubled. */
export function quoteIdent(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(schema: string, name: string): string {
    return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

export async function connect(c: PgConnection, database: string): Promise<Client> {
    const client = new Client({ ...clientConfig(c, database), connectionTimeoutMillis: 15000 });
    try {
        await client.connect();
    } catch (e) {
        throw new Error(`cannot connect to database "${database}" as ${c.user}@${c.host}:${c.port}: ${(e as Error).message}`);
    }
    return client;
}

export async function withClient<T>(c: PgConnection, database: string, fn: (client: Client) => Promise<T>): Promise<T> {
    const client = await connect(c, database);
    try {
        return await fn(client);
    } finally {
        await client.end();
    }
}

export async function serverVersionNum(client: Client): Promise<number> {
    const r = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    return Number(r.rows[0].v);
}

/** Application databases: not templates, connectable, not a service's own. */
export async function listDatabases(client: Client): Promise<string[]> {
    const r = await client.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE NOT datistemplate AND datallowconn AND datname <> ALL($1) ORDER BY datname",
        [SERVICE_DATABASES],
    );
    return r.rows.map((row) => row.datname);
}

/** Owner of `database`, or undefined when it does not exist. */
export async function databaseOwner(client: Client, database: string): Promise<string | undefined> {
    const r = await client.query<{ owner: string }>("SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1", [database]);
    return r.rows[0]?.owner;
}

export interface Relation {
    readonly schema: string;
    readonly name: string;
}

export const relationKey = (r: Relation) => `${r.schema}.${r.name}`;

/** Tables (plain and partitioned) an application created: what makes a target "not empty". */
export async function userTables(client: Client): Promise<Relation[]> {
    const r = await client.query<Relation>(
        `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND ${SYSTEM_SCHEMAS} AND ${NOT_EXTENSION_MEMBER} ORDER BY 1, 2`,
    );
    return r.rows;
}

/** Application relations of one kind ('r' tables, 'S' sequences): no system schemas, no extension members. */
async function applicationRelations(client: Client, relkind: "r" | "S"): Promise<Relation[]> {
    const result = await client.query<Relation>(
        `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = $1 AND ${SYSTEM_SCHEMAS} AND ${NOT_EXTENSION_MEMBER} ORDER BY 1, 2`,
        [relkind],
    );
    return result.rows;
}

/**
 * Exact row count of every table that stores rows (partitions counted, their parents not, so the
 * sum is the number of rows), in the snapshot of the caller's transaction.
 */
export async function rowCounts(client: Client): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const t of await applicationRelations(client, "r")) {
        const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(t.schema, t.name)}`);
        counts.set(relationKey(t), Number(r.rows[0].n));
    }
    return counts;
}

export interface SequenceState {
    readonly lastValue: string;
    readonly isCalled: boolean;
}

/** Position of every application sequence; nextval() continues from exactly here. */
export async function sequenceStates(client: Client): Promise<Map<string, SequenceState>> {
    const states = new Map<string, SequenceState>();
    for (const s of await applicationRelations(client, "S")) {
        const r = await client.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${qualified(s.schema, s.name)}`);
        states.set(relationKey(s), { lastValue: r.rows[0].last_value, isCalled: r.rows[0].is_called });
    }
    return states;
}
