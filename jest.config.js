/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/tests"],
    testMatch: ["**/*.test.ts"],
    // Type-checking is `npm run typecheck`'s job; tests only transpile, which keeps them fast.
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
    testTimeout: 60000,
    // Program runs load the SDKs once per worker through Node's own modules (tests/helpers.ts); what
    // jest's registry loads per test file still adds up in a long-lived worker. Two workers (never
    // in-band, which jest picks for one) recycled past 1.5 GB keep the suite's memory flat.
    maxWorkers: 2,
    workerIdleMemoryLimit: "1500MB",
    reporters: ["default", "<rootDir>/tests/progress-reporter.js"],
};
