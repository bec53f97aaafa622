// What every managed Postgres (Cloud SQL, RDS) asks of the database config: one automated backup a
// day in a window, an admin role of Slipway's own that no service may take, backups always on, and a
// cap on the disk's autoresize.
import type { DatabaseConfig } from "../config";

const DAILY_CRON = /^(\d{1,2})\s+(\d{1,2})\s+\*\s+\*\s+\*$/;

/** Managed services take one automated backup a day, in a window starting at this UTC hour ("03:00"). */
export function backupStartTime(schedule: string): string | undefined {
    const match = DAILY_CRON.exec(schedule.trim());
    if (!match || Number(match[1]) > 59 || Number(match[2]) > 23) return undefined;
    return `${match[2].padStart(2, "0")}:00`;
}

/** The autoresize cap: `database.maxStorageGb`, else four times the starting size. */
export function maxStorageGb(db: DatabaseConfig): number {
    return db.maxStorageGb ?? db.storageGb * 4;
}

/** What a managed Postgres (`service`, whose admin role is `adminUser`) cannot honour; empty when it can. */
export function managedPostgresProblems(db: DatabaseConfig, managed: { service: string; adminUser: string }): string[] {
    const problems: string[] = [];
    if (backupStartTime(db.backup.schedule) === undefined) {
        problems.push(`slipway:database.backup.schedule: got "${db.backup.schedule}"; ${managed.service} backs up once a day, allowed: a daily cron such as "0 3 * * *" (UTC)`);
    }
    db.databases.forEach((d, i) => {
        if ((d.user ?? d.name) === managed.adminUser) {
            problems.push(`slipway:database.databases[${i}].user: "${managed.adminUser}" is Slipway's admin role on ${managed.service}; choose another name`);
        }
    });
    if (!db.backup.enabled) {
        problems.push(`slipway:database.backup.enabled: got false; managed Postgres always keeps automated backups (point-in-time recovery needs them), allowed: true`);
    }
    return problems;
}
