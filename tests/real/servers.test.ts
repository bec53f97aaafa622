// The harness itself: a server that cannot start fails with its log, and stop leaves no process.
import * as fs from "fs";
import * as path from "path";
import { freePort, startPgbouncer, startPostgres, startRedis, stopAll, tempDir, track } from "./servers";

afterAll(() => stopAll());

const alive = (pid: number) => {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
};

test("a PgBouncer that cannot start rejects with its log", async () => {
    const ini = `[databases]\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = ${await freePort()}\nauth_type = bogus\nauth_file = ${path.join(tempDir("auth"), "u.txt")}\n`;
    await expect(startPgbouncer(ini, "")).rejects.toThrow(/PgBouncer did not start[\s\S]*--- log ---[\s\S]*auth_type/);
});

test("a redis-server that cannot start rejects with its log", async () => {
    const conf = `port ${await freePort()}\ndir ${tempDir("redis-bad")}\nno-such-directive yes\n`;
    await expect(startRedis(conf, "pw")).rejects.toThrow(/redis-server did not start[\s\S]*--- log ---[\s\S]*no-such-directive/);
});

test("stop() ends the server processes", async () => {
    const pg = track(await startPostgres());
    const postmaster = Number(fs.readFileSync(path.join(pg.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    expect(alive(postmaster)).toBe(true);
    const redis = track(await startRedis(`port ${await freePort()}\nbind 127.0.0.1\ndir ${tempDir("redis-ok")}\n`, "pw"));
    const redisPid = redis.pid()!;
    expect(alive(redisPid)).toBe(true);
    await stopAll();
    // A zombie awaiting its reaper still answers kill(0); check it is not running any more.
    const running = (pid: number) => {
        try {
            return alive(pid) && !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        } catch {
            return false; // gone between the two checks
        }
    };
    expect([running(postmaster), running(redisPid)]).toEqual([false, false]);
    expect(fs.existsSync(pg.dataDir)).toBe(false);
});
