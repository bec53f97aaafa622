/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/tests"],
    testMatch: ["**/*.test.ts"],
    // Type-checking is `npm run typecheck`'s job; tests only transpile, which keeps them fast.
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
    testTimeout: 60000,
    // Each program run loads @pulumi/pulumi afresh, and every copy stays reachable from the process's
    // exit listeners: in one process memory only grows. Two workers (never in-band, which jest picks
    // for one) recycled past 1.5 GB keep the suite's memory flat.
    maxWorkers: 2,
    workerIdleMemoryLimit: "1500MB",
    reporters: ["default", "<rootDir>/tests/progress-reporter.js"],
};
