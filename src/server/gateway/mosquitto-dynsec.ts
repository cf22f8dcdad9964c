/**
 * Broker authorization on an external Mosquitto, managed by the platform (decision 0002, issue 12):
 * a client of the dynamic-security plugin's control API (`$CONTROL/dynamic-security/v1`, replies on
 * `.../response`) over the platform's ordinary MQTT connection, which is the plugin's admin.
 *
 * Every device (`dev:<serial>`) and agent (`agent:<id>`) gets a client of its own and a role of its
 * own whose ACLs are `allowedTopics` of src/protocol/tunnel/acl.ts — the embedded broker's table —
 * written as literal topics: Mosquitto 2.0 does not substitute `%u`/`%c` in subscribe ACLs, so a
 * shared role with patterns cannot confine a client to its own topics. A device not yet registered
 * connects with an account the platform made for its serial beforehand (from the code it set, or the
 * credentials it issued): that account reaches only that serial's hello/ack, so its holder can
 * neither read another party's secrets (hellos, requests, acks) nor answer as the platform. There is
 * no shared provisioning login and no anonymous access: an account nobody made is refused at CONNECT.
 *
 * The platform's own role (`<prefix>#`) is added to the admin client once (`ensurePlatformRole`):
 * Mosquitto disconnects a client whose roles change, so that is done on a short connection of its
 * own before the node's shared connection opens. Changing a client's password disconnects it too
 * (it reconnects with the new one); changing a role's ACLs does not.
 */
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { connectMqtt } from '../../mqtt/client';
import { PendingReplies } from '../../mqtt/pending-replies';
import { allowedTopics, registrationTopics, type AllowedTopics, type BrokerPrincipal } from '../../protocol/tunnel/acl';
import { AGENT_USER_PREFIX, DEVICE_USER_PREFIX, normalizePrefix } from '../../protocol/tunnel/envelope';
import type { BrokerAccounts, DeviceAccountScope } from './broker-accounts';

export const DYNSEC_CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
export const DYNSEC_RESPONSE_TOPIC = `${DYNSEC_CONTROL_TOPIC}/response`;
const DEFAULT_TIMEOUT_MS = 10_000;

export type DynsecErrorCode =
  /** No reply within the timeout: the plugin is not loaded, or this user may not use its topic. */
  | 'timeout'
  /** The plugin answered a command with an error (its message is in the error's message). */
  | 'command-failed'
  /** The connection closed (or the client was closed) while a command waited. */
  | 'closed'
  /** The broker refused the subscription to the replies: this user is not the plugin's admin. */
  | 'forbidden';

export class DynsecError extends Error {
  override readonly name = 'DynsecError';
  constructor(
    readonly code: DynsecErrorCode,
    message: string,
    /** The command that failed, for `command-failed`. */
    readonly command?: string,
  ) {
    super(message);
  }
}

export interface DynsecAcl {
  acltype: 'publishClientSend' | 'publishClientReceive' | 'subscribeLiteral' | 'subscribePattern' | 'unsubscribeLiteral' | 'unsubscribePattern';
  topic: string;
  allow: boolean;
  priority?: number;
}

/** One command of the control API, e.g. `{ command: 'deleteClient', username }`. */
export interface DynsecCommand {
  command: string;
  [field: string]: unknown;
}

export interface DynsecResponse {
  command: string;
  error?: string;
  data?: unknown;
}

/**
 * The ACL entries of a principal's role: what acl.ts allows, literally (publish filters may hold
 * `+`); `topics` overrides it (a registering device's `registrationTopics`).
 */
