// What every piece around Postgres agrees on: pinned images, the image's user, the port, and the
// label that admits a pod through the database's NetworkPolicy.

/** Official postgres images pinned per major (Debian bookworm variants). */
export const POSTGRES_IMAGES: Record<string, string> = {
    "14": "postgres:14.20-bookworm",
    "15": "postgres:15.15-bookworm",
    "16": "postgres:16.11-bookworm",
    "17": "postgres:17.7-bookworm",
};
/** The official image's postgres user and group. */
export const POSTGRES_UID = 999;
export const POSTGRES_PORT = 5432;
/** Label on pods allowed to reach Postgres directly (pooler, bootstrap and backup Jobs). */
export const POSTGRES_CLIENT_LABEL = "slipway.dev/postgres-client";
