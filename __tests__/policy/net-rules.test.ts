import { CATALOG } from "../../policy/catalog";
import { RULES } from "../../policy/rules/net";
import { compliantContainer, dockerStack, internalNetwork, publicNetwork } from "../helpers/fixtures";
import { findings, hits, type Json } from "../helpers/policy";

/** Findings of one rule as `severity address`, in ordinal order (independent of the engine's sort). */
function sortedHits(json: Json, ruleId: string): string[] {
  return hits(json, ruleId).sort();
}

const PIN = { required_providers: { docker: { source: "kreuzwerker/docker", version: "3.6.2" } } };

function stack(resources: Json, extra: Json = {}): Json {
  return { terraform: PIN, resource: resources, ...extra };
}

/** A datastore container with the given image, attached to the given networks. */
function db(image: string, networks: Json[] | Json | null = [{ name: "${docker_network.backnet.name}" }], overrides: Json = {}): Json {
  // null: no networks_advanced at all (the key is omitted, as Terraform JSON would).
  const c = compliantContainer({ name: "db", image, networks_advanced: networks, ...overrides });
  if (networks === null) delete c.networks_advanced;
  return c;
}

function withoutNetworks(c: Json): Json {
  delete c.networks_advanced;
  return c;
}

const NETWORKS = { backnet: internalNetwork(), frontnet: publicNetwork() };

describe("net rules registry", () => {
  test("registers exactly the NET catalog ids, in id order, all in the docker-runtime pack", () => {
    expect(RULES.map((r) => r.meta.id)).toEqual(["NET-001", "NET-002", "NET-003"]);
    expect(CATALOG.filter((m) => m.domain === "NET").map((m) => m.id)).toEqual(["NET-001", "NET-002", "NET-003"]);
    expect(new Set(RULES.map((r) => r.meta.pack))).toEqual(new Set(["docker-runtime"]));
  });
});