export function dynsecAcls(topicPrefix: string, who: BrokerPrincipal, topics?: AllowedTopics): DynsecAcl[] {
  const t = topics ?? allowedTopics(topicPrefix, who);
  if (who.kind === 'platform') {
    return [
      ...t.publish.map((topic): DynsecAcl => ({ acltype: 'publishClientSend', topic, allow: true })),
      ...t.subscribe.flatMap((topic): DynsecAcl[] => [
        { acltype: 'subscribePattern', topic, allow: true },
        { acltype: 'publishClientReceive', topic, allow: true },
      ]),
    ];
  }
  return [
    ...t.publish.map((topic): DynsecAcl => ({ acltype: 'publishClientSend', topic, allow: true })),
    // Literal: the filter must equal the topic (no wildcard subscription can match). Receiving is
    // granted explicitly too, for brokers whose default denies it.
    ...t.subscribe.flatMap((topic): DynsecAcl[] => [
      { acltype: 'subscribeLiteral', topic, allow: true },
      { acltype: 'publishClientReceive', topic, allow: true },
    ]),
  ];
}

/** Role names carry the prefix: two platforms (prefixes) on one broker keep their platform roles apart. */
export function dynsecRoleName(topicPrefix: string, who: BrokerPrincipal): string {
  const p = normalizePrefix(topicPrefix);
  if (who.kind === 'platform') return `sitekeeper-platform:${p}`;
  return who.kind === 'device' ? `sitekeeper-${DEVICE_USER_PREFIX}${who.serial}` : `sitekeeper-${AGENT_USER_PREFIX}${who.agentId}`;
}

const usernameOf = (who: Exclude<BrokerPrincipal, { kind: 'platform' }>) =>
  who.kind === 'device' ? `${DEVICE_USER_PREFIX}${who.serial}` : `${AGENT_USER_PREFIX}${who.agentId}`;

export interface MosquittoDynsecOptions {
  /** A connection as the plugin's admin (the platform node's shared connection). */
  client: MqttClient;
  topicPrefix: string;
  /** Each command batch must be answered within this long. Default 10 s. */
  timeoutMs?: number;
}

