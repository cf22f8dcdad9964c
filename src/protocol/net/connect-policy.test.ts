import { describe, expect, it } from 'vitest';
import { connectDecision, connectDecisionForAll, formatCidr, parseCidrList, type ConnectPolicy } from './connect-policy';
import { isAppError } from '../../errors/app-error';

const OWN = [8080, 18830, 5433];
const none: ConnectPolicy = { allowedRanges: [], ownPorts: OWN, localAddresses: ['192.168.1.10'] };
const lab: ConnectPolicy = { ...none, allowedRanges: parseCidrList('127.0.0.0/8, ::1/128') };
const demo: ConnectPolicy = { ...none, agentTargets: [{ address: '127.0.0.1', port: 18900 }] };

describe('connectDecision', () => {
  it.each([
    // Default policy: the server's own host and special addresses are never reached directly.
    ['127.0.0.1', 80, none, 'refuse', 'loopback'],
    ['127.8.9.10', 18901, none, 'refuse', 'loopback'],
    ['::1', 80, none, 'refuse', 'loopback'],
    ['::ffff:127.0.0.1', 80, none, 'refuse', 'loopback'],
    ['169.254.169.254', 80, none, 'refuse', 'link_local'],
    ['::ffff:169.254.169.254', 80, none, 'refuse', 'link_local'],
    ['169.254.1.1', 80, none, 'refuse', 'link_local'],
    ['fe80::1', 80, none, 'refuse', 'link_local'],
    ['0.0.0.0', 80, none, 'refuse', 'special'],
    ['::', 80, none, 'refuse', 'special'],
    ['224.0.0.251', 5353, none, 'refuse', 'special'],
    ['ff02::1', 80, none, 'refuse', 'special'],
    ['255.255.255.255', 80, none, 'refuse', 'special'],
    ['64:ff9b::7f00:1', 80, none, 'refuse', 'special'], // NAT64 form of 127.0.0.1
    ['2002:7f00:1::1', 80, none, 'refuse', 'special'], // 6to4 form of 127.0.0.1
    ['not-an-address', 80, none, 'refuse', 'special'],
    // Private ranges belong to the site: through its agent.
    ['10.0.0.5', 80, none, 'agent', 'private'],
    ['172.16.4.2', 8000, none, 'agent', 'private'],
    ['172.31.255.254', 80, none, 'agent', 'private'],
    ['192.168.1.64', 80, none, 'agent', 'private'],
    ['100.64.1.2', 80, none, 'agent', 'private'],
    ['fd12:3456::9', 80, none, 'agent', 'private'],
    ['::ffff:10.0.0.5', 80, none, 'agent', 'private'],
    // Public addresses: direct.
    ['8.8.8.8', 80, none, 'direct', 'public'],
    ['172.32.0.1', 80, none, 'direct', 'public'],
    ['2001:4860:4860::8888', 443, none, 'direct', 'public'],
    // The platform's own ports on any local address: refused, allowed range or not.
    ['127.0.0.1', 8080, lab, 'refuse', 'own_port'],
    ['127.0.0.1', 18830, lab, 'refuse', 'own_port'],
    ['::1', 5433, lab, 'refuse', 'own_port'],
    ['0.0.0.0', 8080, lab, 'refuse', 'own_port'],
    ['192.168.1.10', 8080, lab, 'refuse', 'own_port'],
    ['::ffff:192.168.1.10', 18830, none, 'refuse', 'own_port'],
    ['192.168.1.11', 8080, none, 'agent', 'private'], // another host's 8080
    // The operator's allow-list opens ranges for the direct transport.
    ['127.0.0.1', 80, lab, 'direct', 'allowed_range'],
    ['127.0.0.1', 18901, lab, 'direct', 'allowed_range'],
    ['::ffff:127.0.0.1', 18901, lab, 'direct', 'allowed_range'],
    ['::1', 18901, lab, 'direct', 'allowed_range'],
    ['169.254.169.254', 80, lab, 'refuse', 'link_local'], // not in the list
    // The demo fleet's exact address:port pairs: through the embedded agent.
    ['127.0.0.1', 18900, demo, 'agent', 'agent_target'],
    ['::ffff:127.0.0.1', 18900, demo, 'agent', 'agent_target'],
    ['127.0.0.1', 18901, demo, 'refuse', 'loopback'],
    // Ports.
    ['8.8.8.8', 0, none, 'refuse', 'bad_port'],
    ['8.8.8.8', 65536, none, 'refuse', 'bad_port'],
  ] as const)('%s port %i → %s (%s)', (address, port, policy, route, reason) => {
    expect(connectDecision(address, port, policy)).toEqual({ route, reason });
  });
});

describe('connectDecisionForAll (a resolved host name)', () => {
  it('connects to the first address when every one is allowed', () => {
    expect(connectDecisionForAll(['127.0.0.1', '::1'], 18901, lab)).toEqual({ route: 'direct', reason: 'allowed_range', address: '127.0.0.1' });
    expect(connectDecisionForAll(['::ffff:8.8.8.8'], 80, none)).toEqual({ route: 'direct', reason: 'public', address: '8.8.8.8' });
  });

  it('refuses a name when any of its addresses is refused (the resolver order must not decide)', () => {
    expect(connectDecisionForAll(['8.8.8.8', '127.0.0.1'], 80, none)).toMatchObject({ route: 'refuse', reason: 'loopback', address: null });
    expect(connectDecisionForAll(['8.8.8.8', '169.254.169.254'], 80, none)).toMatchObject({ route: 'refuse', address: null });
  });

  it('refuses a name with no addresses', () => {
    expect(connectDecisionForAll([], 80, lab)).toMatchObject({ route: 'refuse', address: null });
  });
});

describe('parseCidrList', () => {
  it.each([
    ['127.0.0.0/8', ['127.0.0.0/8']],
    [' 127.0.0.0/8 , ::1/128 ', ['127.0.0.0/8', '::1/128']],
    ['10.1.2.3', ['10.1.2.3/32']],
    ['fd00::1', ['fd00::1/128']],
    ['::ffff:127.0.0.0/104', ['127.0.0.0/8']],
    ['', []],
  ])('%j → %j', (text, ranges) => {
    expect(parseCidrList(text).map(formatCidr)).toEqual(ranges);
  });

  it.each(['127.0.0.0/33', 'localhost', '10.0.0.0/8/1', '::1/129', 'http://10.0.0.1/'])('refuses %j with a typed error', (text) => {
    let err: unknown;
    try {
      parseCidrList(text);
    } catch (e) {
      err = e;
    }
    expect(isAppError(err, 'DEVICE_HOST_INVALID')).toBe(true);
  });
});
