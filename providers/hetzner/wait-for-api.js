// Run by Pulumi (a local command) after the servers exist: waits until the new cluster's API
// answers /readyz for the admin certificate, so the first Kubernetes object does not race k3s's
// start (cloud-init installs it a minute or two after boot). Plain Node: no tool to install.
const https = require("https");
const { API_URL, CA_PEM, CERT_PEM, KEY_PEM } = process.env;
const deadline = Date.now() + Number(process.env.TIMEOUT_SECONDS || 1200) * 1000;

function probe() {
    return new Promise((resolve) => {
        const req = https.get(`${API_URL}/readyz`, { ca: CA_PEM, cert: CERT_PEM, key: KEY_PEM, timeout: 5000 }, (res) => {
            res.resume();
            resolve(res.statusCode === 200);
        });
        req.on("error", () => resolve(false));
        req.on("timeout", () => req.destroy());
    });
}

(async () => {
    for (;;) {
        if (await probe()) return console.log(`${API_URL} is ready`);
        if (Date.now() > deadline) {
            console.error(`${API_URL} did not become ready; see /var/log/cloud-init-output.log on the first server`);
            process.exit(1);
        }
        await new Promise((r) => setTimeout(r, 5000));
    }
})();