describe("NET-001 datastore on a non-internal network", () => {
  test("compliant: datastore only on an internal network", () => {
    expect(sortedHits(stack({ docker_network: NETWORKS, docker_container: { db: db("mariadb:11.4") } }), "NET-001")).toEqual([]);
  });

  test("non-compliant: datastore on a network with internal = false", () => {
    const json = stack({ docker_network: NETWORKS, docker_container: { db: db("postgres:16", [{ name: "${docker_network.frontnet.name}" }]) } });
    const f = findings(json, "NET-001");
    expect(f.map((x) => [x.ruleId, x.severity, x.address]).sort()).toEqual([["NET-001", "error", "docker_container.db"]]);
    expect(f[0].message).toContain("docker_network.frontnet");
    expect(f[0].message).toContain("internal = true");
  });

  test("internal omitted counts as not internal; `.id` references resolve too", () => {
    const json = stack({ docker_network: { plain: { name: "plain" } }, docker_container: { db: db("redis:7", [{ name: "${docker_network.plain.id}" }]) } });
    expect(sortedHits(json, "NET-001")).toEqual(["error docker_container.db"]);
  });

  test("one internal and one public network is still an error", () => {
    const json = stack({
      docker_network: NETWORKS,
      docker_container: { db: db("mariadb:11", [{ name: "${docker_network.backnet.name}" }, { name: "${docker_network.frontnet.name}" }]) },
    });
    expect(sortedHits(json, "NET-001")).toEqual(["error docker_container.db"]);
  });

  test("registry-prefixed and namespaced images are recognised", () => {
    const json = stack({
      docker_network: NETWORKS,
      docker_container: {
        a: db("docker.io/library/mariadb:11.4", [{ name: "${docker_network.frontnet.name}" }]),
        b: db("bitnami/redis:7", [{ name: "${docker_network.frontnet.name}" }]),
        c: db("localhost:5000/team/rabbitmq:3-management@sha256:" + "b".repeat(64), [{ name: "${docker_network.frontnet.name}" }]),
        d: db("ghcr.io/org/POSTGRES:16", [{ name: "${docker_network.frontnet.name}" }]),
      },
    });
    expect(sortedHits(json, "NET-001")).toEqual([
      "error docker_container.a", "error docker_container.b", "error docker_container.c", "error docker_container.d",
    ]);
  });

  test("names are exact: postgres-tools, myredis and an app are not datastores", () => {
    const json = stack({
      docker_network: NETWORKS,
      docker_container: {
        tools: db("example/postgres-tools:1.0", [{ name: "${docker_network.frontnet.name}" }]),
        my: db("myredis:1", [{ name: "${docker_network.frontnet.name}" }]),
        app: compliantContainer({ networks_advanced: [{ name: "${docker_network.frontnet.name}" }] }),
      },
    });
    expect(sortedHits(json, "NET-001")).toEqual([]);
  });

  test("image given as ${docker_image.x.image_id} resolves to the docker_image name", () => {
    const json = stack({
      docker_image: { mariadb: { name: "docker.io/library/mariadb:11.4", keep_locally: true }, app: { name: "ghcr.io/example/app:1" } },
      docker_network: NETWORKS,
      docker_container: {
        db: db("${docker_image.mariadb.image_id}", [{ name: "${docker_network.frontnet.name}" }]),
        app: db("${docker_image.app.image_id}", [{ name: "${docker_network.frontnet.name}" }]),
        dbok: db("${docker_image.mariadb.image_id}"),
      },
    });
    expect(sortedHits(json, "NET-001")).toEqual(["error docker_container.db"]);
  });

  test("an unresolvable image is not judged", () => {
    const json = stack({ docker_network: NETWORKS, docker_container: { db: db("${var.image}", [{ name: "${docker_network.frontnet.name}" }]) } });
    expect(sortedHits(json, "NET-001")).toEqual([]);
  });

  test("a literal network name matching a docker_network of the stack counts", () => {
    const json = stack({
      docker_network: NETWORKS,
      docker_container: { bad: db("mysql:8", [{ name: "frontnet" }]), good: db("mysql:8", [{ name: "backnet" }]) },
    });
    expect(sortedHits(json, "NET-001")).toEqual(["error docker_container.bad"]);
  });

  test("internal = \"true\" (string) is internal; a network name from a variable resolves by name", () => {
    const json = stack({
      docker_network: { back: { name: "backnet", internal: "true" } },
      docker_container: { db: db("valkey:8", [{ name: "${docker_network.back.name}" }]) },
    });
    expect(sortedHits(json, "NET-001")).toEqual([]);
  });

  test("a network this stack does not define is a warning (cannot be verified)", () => {
    const json = stack({
      docker_network: NETWORKS,
      docker_container: {
        ext: db("mongo:7", [{ name: "shared_backend" }]),
        v: db("mongo:7", [{ name: "${var.network}" }]),
        ds: db("mongo:7", [{ name: "${data.docker_network.shared.name}" }]),
      },
    });
    const f = findings(json, "NET-001");
    expect(f.map((x) => `${x.ruleId} ${x.severity} ${x.address}`).sort()).toEqual([
      "NET-001 warning docker_container.ds", "NET-001 warning docker_container.ext", "NET-001 warning docker_container.v",
    ]);
    expect(f.find((x) => x.address === "docker_container.ext")!.message).toContain("\"shared_backend\"");
  });

  test("internal given by an unresolvable reference is a warning", () => {
    const json = stack({
      docker_network: { back: { name: "backnet", internal: "${var.internal}" } },
      docker_container: { db: db("kafka:3", [{ name: "${docker_network.back.name}" }]) },
    });
    expect(sortedHits(json, "NET-001")).toEqual(["warning docker_container.db"]);
  });

  test("an error on a public network wins over a warning for an unknown one (one finding)", () => {
    const json = stack({
      docker_network: NETWORKS,
      docker_container: { db: db("etcd:3", [{ name: "external" }, { name: "${docker_network.frontnet.name}" }]) },
    });
    expect(sortedHits(json, "NET-001")).toEqual(["error docker_container.db"]);
  });

  test("network_mode: default bridge (unset or explicit) and host are non-internal; none is fine", () => {
    const json = stack({
      docker_network: NETWORKS,
      docker_container: {
        unset: db("redis:7", null),
        bridge: db("redis:7", null, { network_mode: "bridge" }),
        host: db("redis:7", null, { network_mode: "host" }),
        bridgeplus: db("redis:7", [{ name: "${docker_network.backnet.name}" }], { network_mode: "default" }),
        none: db("redis:7", null, { network_mode: "none" }),
        named: db("redis:7", null, { network_mode: "backnet" }),
        other: db("redis:7", null, { network_mode: "container:abc" }),
      },
    });
    expect(sortedHits(json, "NET-001")).toEqual([
      "error docker_container.bridge",
      "error docker_container.bridgeplus",
      "error docker_container.host",
      "error docker_container.unset",
      "warning docker_container.other",
    ]);
  });

  test("networks_advanced as a single object (not an array) is accepted", () => {
    const json = stack({ docker_network: NETWORKS, docker_container: { db: db("mariadb:11", { name: "${docker_network.frontnet.name}" }) } });
    expect(sortedHits(json, "NET-001")).toEqual(["error docker_container.db"]);
  });

  test("every datastore and broker image name is detected", () => {
    // The expected set is written out here: a name dropped from the knowledge leaf must fail this test.
    const names = [
      "mariadb", "mysql", "postgres", "postgresql", "redis", "valkey", "elasticsearch", "opensearch", "memcached", "rabbitmq",
      "mongo", "mongodb", "kafka", "zookeeper", "minio", "etcd", "cassandra", "couchdb", "influxdb", "clickhouse",
    ];
    const containers: Json = {};
    for (const n of names) containers[n] = db(`${n}:1`, [{ name: "${docker_network.frontnet.name}" }], { name: n });
    const json = stack({ docker_network: NETWORKS, docker_container: containers });
    expect(sortedHits(json, "NET-001")).toEqual(names.map((n) => `error docker_container.${n}`).sort());
  });
});

