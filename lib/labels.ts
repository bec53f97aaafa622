// Pod labels by which NetworkPolicies admit a pod to a service: set by the app and data layers,
// read by each other's policies, so they live here rather than in either layer.

/** On app pods (and their migrate Jobs) that declared a database: admits them to the pooler, or to Postgres without one. */
export const DATABASE_CLIENT_LABEL = "slipway.dev/database";
/** On migrate Job pods only: admits them to Postgres itself, past the pooler. */
export const MIGRATE_CLIENT_LABEL = "slipway.dev/database-migrate";
/** On pods of apps with `cache: true`: admits them to Redis. */
export const CACHE_CLIENT_LABEL = "slipway.dev/cache";
/** On pods allowed to reach Postgres directly: the pooler, Slipway's Jobs, migrate-data's relay. */
export const POSTGRES_CLIENT_LABEL = "slipway.dev/postgres-client";

/**
 * On a Service of type LoadBalancer: says the public address (and its bill) is intended. The policy
 * pack (policy/policies.ts) refuses LoadBalancer Services without it.
 */
export const LOAD_BALANCER_OPT_IN = "slipway.dev/load-balancer";
