/**
 * NetworkTopology: the two-tier network split (CIS Docker Benchmark §5.30: no default bridge;
 * NIST SP 800-190 §4.3.3: separate workloads of different sensitivity).
 * - `frontnet`: the tier the ingress connector and the web apps share (not internal: the
 *   connector needs egress to the Cloudflare edge).
 * - `backnet`: `internal: true`, no route off the host; datastores and brokers live here.
 * - optional further internal networks (e.g. `monnet` for monitoring).
 *
 * Every docker_network argument forces replacement (and so recreates attached containers), so
 * names and settings here are part of the contract: choose them once.
 */
import { Construct } from "constructs";
import { Network } from "@cdktf/provider-docker/lib/network";
import { claimHostName } from "./host-names";

export interface HardenedNetwork {
  /** Logical name (`frontnet`, `backnet`). */
  readonly logicalName: string;
  /** Docker network name (a token resolving to the network's `name`). */
  readonly name: string;
  readonly internal: boolean;
  readonly resource: Network;
}

export interface NetworkTopologyProps {
  /**
   * Prefix for the Docker network names, so several stacks can share one host
   * (`koha-frontnet`). Lower-case letters, digits and dashes.
   * @default "" (networks named `frontnet`, `backnet`)
   */
  readonly prefix?: string;
  /**
   * Further internal networks by logical name (each gets `internal: true`).
   * @default none
   */
  readonly additionalInternalNetworks?: readonly string[];
}

const NAME = /^[a-z][a-z0-9-]{0,40}$/;

export class NetworkTopology extends Construct {
  /** Public-facing tier: ingress connector and web apps. */
  readonly front: HardenedNetwork;
  /** Internal tier (`internal: true`): datastores, brokers, caches, search. */
  readonly back: HardenedNetwork;
  private readonly extra = new Map<string, HardenedNetwork>();

  constructor(scope: Construct, id: string, props: NetworkTopologyProps = {}) {
    super(scope, id);
    const prefix = props.prefix ?? "";
    if (prefix !== "" && !/^[a-z][a-z0-9-]{0,30}$/.test(prefix)) {
      throw new Error(`NetworkTopology ${this.node.path}: prefix "${prefix}" must be lower-case letters, digits and dashes, starting with a letter`);
    }
    const dockerName = (logical: string) => (prefix ? `${prefix}-${logical}` : logical);
    this.front = this.network("frontnet", dockerName("frontnet"), false);
    this.back = this.network("backnet", dockerName("backnet"), true);
    for (const logical of props.additionalInternalNetworks ?? []) {
      if (!NAME.test(logical)) {
        throw new Error(`NetworkTopology ${this.node.path}: additionalInternalNetworks entry "${logical}" must be lower-case letters, digits and dashes`);
      }
      if (logical === "frontnet" || logical === "backnet" || this.extra.has(logical)) {
        throw new Error(`NetworkTopology ${this.node.path}: network "${logical}" is declared twice`);
      }
      this.extra.set(logical, this.network(logical, dockerName(logical), true));
    }
  }

  /** An additional internal network declared in the props. */
  internal(logicalName: string): HardenedNetwork {
    const n = this.extra.get(logicalName);
    if (!n) {
      const known = [...this.extra.keys()].join(", ") || "none";
      throw new Error(`NetworkTopology ${this.node.path}: no internal network "${logicalName}" (declared: ${known}); add it to additionalInternalNetworks`);
    }
    return n;
  }

  private network(logicalName: string, dockerName: string, internal: boolean): HardenedNetwork {
    claimHostName(this, "network", dockerName, `NetworkTopology ${this.node.path}`);
    const resource = new Network(this, logicalName, {
      name: dockerName,
      driver: "bridge",
      internal,
      attachable: false,
      labels: [
        { label: "bulwark.network", value: logicalName },
        { label: "bulwark.internal", value: String(internal) },
      ],
    });
    // Stable, readable Terraform address: docker_network.frontnet (not a hashed path).
    resource.overrideLogicalId(dockerName.replace(/-/g, "_"));
    return { logicalName, name: resource.name, internal, resource };
  }
}
