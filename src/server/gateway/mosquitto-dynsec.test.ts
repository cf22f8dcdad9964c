import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { DYNSEC_CONTROL_TOPIC, DYNSEC_RESPONSE_TOPIC, DynsecError, MosquittoDynsec, dynsecAcls, dynsecRoleName } from './mosquitto-dynsec';

/** A broker connection that records what is published and lets the test answer (no sockets). */
class FakeClient extends EventEmitter {
  connected = true;
  sent: { commands: { command: string; correlationData: string; [k: string]: unknown }[] }[] = [];
  subackCode = 1;
  subscribeAsync(): Promise<{ topic: string; qos: number }[]> {
    return Promise.resolve([{ topic: DYNSEC_RESPONSE_TOPIC, qos: this.subackCode }]);
  }
  unsubscribeAsync(): Promise<void> {
    return Promise.resolve();
  }
  publish(topic: string, payload: string, _opts: unknown, cb: (err?: Error) => void): void {
    expect(topic).toBe(DYNSEC_CONTROL_TOPIC);
    this.sent.push(JSON.parse(payload) as FakeClient['sent'][number]);
    cb();
  }
  reply(responses: unknown[]): void {
    this.emit('message', DYNSEC_RESPONSE_TOPIC, Buffer.from(JSON.stringify({ responses })));
  }
  /** Answer the last batch: each command ok, or with the error `errors[i]`. */
  answerLast(errors: (string | undefined)[] = []): void {
    const batch = this.sent.at(-1)!;
    this.reply(batch.commands.map((c, i) => ({ command: c.command, correlationData: c.correlationData, ...(errors[i] ? { error: errors[i] } : {}) })));
  }
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setImmediate(r));
};

function setup(timeoutMs = 5000) {
  const fake = new FakeClient();
  const ds = new MosquittoDynsec({ client: fake as unknown as MqttClient, topicPrefix: 'sk/', timeoutMs });
  return { fake, ds };
}

describe('MosquittoDynsec (control API client)', () => {
  it('makes a device role from acl.ts and its client in one batch', async () => {
    const { fake, ds } = setup();
    const done = ds.allowDevice('DS1', 'pw');
    await until(() => fake.sent.length === 1);
    const cmds = fake.sent[0]!.commands;
    expect(cmds.map((c) => c.command)).toEqual(['createRole', 'modifyRole', 'createClient']);
    expect(cmds[0]).toMatchObject({ rolename: 'sitekeeper-dev:DS1', acls: dynsecAcls('sk/', { kind: 'device', serial: 'DS1' }) });
    expect(cmds[2]).toMatchObject({ username: 'dev:DS1', password: 'pw', roles: [{ rolename: 'sitekeeper-dev:DS1' }] });
    fake.answerLast();
    await done;
    expect(fake.sent).toHaveLength(1);
  });

  it('an existing role and client: updated (modifyClient sets the password and the role)', async () => {
    const { fake, ds } = setup();
    const done = ds.allowAgent('ag-1', 'token');
    await until(() => fake.sent.length === 1);
    fake.answerLast(['Role already exists', undefined, 'Client already exists']);
    await until(() => fake.sent.length === 2);
    expect(fake.sent[1]!.commands).toEqual([expect.objectContaining({ command: 'modifyClient', username: 'agent:ag-1', password: 'token', roles: [{ rolename: 'sitekeeper-agent:ag-1' }] })]);
    fake.answerLast();
    await done;
  });

  it('ignores replies that are not its own (other nodes, other batches, noise) and waits for its own', async () => {
    const { fake, ds } = setup();
    const done = ds.removeDevice('DS1');
    await until(() => fake.sent.length === 1);
    fake.emit('message', DYNSEC_RESPONSE_TOPIC, Buffer.from('not json'));
    fake.emit('message', 'sk/d/DS1/hello', Buffer.from('{}'));
    fake.reply([{ command: 'deleteClient', correlationData: 'someone-else.0', error: 'boom' }]);
    fake.reply([{ command: 'deleteClient' }]);
    // Had any of those been taken for the answer, `done` would fail (an error, or no reply for the
    // batch's commands); it succeeds on its own answer.
    fake.answerLast(['Client not found', 'Role not found']); // removing what is not there: fine
    await done;
  });

  it('a refused command fails with command-failed, naming it', async () => {
    const { fake, ds } = setup();
    const done = ds.allowDevice('DS1', 'pw').catch((e: unknown) => e);
    await until(() => fake.sent.length === 1);
    fake.answerLast([undefined, 'Internal error']);
    const err = await done;
    expect(err).toBeInstanceOf(DynsecError);
    expect(err).toMatchObject({ code: 'command-failed', command: 'modifyRole' });
  });

  it('no reply: timeout; a closed connection: closed', async () => {
    const { fake, ds } = setup(50);
    await expect(ds.removeAgent('ag-1')).rejects.toMatchObject({ code: 'timeout' });
    const { fake: f2, ds: d2 } = setup();
    const waiting = d2.removeAgent('ag-1').catch((e: unknown) => e);
    await until(() => f2.sent.length === 1);
    f2.emit('close');
    expect(await waiting).toMatchObject({ code: 'closed' });
    expect(fake.sent).toHaveLength(1);
  });

  it('a refused subscription to the replies: forbidden (the user is not the admin)', async () => {
    const { fake, ds } = setup();
    fake.subackCode = 128;
    await expect(ds.start()).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('roles are named per principal; the platform role per prefix', () => {
    expect(dynsecRoleName('sk/', { kind: 'platform' })).toBe('sitekeeper-platform:sk/');
    expect(dynsecRoleName('other', { kind: 'platform' })).toBe('sitekeeper-platform:other/');
    expect(dynsecAcls('sk/', { kind: 'platform' })).toEqual([
      { acltype: 'publishClientSend', topic: 'sk/#', allow: true },
      { acltype: 'subscribePattern', topic: 'sk/#', allow: true },
      { acltype: 'publishClientReceive', topic: 'sk/#', allow: true },
    ]);
    // Devices: no pattern subscriptions at all, only literal ones.
    expect(dynsecAcls('sk/', { kind: 'device', serial: 'DS1' }).filter((a) => a.acltype.startsWith('subscribe'))).toEqual([
      { acltype: 'subscribeLiteral', topic: 'sk/d/DS1/req', allow: true },
      { acltype: 'subscribeLiteral', topic: 'sk/d/DS1/ack', allow: true },
      { acltype: 'subscribeLiteral', topic: 'sk/gw/announce', allow: true },
    ]);
  });
});
