import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allowedTopics, createTopicAcl, refusalReason, topicMatches, type BrokerPrincipal } from './acl';

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
    [dev, 'sk/gw/announce', false], // would make every device re-send its hello
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
    [agent, 'sk/gw/announce', false],
    [platform, 'sk/d/DS-A1/req', true],
    [platform, 'sk/hub/announce', true],
    [platform, 'sk/gw/announce', true],
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
    [dev, 'sk/gw/announce', true], // the gateways' announcements: answered with a fresh hello
    [agent, 'sk/gw/announce', false],
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

describe('allowedTopics: the same table as topic filters (what an external broker is given)', () => {
  it('lists exactly the own topics, literal subscriptions, any node for replies', () => {
    expect(allowedTopics('sk/', dev)).toEqual({
      publish: ['sk/d/DS-A1/hello', 'sk/d/DS-A1/presence', 'sk/d/DS-A1/event', 'sk/n/+/res'],
      subscribe: ['sk/d/DS-A1/req', 'sk/d/DS-A1/ack', 'sk/gw/announce'],
    });
    expect(allowedTopics('sk/', agent)).toEqual({
      publish: ['sk/a/ag1/hello', 'sk/a/ag1/presence', 'sk/n/+/res'],
      subscribe: ['sk/a/ag1/req', 'sk/a/ag1/ack', 'sk/hub/announce'],
    });
    expect(allowedTopics('sk/', platform)).toEqual({ publish: ['sk/#'], subscribe: ['sk/#'] });
    expect(allowedTopics('', platform)).toEqual({ publish: ['#'], subscribe: ['#'] });
  });

  it('refuses an id that is not topic-safe (it would become a wildcard ACL)', () => {
    expect(() => allowedTopics('sk/', { kind: 'device', serial: 'A/+' })).toThrow(/topic-safe/);
    expect(() => allowedTopics('sk/', { kind: 'agent', agentId: '#' })).toThrow(/topic-safe/);
  });

  it.each([
    ['sk/#', 'sk/d/x/hello', true],
    ['sk/#', 'sk', true],
    ['sk/n/+/res', 'sk/n/node-1/res', true],
    ['sk/n/+/res', 'sk/n/node-1/res/x', false],
    ['sk/n/+/res', 'sk/n/res', false],
    ['#', '$SYS/broker', false],
    ['$SYS/#', '$SYS/broker', true],
    ['a/b', 'a/b', true],
    ['a/b', 'a/b/c', false],
  ] as const)('filter %s matches %s: %s', (filter, topic, ok) => {
    expect(topicMatches(filter, topic)).toBe(ok);
  });

  const segment = fc.constantFrom('sk', 'd', 'a', 'n', 'hub', 'announce', 'hello', 'presence', 'event', 'req', 'ack', 'res', 'DS-A1', 'DS-B2', 'ag1', 'ag2', 'node-7', '+', '#', '');
  // Mostly topic-shaped (`sk/<kind>/<id>/<leaf>`, so the allowed ones come up often), some anything.
  const shaped = fc
    .tuple(fc.constantFrom('sk', 'x', '+'), fc.constantFrom('d', 'a', 'n', 'hub', '+'), fc.constantFrom('DS-A1', 'DS-B2', 'ag1', 'ag2', 'node-7', 'announce', '+', '#'), fc.constantFrom('hello', 'presence', 'event', 'req', 'ack', 'res', '+', '#'), fc.array(segment, { maxLength: 1 }))
    .map(([a, b, c, d, rest]) => [a, b, c, d, ...rest].join('/'));
  const topic = fc.oneof(shaped, fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('/')), fc.constant('sk/hub/announce'));
  const who = fc.constantFrom(dev, agent, { kind: 'device', serial: 'DS-B2' } as BrokerPrincipal, { kind: 'agent', agentId: 'ag2' } as BrokerPrincipal);

  it('publishing: the filters allow exactly what mayPublish allows', () => {
    fc.assert(
      fc.property(who, topic, (w, t) => {
        fc.pre(!t.includes('+') && !t.includes('#')); // a PUBLISH topic never holds wildcards
        expect(allowedTopics('sk/', w).publish.some((f) => topicMatches(f, t))).toBe(acl.mayPublish(w, t));
      }),
      { numRuns: 3000 },
    );
  });

  it('subscribing: the literal list is exactly what maySubscribe allows', () => {
    fc.assert(
      fc.property(who, topic, (w, f) => {
        expect(allowedTopics('sk/', w).subscribe.includes(f)).toBe(acl.maySubscribe(w, f));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('refusalReason (the metrics label of a refusal)', () => {
  const dev = { kind: 'device', serial: 'DS0000001' } as const;
  it.each([
    ['sk/#', 'wildcard'],
    ['sk/d/+/ack', 'wildcard'],
    ['$SYS/broker/clients', 'outside_prefix'],
    ['$CONTROL/dynamic-security/v1', 'outside_prefix'],
    ['sk/d/DS0000002/req', 'other_party'],
    ['sk/a/ag-1/hello', 'other_party'],
    ['sk/hub/announce', 'other_party'],
    ['sk/d/DS0000001/ack', 'not_allowed'],
  ] as const)('%s → %s', (topic, reason) => {
    expect(refusalReason('sk/', dev, topic)).toBe(reason);
  });
});