export class MosquittoDynsec implements BrokerAccounts {
  readonly #client: MqttClient;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #pending = new PendingReplies<number, DynsecResponse[] | DynsecError>();
  readonly #onMessage = (topic: string, payload: Buffer) => {
    if (topic === DYNSEC_RESPONSE_TOPIC) this.#onResponse(payload);
  };
  readonly #onClose = () => this.#pending.rejectAll(new DynsecError('closed', 'The connection to the MQTT broker closed while a dynamic-security command waited for its reply.'));
  #started = false;

  constructor(opts: MosquittoDynsecOptions) {
    this.#client = opts.client;
    this.#prefix = normalizePrefix(opts.topicPrefix);
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Listen for replies (the subscription is renewed by the client after a reconnect). */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#client.on('message', this.#onMessage);
    this.#client.on('close', this.#onClose);
    this.#started = true;
    const granted = await this.#client.subscribeAsync(DYNSEC_RESPONSE_TOPIC, { qos: 1 }).then(
      (g) => g.every((x) => x.qos !== 128),
      (err: unknown) => {
        // mqtt.js rejects a SUBACK failure (0x80) with the packet attached.
        if ((err as { packet?: { granted?: number[] } }).packet?.granted) return false;
        throw new DynsecError('closed', `Cannot subscribe to the dynamic-security replies: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    if (!granted) {
      await this.close();
      throw new DynsecError('forbidden', `The MQTT broker refused ${DYNSEC_RESPONSE_TOPIC} to this user: with MQTT_DYNSEC, the user of MQTT_URL must be the dynamic-security admin (mosquitto_ctrl dynsec init).`);
    }
  }

  /**
   * Send commands in one message and wait for their replies (in order). Per-command errors are in
   * the replies, not thrown; a missing reply is a `timeout`.
   */
  async send(commands: DynsecCommand[]): Promise<DynsecResponse[]> {
    await this.start();
    const id = randomBytes(8).toString('hex');
    const wait = this.#pending.wait(id, commands.length, this.#timeoutMs, () =>
      new DynsecError('timeout', `The MQTT broker did not answer the dynamic-security command${commands.length > 1 ? 's' : ''} ${commands.map((c) => c.command).join(', ')} within ${this.#timeoutMs} ms: is Mosquitto's dynamic-security plugin loaded, and is the MQTT_URL user its admin?`),
    );
    const body = { commands: commands.map((c, i) => ({ ...c, correlationData: `${id}.${i}` })) };
    // The reply is the acknowledgement; a publish that fails ends the wait at once.
    this.#client.publish(DYNSEC_CONTROL_TOPIC, JSON.stringify(body), { qos: 1 }, (err) => {
      if (err) this.#pending.settle(id, new DynsecError('closed', `Cannot send a dynamic-security command: ${err.message}`));
    });
    const reply = await wait;
    if (reply instanceof Error) throw reply;
    return reply;
  }

  /** `send`, failing with `command-failed` on the first error not in `tolerated` (by command index). */
  async run(commands: DynsecCommand[], tolerated: (i: number, error: string) => boolean = () => false): Promise<DynsecResponse[]> {
    const replies = await this.send(commands);
    replies.forEach((r, i) => {
      if (r.error !== undefined && !tolerated(i, r.error)) {
        throw new DynsecError('command-failed', `Mosquitto dynamic security refused ${r.command}: ${r.error}.`, r.command);
      }
    });
    return replies;
  }

  #onResponse(payload: Buffer): void {
    let msg: unknown;
    try {
      msg = JSON.parse(payload.toString('utf8'));
    } catch {
      return; // not ours to judge: another admin's reply, or noise
    }
    const responses = (msg as { responses?: unknown }).responses;
    if (!Array.isArray(responses)) return;
    const byBatch = new Map<string, DynsecResponse[]>();
    for (const r of responses as (DynsecResponse & { correlationData?: unknown })[]) {
      if (typeof r?.correlationData !== 'string') continue;
      const [batch, index] = r.correlationData.split('.');
      if (batch === undefined || index === undefined) continue;
      const list = byBatch.get(batch) ?? [];
      list[Number(index)] = { command: String(r.command), ...(r.error !== undefined ? { error: String(r.error) } : {}), ...(r.data !== undefined ? { data: r.data } : {}) };
      byBatch.set(batch, list);
    }
    for (const [batch, list] of byBatch) {
      const expected = this.#pending.context(batch);
      if (expected === undefined) continue; // another node's, or timed out
      const complete = list.length === expected && [...list].every((r) => r !== undefined);
      this.#pending.settle(batch, complete ? list : padMissing(list, expected));
    }
  }

  /**
   * Make the principal's role (its ACLs as acl.ts says) and its client with this password, or bring
   * existing ones up to date. An existing client's new password disconnects its current connection.
   */
  async #allow(who: Exclude<BrokerPrincipal, { kind: 'platform' }>, password: string, topics?: AllowedTopics): Promise<void> {
    const rolename = dynsecRoleName(this.#prefix, who);
    const username = usernameOf(who);
    const acls = dynsecAcls(this.#prefix, who, topics);
    const roles = [{ rolename }];
    const [, , created] = await this.run(
      [
        { command: 'createRole', rolename, acls },
        { command: 'modifyRole', rolename, acls },
        { command: 'createClient', username, password, roles },
      ],
      (i, e) => (i === 0 && /already exists/i.test(e)) || (i === 2 && /already exists/i.test(e)),
    );
    if (created?.error !== undefined) await this.run([{ command: 'modifyClient', username, password, roles }]);
  }

  async #remove(who: Exclude<BrokerPrincipal, { kind: 'platform' }>): Promise<void> {
    await this.run(
      [
        { command: 'deleteClient', username: usernameOf(who) },
        { command: 'deleteRole', rolename: dynsecRoleName(this.#prefix, who) },
      ],
      (_i, e) => /not found/i.test(e),
    );
  }

  /** A `register` account's role becomes the full device role when the issued key's account replaces it. */
  allowDevice(serial: string, password: string, scope: DeviceAccountScope = 'device'): Promise<void> {
    return this.#allow({ kind: 'device', serial }, password, scope === 'register' ? registrationTopics(this.#prefix, serial) : undefined);
  }

  removeDevice(serial: string): Promise<void> {
    return this.#remove({ kind: 'device', serial });
  }

  allowAgent(agentId: string, password: string): Promise<void> {
    return this.#allow({ kind: 'agent', agentId }, password);
  }

  removeAgent(agentId: string): Promise<void> {
    return this.#remove({ kind: 'agent', agentId });
  }

  /** The roles of a broker client (e.g. to check the platform's own). */
  async clientRoles(username: string): Promise<string[]> {
    const [r] = await this.run([{ command: 'getClient', username }]);
    const roles = (r?.data as { client?: { roles?: { rolename?: unknown }[] } } | undefined)?.client?.roles ?? [];
    return roles.map((x) => String(x.rolename));
  }

  /** Fails (`forbidden`) unless `username` (the admin this connection is) holds the platform's role for this prefix. */
  async checkPlatformRole(username: string): Promise<void> {
    const role = dynsecRoleName(this.#prefix, { kind: 'platform' });
    if (!(await this.clientRoles(username)).includes(role)) {
      throw new DynsecError('forbidden', `The MQTT user ${username} does not hold the role ${role}: the platform could not give itself its topics.`);
    }
  }

  /** The ACLs of a role as the broker holds them. */
  async roleAcls(rolename: string): Promise<DynsecAcl[]> {
    const [r] = await this.run([{ command: 'getRole', rolename }]);
    return (r?.data as { role?: { acls?: DynsecAcl[] } } | undefined)?.role?.acls ?? [];
  }

  /** Stop listening; commands still waiting fail with `closed`. Does not end the shared connection. */
  async close(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#client.off('message', this.#onMessage);
    this.#client.off('close', this.#onClose);
    this.#pending.rejectAll(new DynsecError('closed', 'The dynamic-security client was closed while a command waited for its reply.'));
    if (this.#client.connected) await this.#client.unsubscribeAsync(DYNSEC_RESPONSE_TOPIC).catch(() => undefined);
  }
}

function padMissing(list: DynsecResponse[], expected: number): DynsecResponse[] {
  return Array.from({ length: expected }, (_v, i) => list[i] ?? { command: 'unknown', error: 'no reply to this command in the batch' });
}

export interface EnsurePlatformRoleOptions {
  /** The broker, with the admin's user and password in it (MQTT_URL). */
  mqttUrl: string;
  topicPrefix: string;
  timeoutMs?: number;
}

/**
 * Give the admin user of MQTT_URL the platform's role (`<prefix>#`: the gateway's and hub's topics),
 * so that one connection both manages accounts and carries the device cloud. Idempotent. Mosquitto
 * disconnects a client when its roles change, so this uses a short connection of its own; other
 * nodes connected as the admin at that moment reconnect (once, the first time a prefix is used).
 */
export async function ensurePlatformRole(opts: EnsurePlatformRoleOptions): Promise<void> {
  const username = decodeURIComponent(new URL(opts.mqttUrl).username);
  if (!username) throw new DynsecError('command-failed', 'MQTT_DYNSEC needs the dynamic-security admin as the user of MQTT_URL (mqtt://user:password@host:port).');
  const platform: BrokerPrincipal = { kind: 'platform' };
  const rolename = dynsecRoleName(opts.topicPrefix, platform);
  const acls = dynsecAcls(opts.topicPrefix, platform);
  const setup = await connectMqtt(opts.mqttUrl, { clientId: `sk-dynsec-setup-${randomBytes(6).toString('hex')}`, clean: true, reconnectPeriod: 0 });
  const ds = new MosquittoDynsec({ client: setup, topicPrefix: opts.topicPrefix, ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) });
  try {
    await ds.run([{ command: 'createRole', rolename, acls }, { command: 'modifyRole', rolename, acls }], (i, e) => i === 0 && /already exists/i.test(e));
    if ((await ds.clientRoles(username)).includes(rolename)) return;
    // The broker disconnects this connection when the role is added, usually before the reply.
    const added = ds.run([{ command: 'addClientRole', username, rolename }]).catch((err: unknown) => {
      if (err instanceof DynsecError && err.code === 'closed') return;
      throw err;
    });
    await added;
  } finally {
    await ds.close();
    await setup.endAsync(true).catch(() => undefined);
  }
}
