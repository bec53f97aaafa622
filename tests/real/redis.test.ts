// Real redis-server fed exactly redisConf() and the password the way the component passes it.
import * as fs from "fs";
import * as path from "path";
import { redisUrl } from "../../components/data/connection";
import { redisConf } from "../../components/data/redis-config";
import { RespError, respCommands, respViaUrl } from "./resp";
import { awkwardPassword, freePort, RedisServer, sleep, startRedis, stopAll, tempDir, track } from "./servers";

const password = awkwardPassword();
let redis: RedisServer;
let url: string;

beforeAll(async () => {
    const port = await freePort();
    const conf = redisConf({ maxmemoryMb: 8, dataDir: tempDir("redis-data"), port, bind: "127.0.0.1" });
    redis = track(await startRedis(conf, password));
    url = redisUrl({ host: "127.0.0.1", port, password });
});
afterAll(() => stopAll());

test("the URL from redisUrl() authenticates and serves", async () => {
    const [auth, select, set, get] = await respViaUrl(url, [
        ["SET", "greeting", "hello"],
        ["GET", "greeting"],
    ]);
    expect([auth, select, set, get]).toEqual(["OK", "OK", "OK", "hello"]);
});

test("a wrong password or none is refused", async () => {
    const [wrong, afterWrong] = await respCommands(redis.port, [["AUTH", "wrong-password"], ["GET", "greeting"]]);
    expect(wrong).toBeInstanceOf(RespError);
    expect(String((wrong as RespError).message)).toMatch(/WRONGPASS/);
    expect(String((afterWrong as RespError).message)).toMatch(/NOAUTH/);
    const [anonymous] = await respCommands(redis.port, [["GET", "greeting"]]);
    expect(String((anonymous as RespError).message)).toMatch(/NOAUTH/);
});

test("the password does not stay visible in the process's command line", () => {
    const cmdline = fs.readFileSync(`/proc/${redis.pid()}/cmdline`, "utf8");
    expect(cmdline).toMatch(/redis-server/);
    expect(cmdline).not.toContain(password);
});

test("past maxmemory, writes fail loudly instead of evicting keys (noeviction)", async () => {
    const big = "x".repeat(256 * 1024);
    let refused: RespError | undefined;
    let accepted = 0;
    while (accepted < 200 && !refused) {
        const [, , reply] = await respViaUrl(url, [["SET", `big:${accepted}`, big]]);
        if (reply instanceof RespError) refused = reply;
        else accepted++;
    }
    expect(refused?.message).toMatch(/^OOM /);
    const [, , first, greeting] = await respViaUrl(url, [["STRLEN", "big:0"], ["GET", "greeting"]]);
    expect([first, greeting]).toEqual([big.length, "hello"]);
    const keys = (await respViaUrl(url, [["DBSIZE"]]))[2];
    expect(keys).toBe(accepted + 1); // every accepted big value plus greeting: none evicted
    await respViaUrl(url, [["FLUSHDB"]]);
    await respViaUrl(url, [["SET", "greeting", "hello"]]);
});

test("data survives a clean restart and a crash (AOF, fsync every second), in AOF files in dir", async () => {
    await respViaUrl(url, [["SET", "before-restart", "1"]]);
    await redis.restart();
    expect((await respViaUrl(url, [["GET", "before-restart"]]))[2]).toBe("1");

    await respViaUrl(url, [["RPUSH", "orders", "a", "b", "c"]]);
    await sleep(1500); // appendfsync everysec: older than a second is on disk
    await redis.crashAndRestart(); // SIGKILL: no shutdown save, only what the AOF holds survives
    const [, , orders, greeting] = await respViaUrl(url, [["LRANGE", "orders", "0", "-1"], ["GET", "greeting"]]);
    expect(orders).toEqual(["a", "b", "c"]);
    expect(greeting).toBe("hello");

    const aofDir = path.join(redis.dataDir, "appendonlydir");
    const files = fs.readdirSync(aofDir);
    expect(files.some((f) => f.endsWith(".manifest"))).toBe(true);
    expect(files.some((f) => /\.incr\.aof$/.test(f))).toBe(true);
    // Snapshots are off (save ""): the AOF alone carried the data across the crash.
    expect(fs.existsSync(path.join(redis.dataDir, "dump.rdb"))).toBe(false);
});
