// The eks stack (EKS + RDS + ElastiCache Valkey) as the program registers it under mocks: each
// production setting the EKS issue lists, asserted on the resources' real inputs and options.
import { parseConfig } from "../config";
import { CLUSTER_ADMIN_POLICY, deployerProblem, entryName } from "../providers/eks/access";
import { VPC_CNI_CONFIGURATION } from "../providers/eks/addons";
import { CLUSTER_KEY_ACTIONS, NODE_POLICIES } from "../providers/eks/iam";
import { EKS_REGIONS } from "../providers/eks/config";
import { CLUSTER_AUTOSCALER_CHART } from "../versions";
import { RDS_CA, rdsBackupRetentionDays, rdsCaBundle, rdsWindows } from "../providers/eks/rds";
import { eksKubeconfig, subnetPlan, valkeyNodeType } from "../providers/eks/settings";
import type { ProgramRun, RecordedResource } from "../scripts/offline";
import { find, findAll, observeRun, runStack, stackConfig, stackValues } from "./helpers";

let eks: ProgramRun;
let file: Record<string, any>;
beforeAll(async () => {
    eks = await runStack("eks");
    file = stackValues("eks");
});
const one = (type: string): RecordedResource => {
    const hits = findAll(eks, type);
    if (hits.length !== 1) throw new Error(`expected one ${type}, found ${hits.length}`);
    return hits[0];
};
const idOf = (r: RecordedResource) => `${r.name}-id`;

describe("network", () => {
    test("three private and three public subnets in three zones, tagged for internal and internet load balancers", () => {
        const subnets = findAll(eks, "aws:ec2/subnet:Subnet");
        const priv = subnets.filter((s) => s.inputs.tags["kubernetes.io/role/internal-elb"] === "1");
        const pub = subnets.filter((s) => s.inputs.tags["kubernetes.io/role/elb"] === "1");
        expect([priv.length, pub.length]).toEqual([3, 3]);
        expect(new Set(priv.map((s) => s.inputs.availabilityZone)).size).toBe(3);
        // The offline account's first zone name is use1-az3 (EKS refuses its subnets) and it has a
        // Local Zone: neither is used (scripts/offline-invokes.ts applies the query as EC2 does).
        for (const s of subnets) expect(s.inputs.availabilityZone).toMatch(/^offline-zone-[bcd]$/);
        expect(priv.map((s) => s.inputs.cidrBlock)).toEqual(subnetPlan(file["slipway:eks"].vpcCidr ?? "10.40.0.0/16").private);
        for (const s of pub) expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
    });

    test("a NAT per zone when highly available, one otherwise; every private subnet routes through one", async () => {
        expect(findAll(eks, "aws:ec2/natGateway:NatGateway")).toHaveLength(3);
        const single = await runStack("eks", stackConfig("eks", (v) => (v["slipway:eks"].highAvailability = false)));
        expect(findAll(single, "aws:ec2/natGateway:NatGateway")).toHaveLength(1);
        const privateTables = findAll(single, "aws:ec2/routeTable:RouteTable").filter((t) => t.inputs.routes[0].natGatewayId);
        expect(privateTables).toHaveLength(3);
    });
});