describe("NET-001 honours the bulwark.role label", () => {
  const FRONT = [{ name: "${docker_network.frontnet.name}" }];
  const kafka = (labels: unknown, networks: Json[] = FRONT): Json => db("confluentinc/cp-kafka:7.6.1", networks, { name: "kafka", labels });

  test.each([
    ["label blocks [{label, value}]", [{ label: "bulwark.role", value: "broker" }]],
    ["one label block", { label: "bulwark.role", value: "datastore" }],
    ["a map", { "bulwark.role": "cache" }],
    ["a map, role in upper case with spaces", { "bulwark.role": " Search " }],
  ])("non-compliant: a backend role on a non-internal network, labels as %s", (_shape, labels) => {
    const json = stack({ docker_network: NETWORKS, docker_container: { kafka: kafka(labels) } });
    expect(sortedHits(json, "NET-001")).toEqual(["error docker_container.kafka"]);
    expect(findings(json, "NET-001")[0].message).toMatch(/role "(broker|datastore|cache|search)"/);
  });

  test("compliant: a backend role only on an internal network", () => {
    const json = stack({ docker_network: NETWORKS, docker_container: { kafka: kafka([{ label: "bulwark.role", value: "broker" }], [{ name: "${docker_network.backnet.name}" }]) } });
    expect(sortedHits(json, "NET-001")).toEqual([]);
  });

  test("compliant: an unlabelled image that is no datastore name, and a non-backend role, are not judged", () => {
    const json = stack({
      docker_network: NETWORKS,
      docker_container: {
        plain: kafka(undefined),
        app: kafka([{ label: "bulwark.role", value: "app" }]),
        ingress: kafka({ "bulwark.role": "ingress" }),
        other: kafka([{ label: "team", value: "broker" }]),
      },
    });
    expect(sortedHits(json, "NET-001")).toEqual([]);
  });

  test("a role label on a network the stack does not define is a warning, like a datastore image", () => {
    const json = stack({ docker_network: NETWORKS, docker_container: { kafka: kafka({ "bulwark.role": "broker" }, [{ name: "shared-external" }]) } });
    expect(sortedHits(json, "NET-001")).toEqual(["warning docker_container.kafka"]);
  });
});

