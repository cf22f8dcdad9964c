import { describe, expect, it } from 'vitest';
import { createTopicAcl, type BrokerPrincipal } from './acl';

const acl = createTopicAcl('sk/');
const dev: BrokerPrincipal = { kind: 'device', serial: 'DS-A1' };
const agent: BrokerPrincipal = { kind: 'agent', agentId: 'ag1' };
const platform: BrokerPrincipal = { kind: 'platform' };

describe('device cloud topic ACL', () => {
  it.each([
    // [who, topic, may publish]
    [dev, 'sk/d/DS-A1/hello', true],
    [dev, 'sk/d/DS-A1/presence', true],
    [dev, 'sk/d/DS-A1/event', true],
    [dev, 'sk/n/node-7/res', true],
    [dev, 'sk/d/DS-A1/req', false], // only the platform sends requests
    [dev, 'sk/d/DS-A1/ack', false],
    [dev, 'sk/d/DS-B2/hello', false], // another device's topics
    [dev, 'sk/d/DS-B2/event', false],
    [dev, 'sk/a/ag1/hello', false],
    [dev, 'sk/hub/announce', false], // would make agents re-send their hellos
    [dev, 'sk/d/+/hello', false],
    [dev, 'other/d/DS-A1/hello', false],
    [dev, 'sk/d/DS-A1/hello/x', false],
    [agent, 'sk/a/ag1/hello', true],
    [agent, 'sk/a/ag1/presence', true],
    [agent, 'sk/n/node-7/res', true],
    [agent, 'sk/a/ag2/presence', false],
    [agent, 'sk/a/ag1/req', false],
    [agent, 'sk/d/DS-A1/hello', false],
    [agent, 'sk/hub/announce', false],
    [platform, 'sk/d/DS-A1/req', true],
    [platform, 'sk/hub/announce', true],
  ] as const)('%o publishes %s: %s', (who, topic, ok) => {
    expect(acl.mayPublish(who, topic)).toBe(ok);
  });

  it.each([
    [dev, 'sk/d/DS-A1/req', true],
    [dev, 'sk/d/DS-A1/ack', true],
    [dev, '#', false],
    [dev, 'sk/#', false],
    [dev, 'sk/d/+/presence', false], // others' retained presence: an offline-guessing oracle
    [dev, 'sk/d/DS-B2/req', false],
    [dev, 'sk/d/DS-A1/presence', false],
    [dev, 'sk/n/node-7/res', false], // replies to the platform are the platform's
    [dev, 'sk/a/+/hello', false], // agent hellos carry tokens
    [dev, '$SYS/#', false],
    [dev, 'sk/hub/announce', false],
    [agent, 'sk/a/ag1/req', true],
    [agent, 'sk/a/ag1/ack', true],
    [agent, 'sk/hub/announce', true],
    [agent, 'sk/a/ag2/req', false],
    [agent, 'sk/a/+/hello', false],
    [agent, 'sk/d/+/req', false],
    [platform, 'sk/d/+/hello', true],
    [platform, 'sk/a/+/presence', true],
  ] as const)('%o subscribes %s: %s', (who, filter, ok) => {
    expect(acl.maySubscribe(who, filter)).toBe(ok);
  });

  it('works without a prefix too', () => {
    const bare = createTopicAcl('');
    expect(bare.mayPublish(dev, 'd/DS-A1/hello')).toBe(true);
    expect(bare.mayPublish(dev, 'd/DS-B2/hello')).toBe(false);
    expect(bare.maySubscribe(dev, '#')).toBe(false);
  });
});