describe("cluster", () => {
    let cluster: RecordedResource;
    beforeAll(() => (cluster = one("aws:eks/cluster:Cluster")));

    test("a supported version, STANDARD support, API authentication with no implicit creator admin", () => {
        expect(cluster.inputs.version).toBe(file["slipway:cluster"].kubernetesVersion);
        expect(cluster.inputs.upgradePolicy).toEqual({ supportType: "STANDARD" });
        expect(cluster.inputs.accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
        expect(cluster.inputs.bootstrapSelfManagedAddons).toBe(false);
        expect(cluster.protect).toBe(true);
        expect(cluster.inputs.deletionProtection).toBe(true);
    });

    test("Secrets envelope-encrypted with a rotating, protected KMS key; api/audit/authenticator logs into a group with retention made first", () => {
        const key = one("aws:kms/key:Key");
        expect(key.inputs.enableKeyRotation).toBe(true);
        expect(key.protect).toBe(true);
        expect(cluster.inputs.encryptionConfig).toEqual({ provider: { keyArn: `arn:aws:offline:::kms/key/${key.name}` }, resources: ["secrets"] });
        expect(cluster.dependencies).toContain(key.urn);
        // The cluster role may use that key (and only it) before the cluster is made.
        const keyUse = findAll(eks, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name.endsWith("-cluster-encryption"))!;
        expect(JSON.parse(keyUse.inputs.policy).Statement).toEqual([{ Effect: "Allow", Action: CLUSTER_KEY_ACTIONS, Resource: `arn:aws:offline:::kms/key/${key.name}` }]);
        expect(keyUse.inputs.role).toBe("shop-eks-cluster");
        expect(cluster.dependencies).toContain(keyUse.urn);
        expect(cluster.inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator"]);
        const logs = one("aws:cloudwatch/logGroup:LogGroup");
        expect(logs.inputs).toMatchObject({ name: "/aws/eks/shop/cluster", retentionInDays: 90 });
        expect(cluster.dependencies).toContain(logs.urn);
    });

    test("endpoint private, public only to the listed CIDRs (some: Pulumi is outside the VPC it makes); 0.0.0.0/0 only with the explicit opt-in", async () => {
        expect(cluster.inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] });
        const narrow = await runStack("eks", stackConfig("eks", (v) => (v["slipway:eks"] = { ...v["slipway:eks"], publicAccessCidrs: ["198.51.100.0/24"], allowPublicApiFromAnywhere: false })));
        expect(findAll(narrow, "aws:eks/cluster:Cluster")[0].inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["198.51.100.0/24"] });
        const none = await observeRun("eks", stackConfig("eks", (v) => (v["slipway:eks"].publicAccessCidrs = [])));
        expect(String(none.error)).toContain("slipway:eks.publicAccessCidrs: list the CIDRs Pulumi and kubectl reach the API from");
        const refused = await observeRun("eks", stackConfig("eks", (v) => (v["slipway:eks"].allowPublicApiFromAnywhere = false)));
        expect(String(refused.error)).toContain("slipway:eks.publicAccessCidrs: 0.0.0.0/0 opens the API endpoint to the internet");
        expect(refused.registered).toEqual([]);
    });

    test("exactly the listed admins get an access entry and cluster admin, named by principal; the deployer (its role, not the STS session) must be one", async () => {
        const entries = findAll(eks, "aws:eks/accessEntry:AccessEntry");
        expect(entries.map((e) => e.inputs.principalArn)).toEqual(file["slipway:eks"].admins);
        expect(entries.map((e) => e.name)).toEqual(file["slipway:eks"].admins.map((a: string) => `shop-access-${entryName(a)}`));
        for (const p of findAll(eks, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")) {
            expect(p.inputs).toMatchObject({ policyArn: CLUSTER_ADMIN_POLICY, accessScope: { type: "cluster" } });
        }
        // Reordered: the same resources, so nothing is replaced.
        const reordered = await runStack("eks", stackConfig("eks", (v) => v["slipway:eks"].admins.reverse()));
        const byName = (run: ProgramRun) => Object.fromEntries(findAll(run, "aws:eks/accessEntry:AccessEntry").map((e) => [e.name, e.inputs.principalArn]));
        expect(byName(reordered)).toEqual(byName(eks));
        // The mock's session is an assumed deployer role, listed; anyone unlisted is stopped (each entry's input checks).
        const platform = "arn:aws:iam::123456789012:role/platform";
        expect(deployerProblem(platform, [platform])).toBeUndefined();
        expect(deployerProblem("arn:aws:iam::123456789012:role/ci", [platform])).toContain('slipway:eks.admins: "arn:aws:iam::123456789012:role/ci" runs pulumi up but is not listed');
    });

    test("the Kubernetes providers wait for the admins' access and the add-ons; kubeconfig uses aws eks get-token, secret", () => {
        const providers = findAll(eks, "pulumi:providers:kubernetes");
        for (const entry of findAll(eks, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")) for (const p of providers) expect(p.dependencies).toContain(entry.urn);
        expect(eks.secretOutputs).toContain("kubeconfig");
        const kc = JSON.parse(eks.outputs.kubeconfig as string);
        expect(kc.users[0].user.exec).toMatchObject({ command: "aws", args: ["eks", "get-token", "--cluster-name", "shop", "--region", "us-east-1", "--output", "json"] });
        expect(providers[0].inputs.clusterIdentifier).toBe("eks-us-east-1-shop");
    });
});

describe("nodes and add-ons", () => {
    test("AL2023 managed nodes in the private subnets, IMDSv2 with hop limit 1, encrypted gp3 root, desired size left to scaling", () => {
        const group = one("aws:eks/nodeGroup:NodeGroup");
        const template = one("aws:ec2/launchTemplate:LaunchTemplate");
        expect(group.inputs.amiType).toBe("AL2023_x86_64_STANDARD");
        expect(group.inputs.version).toBe(file["slipway:cluster"].kubernetesVersion);
        expect(group.inputs.scalingConfig).toEqual({ minSize: 3, maxSize: 6, desiredSize: 3 });
        expect(group.ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
        expect(template.inputs.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
        expect(template.inputs.blockDeviceMappings[0].ebs).toMatchObject({ volumeType: "gp3", encrypted: "true" });
        const privateIds = findAll(eks, "aws:ec2/subnet:Subnet").filter((s) => s.inputs.tags["kubernetes.io/role/internal-elb"]).map(idOf);
        expect(group.inputs.subnetIds).toEqual(privateIds);
    });

    test("vpc-cni (network policy on), pod identity agent and kube-proxy before the nodes; CoreDNS and EBS CSI (Pod Identity) after", () => {
        const group = one("aws:eks/nodeGroup:NodeGroup");
        const addon = (n: string) => findAll(eks, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === n)!;
        for (const n of ["vpc-cni", "eks-pod-identity-agent", "kube-proxy"]) expect(group.dependencies).toContain(addon(n).urn);
        for (const n of ["coredns", "aws-ebs-csi-driver"]) expect(addon(n).dependencies).toContain(group.urn);
        expect(addon("vpc-cni").inputs.configurationValues).toBe(VPC_CNI_CONFIGURATION);
        const ebsRole = findAll(eks, "aws:iam/role:Role").find((r) => r.inputs.name === "shop-ebs-csi")!;
        expect(addon("aws-ebs-csi-driver").inputs.podIdentityAssociations).toEqual([{ roleArn: `arn:aws:offline:::iam/role/${ebsRole.name}`, serviceAccount: "ebs-csi-controller-sa" }]);
        for (const a of findAll(eks, "aws:eks/addon:Addon")) expect(a.inputs.addonVersion).toBe(`offline-latest-for-${file["slipway:cluster"].kubernetesVersion}`);
        expect(JSON.parse(ebsRole.inputs.assumeRolePolicy).Statement[0]).toEqual({ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] });
        const nodePolicies = findAll(eks, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs.policyArn);
        for (const p of NODE_POLICIES) expect(nodePolicies).toContain(p);
    });

    test("the Cluster Autoscaler scales the group between min and max: its image matches the minor, credentials by Pod Identity, changes only to this cluster's groups", () => {
        const group = one("aws:eks/nodeGroup:NodeGroup");
        const chart = find(eks, "kubernetes:helm.sh/v4:Chart", "shop-cluster-autoscaler");
        const minor = file["slipway:cluster"].kubernetesVersion;
        expect(chart.inputs).toMatchObject({ chart: "cluster-autoscaler", version: CLUSTER_AUTOSCALER_CHART.version, namespace: "kube-system" });
        expect(chart.inputs.values.image.tag).toMatch(new RegExp(`^v${minor.replace(".", "\\.")}\\.\\d+$`));
        expect(chart.inputs.values).toMatchObject({ autoDiscovery: { clusterName: "shop" }, awsRegion: file["slipway:eks"].region });
        // The association names the chart's service account, and exists before the pod is created.
        const association = one("aws:eks/podIdentityAssociation:PodIdentityAssociation");
        expect(association.inputs).toMatchObject({ namespace: "kube-system", serviceAccount: chart.inputs.values.rbac.serviceAccount.name });
        expect(chart.dependencies).toEqual(expect.arrayContaining([association.urn, group.urn]));
        const role = findAll(eks, "aws:iam/role:Role").find((r) => r.inputs.name === "shop-cluster-autoscaler")!;
        expect(association.inputs.roleArn).toBe(`arn:aws:offline:::iam/role/${role.name}`);
        const policy = JSON.parse(findAll(eks, "aws:iam/rolePolicy:RolePolicy").find((p) => p.inputs.role === "shop-cluster-autoscaler")!.inputs.policy);
        const writes = policy.Statement.find((s: any) => s.Action.includes("autoscaling:SetDesiredCapacity"));
        expect(writes.Condition).toEqual({ StringEquals: { "autoscaling:ResourceTag/kubernetes.io/cluster/shop": "owned" } });
        // Pulumi leaves the desired size to it after creation.
        expect(group.ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
    });

    test("gp3 is the default class (encrypted, WaitForFirstConsumer, expandable) with a Retain twin that data uses", () => {
        const classes = findAll(eks, "StorageClass");
        const gp3 = classes.find((c) => c.inputs.metadata.name === "gp3")!;
        expect(gp3.inputs).toMatchObject({ provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", encrypted: "true" }, volumeBindingMode: "WaitForFirstConsumer", allowVolumeExpansion: true });
        expect(gp3.inputs.metadata.annotations["storageclass.kubernetes.io/is-default-class"]).toBe("true");
        expect(classes.find((c) => c.inputs.metadata.name === "gp3-retain")!.inputs.reclaimPolicy).toBe("Retain");
        for (const sts of findAll(eks, "StatefulSet")) expect(sts.inputs.spec.volumeClaimTemplates[0].spec.storageClassName).toBe("gp3-retain");
    });

    test("Traefik behind an NLB from EKS's cloud controller", () => {
        const chart = find(eks, "kubernetes:helm.sh/v4:Chart", "shop-traefik");
        expect(chart.inputs.values.service.spec.type).toBe("LoadBalancer");
        expect(chart.inputs.values.service.annotations["service.beta.kubernetes.io/aws-load-balancer-type"]).toBe("nlb");
    });
});

describe("RDS PostgreSQL", () => {
    let db: RecordedResource;
    beforeAll(() => (db = one("aws:rds/instance:Instance")));

    test("private, encrypted gp3 with an autoscaling cap, Multi-AZ when HA, backups, deletion protection and a final snapshot", () => {
        expect(db.inputs).toMatchObject({
            engine: "postgres",
            engineVersion: file["slipway:database"].version,
            multiAz: true,
            storageType: "gp3",
            storageEncrypted: true,
            allocatedStorage: 20,
            maxAllocatedStorage: 80,
            publiclyAccessible: false,
            deletionProtection: true,
            skipFinalSnapshot: false,
            caCertIdentifier: "rds-ca-rsa2048-g1",
            backupRetentionPeriod: 7,
            engineLifecycleSupport: "open-source-rds-extended-support-disabled",
        });
        expect(db.inputs.finalSnapshotIdentifier).toMatch(/^shop-postgres-final-[0-9a-f]+$/);
        expect(db.protect).toBe(true);
        expect(db.additionalSecretOutputs).toContain("password");
    });

    test("TLS forced by its parameter group; reachable only from the cluster's security group; in the private subnets", () => {
        const params = one("aws:rds/parameterGroup:ParameterGroup");
        expect(params.inputs.family).toBe(`postgres${file["slipway:database"].version}`);
        expect(params.inputs.parameters).toContainEqual({ name: "rds.force_ssl", value: "1" });
        const sg = findAll(eks, "aws:ec2/securityGroup:SecurityGroup").find((s) => s.inputs.name === "shop-postgres")!;
        expect(sg.inputs.ingress).toEqual([{ protocol: "tcp", fromPort: 5432, toPort: 5432, securityGroups: ["sg-0ff11ne0c1u57e4"], description: "EKS cluster" }]);
        expect(db.inputs.vpcSecurityGroupIds).toEqual([idOf(sg)]);
    });

    test("PgBouncer, the bootstrap Job and migrate-data verify RDS's certificate against the RDS CA bundle", () => {
        const ini = findAll(eks, "ConfigMap").find((c) => c.inputs.data?.["pgbouncer.ini"])!.inputs.data["pgbouncer.ini"];
        expect(ini).toMatch(/^server_tls_sslmode = verify-ca$/m);
        const ca = find(eks, "ConfigMap", "shop-db-server-ca").inputs.data["ca.pem"];
        expect(ca).toBe(rdsCaBundle());
        expect(ca.match(/BEGIN CERTIFICATE/g)!.length).toBeGreaterThan(10);
        expect((eks.outputs.databaseAdmin as any).sslmode).toBe("verify-ca");
        expect(eks.outputs.databaseService).toBeUndefined();
    });

    test("every region eks allows has its RDS root for the CA Slipway pins (rds-ca-rsa2048-g1) in the bundle verify-ca checks against", () => {
        const { X509Certificate } = require("crypto") as typeof import("crypto");
        const bundle = rdsCaBundle().split(/(?<=-----END CERTIFICATE-----)\s*/).filter((pem) => pem.includes("BEGIN"));
        const roots = new Set(bundle.map((pem) => /CN=Amazon RDS (\S+) Root CA RSA2048 G1/.exec(new X509Certificate(pem).subject)?.[1]).filter(Boolean));
        expect(RDS_CA).toBe("rds-ca-rsa2048-g1");
        expect(EKS_REGIONS.filter((r) => !roots.has(r))).toEqual([]);
        expect(roots.has("il-central-1")).toBe(false); // why it is not in EKS_REGIONS
    });

    test("windows: a daily backup hour from the schedule and a maintenance window that never overlaps it; retention 7-35 days", () => {
        expect(rdsWindows("03:00")).toEqual({ backupWindow: "03:00-04:00", maintenanceWindow: "sun:05:00-sun:06:00" });
        // Past midnight the maintenance hour is Monday's: "sun:23:00-sun:00:00" would end before it starts.
        expect(rdsWindows("21:00")).toEqual({ backupWindow: "21:00-22:00", maintenanceWindow: "sun:23:00-mon:00:00" });
        expect(rdsWindows("23:00")).toEqual({ backupWindow: "23:00-00:00", maintenanceWindow: "mon:01:00-mon:02:00" });
        const minutes = (w: string) => {
            const [d, h] = w.split(":");
            return (d === "mon" ? 24 * 60 : 0) + Number(h) * 60;
        };
        for (let h = 0; h < 24; h++) {
            const { maintenanceWindow } = rdsWindows(`${String(h).padStart(2, "0")}:00`);
            const [from, to] = maintenanceWindow.split("-");
            expect(minutes(to) - minutes(from)).toBe(60);
        }
        expect([rdsBackupRetentionDays(3), rdsBackupRetentionDays(14), rdsBackupRetentionDays(90)]).toEqual([7, 14, 35]);
    });
});

describe("ElastiCache Valkey", () => {
    test("TLS required, encrypted at rest, generated AUTH token, Multi-AZ failover, noeviction, its own security group", () => {
        const group = one("aws:elasticache/replicationGroup:ReplicationGroup");
        expect(group.inputs).toMatchObject({
            engine: "valkey",
            transitEncryptionEnabled: true,
            transitEncryptionMode: "required",
            atRestEncryptionEnabled: true,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            numCacheClusters: 2,
        });
        // ElastiCache AUTH tokens: 16-128 printable characters without / " @ (the token is generated without specials).
        const token = findAll(eks, "random:index/randomPassword:RandomPassword").find((p) => p.name.endsWith("-auth-token"))!;
        expect(token.inputs).toMatchObject({ length: 64, special: false });
        expect(group.inputs.authToken).toMatch(/^[^/"@]{16,128}$/);
        expect(group.additionalSecretOutputs).toContain("authToken");
        expect(group.inputs.finalSnapshotIdentifier).toMatch(/^shop-valkey-final-[0-9a-f]{6}$/);
        expect(group.protect).toBe(true);
        expect(one("aws:elasticache/parameterGroup:ParameterGroup").inputs.parameters).toEqual([{ name: "maxmemory-policy", value: "noeviction" }]);
        // Amazon's public CA signs it: the URL needs no CA file and keeps hostname checks.
        const redis = find(eks, "Secret", "shop-cache-credentials").inputs.stringData;
        expect(redis.REDIS_URL).toMatch(/^rediss:\/\/:[^@]+@master\.shop-valkey\.offline\.use1\.cache\.amazonaws\.com:6379\/0$/);
        expect(redis.REDIS_URL).toContain(`:${encodeURIComponent(group.inputs.authToken)}@`);
        expect(redis.REDIS_CA_FILE).toBeUndefined();
    });

    test("node type follows memoryMb", () => {
        expect([512, 2048, 4096, 12000].map(valkeyNodeType)).toEqual(["cache.t4g.small", "cache.t4g.medium", "cache.m7g.large", "cache.m7g.xlarge"]);
    });
});

describe("refused before any resource", () => {
    test.each([
        ["an unknown region", (v: any) => (v["slipway:eks"].region = "us-central1"), "slipway:eks.region"],
        ["a region with two zones", (v: any) => (v["slipway:eks"].region = "us-west-1"), "slipway:eks.region"],
        ["a minor EKS does not offer", (v: any) => (v["slipway:cluster"].kubernetesVersion = "1.37"), "slipway:cluster.kubernetesVersion"],
        ["an admin that is not an IAM ARN", (v: any) => (v["slipway:eks"].admins = ["alice"]), "slipway:eks.admins[0]"],
        ["no admin at all", (v: any) => (v["slipway:eks"].admins = []), "slipway:eks.admins"],
        ["a VPC range outside 10.0-255", (v: any) => (v["slipway:eks"].vpcCidr = "10.999.0.0/16"), "slipway:eks.vpcCidr"],
        ["Israel, whose RDS root the CA bundle lacks", (v: any) => (v["slipway:eks"].region = "il-central-1"), "slipway:eks.region"],
        ["a name too long for the Valkey group id", (v: any) => (v["slipway:cluster"].name = "a".repeat(34)), "slipway:cluster.name"],
        ["a name with two hyphens in a row", (v: any) => (v["slipway:cluster"].name = "my--shop"), "slipway:cluster.name"],
        ["RDS storage below 20 GiB", (v: any) => (v["slipway:database"].storageGb = 10), "slipway:database.storageGb"],
        ["an autoscaling cap not 10% above the size", (v: any) => (v["slipway:database"].maxStorageGb = 21), "slipway:database.maxStorageGb"],
        ["more cache memory than the largest node sized", (v: any) => (v["slipway:cache"].memoryMb = 32768), "slipway:cache.memoryMb"],
        ["a weekly backup RDS cannot keep", (v: any) => (v["slipway:database"].backup.schedule = "0 3 * * 1"), "slipway:database.backup.schedule"],
    ])("%s", async (_case, edit, key) => {
        const observed = await observeRun("eks", stackConfig("eks", edit));
        expect(String(observed.error)).toContain(`${key}:`);
        expect(observed.registered).toEqual([]);
    });

    test("the kubeconfig helper writes the endpoint and CA it is given", () => {
        expect(JSON.parse(eksKubeconfig("c", "eu-west-1", "https://x", "Q0E=")).clusters[0].cluster).toEqual({ server: "https://x", "certificate-authority-data": "Q0E=" });
        expect(() => parseConfig({ target: "eks", cluster: { name: "c" }, eks: { region: "eu-west-1", admins: ["arn:aws:iam::123456789012:role/ci"], publicAccessCidrs: ["198.51.100.0/24"] } }, { stack: "t", secretKeys: new Set() })).not.toThrow();
    });
});
