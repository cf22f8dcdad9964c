/**
 * The connect policy of this server (src/protocol/net/connect-policy.ts) from its configuration
 * and what it listens on: the operator's allowed ranges (DEVICE_ALLOWED_RANGES), the platform's own
 * ports (HTTP — the port it really listens on once it does —, the broker and the database), this
 * host's interface addresses, and the loopback devices its embedded agent serves (the demo fleet).
 */
import { networkInterfaces } from 'node:os';
import { parseCidrList, type ConnectPolicy } from '../../protocol/net/connect-policy';

export interface PlatformPolicySources {
  allowedRanges: readonly string[];
  /** Ports fixed by the configuration (PORT). */
  configuredPorts: readonly number[];
  /** URLs of the services the platform runs or uses (broker, database): their ports are its own. */
  serviceUrls: () => ReadonlyArray<string | undefined>;
  /** The HTTP port it listens on, once it does. */
  listeningPort: () => number | undefined;
  /** `address:port` pairs served by the embedded agent (shared by reference: the demo fleet adds its devices). */
  agentTargets: ReadonlyArray<{ address: string; port: number }>;
}

function portOf(url: string | undefined): number | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    if (u.port) return Number(u.port);
    const fromQuery = u.searchParams.get('port');
    if (fromQuery) return Number(fromQuery);
    return { 'mqtt:': 1883, 'mqtts:': 8883, 'postgres:': 5432, 'postgresql:': 5432 }[u.protocol];
  } catch {
    // "127.0.0.1:5433" (the embedded database's TCP listener) is not a URL
    const m = /:(\d{1,5})$/.exec(url);
    return m ? Number(m[1]) : undefined;
  }
}

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address.replace(/%.*$/, '')));
}

export function platformConnectPolicy(s: PlatformPolicySources): () => ConnectPolicy {
  const allowedRanges = parseCidrList(s.allowedRanges.join(','));
  return () => {
    const ports = [...s.configuredPorts, s.listeningPort(), ...s.serviceUrls().map(portOf)];
    return {
      allowedRanges,
      ownPorts: [...new Set(ports.filter((p): p is number => p !== undefined && p > 0))],
      localAddresses: interfaceAddresses(),
      agentTargets: s.agentTargets,
    };
  };
}
