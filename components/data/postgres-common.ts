// What every piece around Postgres agrees on: pinned images (versions.ts), the image's user, the
// port, and the label that admits a pod through the database's NetworkPolicy.
export { POSTGRES_IMAGES } from "../../versions";

/** The official image's postgres user and group. */
export const POSTGRES_UID = 999;
export const POSTGRES_PORT = 5432;
