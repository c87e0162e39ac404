/**
 * What an ingress (the Cloudflare tunnel) needs of a service to route to it: its DNS name on a
 * shared network, what it is, and which networks it joins. A HardenedContainer is one; anything
 * else that runs a service (another renderer, a container built by hand) can be one too.
 */
import type { ServiceSpec } from "./spec";

export interface PublishableNetwork {
  /** Docker network name (or a token resolving to it). */
  readonly name: string;
  readonly logicalName: string;
  readonly internal: boolean;
}

export interface PublishableService {
  /** DNS name the ingress connects to on the shared network. */
  readonly hostname: string;
  /** The service: its name, role (backend roles are never published), image and declared ports. */
  readonly service: Pick<ServiceSpec, "name" | "role" | "image" | "ports">;
  readonly networks: readonly PublishableNetwork[];
}
