// Recognises credentials typed into plain `env:` config. An env literal lands in the stack file, in
// the pod spec and in every `kubectl describe`; credentials belong in `secretEnv` (a Kubernetes
// Secret read by reference). Pure and never echoing a value: callers report only the key.

/** Names that say "credential" whatever the value: *_PASSWORD, *_SECRET*, *_TOKEN, *_KEY, ... */
const CREDENTIAL_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY)|(^|_)KEY$/i;

/** Value shapes of well-known credentials, each with what it is (said in the error, the value never is). */
const CREDENTIAL_VALUES: readonly { readonly what: string; readonly pattern: RegExp }[] = [
    { what: "a URL with a password in it", pattern: /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^@\s/]+@/i },
    { what: "a Stripe secret or restricted key", pattern: /^(sk|rk)_(live|test)_[0-9A-Za-z]{8,}/ },
    { what: "an AWS access key id", pattern: /^(AKIA|ASIA)[0-9A-Z]{16}$/ },
    { what: "a GitHub token", pattern: /^(gh[pousr]_[0-9A-Za-z]{20,}|github_pat_[0-9A-Za-z_]{20,})/ },
    { what: "a Slack token", pattern: /^xox[abposr]-[0-9A-Za-z-]{10,}/ },
    { what: "a Google API key", pattern: /^AIza[0-9A-Za-z_-]{35}$/ },
    { what: "a private key", pattern: /-----BEGIN ([A-Z]+ )*PRIVATE KEY-----/ },
    { what: "a JSON Web Token", pattern: /^eyJ[0-9A-Za-z_-]{8,}\.eyJ[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]+$/ },
];

/**
 * Why an env entry looks like a credential ("its name ends in _KEY", "a Stripe secret or
 * restricted key"), or undefined. The reason never contains the value.
 */
export function credentialReason(name: string, value: string): string | undefined {
    const byValue = CREDENTIAL_VALUES.find((c) => c.pattern.test(value));
    if (byValue) return `the value is ${byValue.what}`;
    if (CREDENTIAL_NAME.test(name)) return "the name says it is a credential";
    return undefined;
}

/** The config key a credential moves to: STRIPE_KEY -> stripeKey. */
export function suggestedSecretKey(envName: string): string {
    return envName.toLowerCase().replace(/_+([a-z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/^[^a-z]+/, "") || "secret";
}