describe("NET-002 no tier separation", () => {
  const front = { networks_advanced: [{ name: "${docker_network.frontnet.name}" }] };

  test("compliant: the fixture stack uses an internal network", () => {
    expect(sortedHits(dockerStack(), "NET-002")).toEqual([]);
  });

  test("compliant: an internal network is used by some container, others may be on frontnet", () => {
    const json = stack({ docker_network: NETWORKS, docker_container: { app: compliantContainer(front), db: db("mariadb:11") } });
    expect(sortedHits(json, "NET-002")).toEqual([]);
  });

  test("non-compliant: only a public network, a backend container without ports", () => {
    const json = stack({
      docker_network: { frontnet: publicNetwork() },
      docker_container: {
        api: compliantContainer(front),
        web: compliantContainer({ ...front, ports: [{ internal: 8080, external: 8080, ip: "127.0.0.1" }] }),
        all: compliantContainer({ ...front, publish_all_ports: "true" }),
      },
    });
    const f = findings(json, "NET-002");
    expect(f.map((x) => `${x.ruleId} ${x.severity} ${x.address}`).sort()).toEqual(["NET-002 warning docker_container.api"]);
    expect(f[0].message).toContain("docker_network.frontnet");
  });

  test("an internal network defined but used by no container is not tier separation", () => {
    const json = stack({ docker_network: NETWORKS, docker_container: { api: compliantContainer(front) } });
    expect(sortedHits(json, "NET-002")).toEqual(["warning docker_container.api"]);
  });

  test("containers on the default bridge count as on a non-internal network", () => {
    const json = stack({ docker_container: { api: withoutNetworks(compliantContainer()) } });
    expect(sortedHits(json, "NET-002")).toEqual(["warning docker_container.api"]);
  });

  test("ingress connectors by image (registry/namespace ignored, docker_image resolved) or by label are exempt", () => {
    const json = stack({
      docker_image: { tunnel: { name: "docker.io/cloudflare/cloudflared:2025.1.0" } },
      docker_network: { frontnet: publicNetwork() },
      docker_container: {
        tunnel: compliantContainer({ ...front, image: "${docker_image.tunnel.image_id}" }),
        traefik: compliantContainer({ ...front, image: "traefik:v3.1" }),
        proxy: compliantContainer({ ...front, image: "nginx:1.27" }),
        listlabel: compliantContainer({ ...front, labels: [{ label: "bulwark.role", value: "ingress" }] }),
        objlabel: compliantContainer({ ...front, labels: { label: "bulwark.role", value: "Ingress" } }),
        other: compliantContainer({ ...front, labels: [{ label: "bulwark.role", value: "backend" }], image: "example/nginx-exporter:1" }),
      },
    });
    expect(sortedHits(json, "NET-002")).toEqual(["warning docker_container.other"]);
  });

  test("a network the stack does not define might be internal: no findings", () => {
    const json = stack({
      docker_network: { frontnet: publicNetwork() },
      docker_container: { api: compliantContainer(front), db: db("mariadb:11", [{ name: "external_backnet" }]) },
    });
    expect(sortedHits(json, "NET-002")).toEqual([]);
  });

  test("a container without any network (network_mode none) is not reported", () => {
    const json = stack({ docker_network: { frontnet: publicNetwork() }, docker_container: { batch: withoutNetworks(compliantContainer({ network_mode: "none" })) } });
    expect(sortedHits(json, "NET-002")).toEqual([]);
  });

  test("resource blocks in array form are accepted", () => {
    const json = {
      terraform: PIN,
      resource: [{ docker_network: [{ frontnet: [publicNetwork()] }] }, { docker_container: [{ api: [compliantContainer(front)] }] }],
    };
    expect(sortedHits(json, "NET-002")).toEqual(["warning docker_container.api"]);
  });
});
