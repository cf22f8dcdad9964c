import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAppError } from '../../errors/app-error';
import {
  channelNameProblem,
  inputProxyChannelsXml,
  inputProxyChannelXml,
  parseInputProxyChannel,
  parseInputProxyChannels,
  parseVideoInputChannel,
  recordingOverwrite,
  renamedChannelXml,
  rewriteDocument,
  storageExtensionWithOverwrite,
  videoInputChannelXml,
} from './channel-models';
import { parseStorageExtension, parseVideoInputChannels, storageExtensionXml, videoInputChannelsXml } from './storage-models';
import { HIKVISION_NS, parseXml, xmlChild, xmlText } from './xml';

// The shape NVRs answer `GET /ISAPI/ContentMgmt/InputProxy/channels/<id>` with (as public NVR tools
// show it), with elements we do not model and an entity in the name.
const NVR_CHANNEL = `<?xml version="1.0" encoding="UTF-8" ?>
<InputProxyChannel version="1.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<id>3</id>
<name>Yard &amp; gate</name>
<sourceInputPortDescriptor>
<proxyProtocol>HIKVISION</proxyProtocol>
<addressingFormatType>ipaddress</addressingFormatType>
<ipAddress>192.168.254.4</ipAddress>
<managePortNo>8000</managePortNo>
<srcInputPort>1</srcInputPort>
<userName>admin</userName>
<streamType>auto</streamType>
<model>DS-2CD1323G0-IU</model>
</sourceInputPortDescriptor>
<enableAnr>false</enableAnr>
<twoWayAudioChannelIDList>
<twoWayAudioChannelID>6001</twoWayAudioChannelID>
<twoWayAudioChannelID>6002</twoWayAudioChannelID>
</twoWayAudioChannelIDList>
<capability opt="a,b">x</capability>
</InputProxyChannel>
`;

const CAMERA_INPUT = `<?xml version="1.0" encoding="UTF-8"?>
<VideoInputChannel version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<id>1</id>
<inputPort>1</inputPort>
<videoInputEnabled>true</videoInputEnabled>
<name>Camera 01</name>
<videoFormat>PAL</videoFormat>
<resDesc> 1280*720(HD720P)P25</resDesc>
</VideoInputChannel>
`;

describe('channel documents', () => {
  it('video inputs: list and single, written by the emulator and read back', () => {
    const chs = [{ id: 1, name: 'Front & back', enabled: true }];
    expect(parseVideoInputChannels(videoInputChannelsXml(chs, HIKVISION_NS))).toEqual(chs);
    expect(parseVideoInputChannel(videoInputChannelXml(chs[0]!, HIKVISION_NS))).toEqual(chs[0]);
    expect(parseVideoInputChannel(CAMERA_INPUT)).toEqual({ id: 1, name: 'Camera 01', enabled: true });
  });

  it('IP channels: the list, a single one, and the camera behind it (never a password)', () => {
    const ch = { id: 2, name: 'Gate', source: { proxyProtocol: 'HIKVISION', ipAddress: '192.168.254.3', managePortNo: 8000, srcInputPort: 1, userName: 'admin' } };
    expect(parseInputProxyChannels(inputProxyChannelsXml([ch], HIKVISION_NS))).toEqual([ch]);
    expect(parseInputProxyChannel(inputProxyChannelXml(ch))).toEqual(ch);
    expect(inputProxyChannelXml(ch)).not.toMatch(/password/i);
    expect(parseInputProxyChannel(NVR_CHANNEL)).toMatchObject({ id: 3, name: 'Yard & gate', source: { ipAddress: '192.168.254.4', proxyProtocol: 'HIKVISION' } });
  });

  it('refuses a document without an id or with another root (typed)', () => {
    for (const bad of ['<VideoInputChannel><name>x</name></VideoInputChannel>', '<InputProxyChannel><name>x</name></InputProxyChannel>', '<Other/>']) {
      let err: unknown;
      try {
        if (bad.startsWith('<Video')) parseVideoInputChannel(bad);
        else parseInputProxyChannel(bad);
      } catch (e) {
        err = e;
      }
      expect(isAppError(err, 'VALIDATION_FAILED')).toBe(true);
    }
  });
});

describe('channel names', () => {
  it.each([
    ['Gate', ''],
    ['x'.repeat(32), ''],
    ['Über-Tür 2', ''],
    [' Gate', 'name must not contain < > & " or control characters, nor start or end with a space'],
    ['Gate ', 'name must not contain < > & " or control characters, nor start or end with a space'],
    [' ', 'name must not contain < > & " or control characters, nor start or end with a space'],
    ['', 'name must be 1–32 characters'],
    ['x'.repeat(33), 'name must be 1–32 characters'],
    ['a<b', 'name must not contain < > & " or control characters, nor start or end with a space'],
    ['a&b', 'name must not contain < > & " or control characters, nor start or end with a space'],
    ['say "hi"', 'name must not contain < > & " or control characters, nor start or end with a space'],
    ['tab\there', 'name must not contain < > & " or control characters, nor start or end with a space'],
  ])('%j → %j', (name, problem) => {
    expect(channelNameProblem(name)).toBe(problem);
  });
});

describe('read – change – write', () => {
  it("renames an NVR's IP channel keeping everything else the device wrote", () => {
    const out = renamedChannelXml(NVR_CHANNEL, 'ip_channel', 3, 'Back yard');
    const before = parseXml(NVR_CHANNEL);
    const after = parseXml(out);
    expect(after.root).toBe('InputProxyChannel');
    expect(after.ns).toBe(HIKVISION_NS);
    expect(after.doc['@_version']).toBe('1.0');
    expect(xmlText(after.doc, 'name')).toBe('Back yard');
    // Everything but the name is as the device wrote it (order and attributes included).
    expect({ ...after.doc, name: before.doc.name }).toEqual(before.doc);
    expect(Object.keys(after.doc)).toEqual(Object.keys(before.doc));
    expect(xmlText(xmlChild(after.doc, 'sourceInputPortDescriptor'), 'model')).toBe('DS-2CD1323G0-IU');
    // Entities of untouched text survive once-escaped, never double-escaped.
    const renamedBack = renamedChannelXml(out, 'ip_channel', 3, 'Yard and gate');
    expect(renamedBack).not.toContain('&amp;amp;');
  });

  it("renames a camera's video input", () => {
    const out = renamedChannelXml(CAMERA_INPUT, 'video_input', 1, 'Entrance');
    expect(parseVideoInputChannel(out)).toEqual({ id: 1, name: 'Entrance', enabled: true });
    expect(xmlText(parseXml(out).doc, 'resDesc')).toBe('1280*720(HD720P)P25');
  });

  it('refuses the wrong channel, the wrong document or a bad name (typed), and adds a missing name', () => {
    const typed = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isAppError(e, 'VALIDATION_FAILED');
      }
      return false;
    };
    expect(typed(() => renamedChannelXml(NVR_CHANNEL, 'ip_channel', 4, 'X'))).toBe(true);
    expect(typed(() => renamedChannelXml(NVR_CHANNEL, 'video_input', 3, 'X'))).toBe(true);
    expect(typed(() => renamedChannelXml(NVR_CHANNEL, 'ip_channel', 3, 'a<b'))).toBe(true);
    expect(typed(() => renamedChannelXml(NVR_CHANNEL, 'ip_channel', 3, ''))).toBe(true);
    expect(xmlText(parseXml(rewriteDocument('<VideoInputChannel><id>1</id></VideoInputChannel>', 'VideoInputChannel', { name: 'N' }, 1)).doc, 'name')).toBe('N');
  });

  it('any acceptable name round-trips through the document, and nothing but a typed error is thrown', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        try {
          const out = renamedChannelXml(CAMERA_INPUT, 'video_input', 1, name);
          expect(channelNameProblem(name)).toBe('');
          expect(parseVideoInputChannel(out).name).toBe(name);
        } catch (e) {
          expect(isAppError(e, 'VALIDATION_FAILED')).toBe(true);
          expect(channelNameProblem(name)).not.toBe('');
        }
      }),
    );
  });

  it('sets overwrite in the StorageExtension the device answered', () => {
    const device = '<?xml version="1.0"?><StorageExtension version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><overwrite>false</overwrite><recordRetentionDays>30</recordRetentionDays></StorageExtension>';
    const out = storageExtensionWithOverwrite(device, true);
    expect(parseStorageExtension(out)).toEqual({ overwrite: true });
    expect(xmlText(parseXml(out).doc, 'recordRetentionDays')).toBe('30');
    expect(parseStorageExtension(storageExtensionWithOverwrite(storageExtensionXml(true), false))).toEqual({ overwrite: false });
  });
});

describe('recording overwrite as the platform shows it', () => {
  it.each([
    ['no disk or card: not applicable, whatever the device says', 0, true, { applicable: false, overwrite: null, disks: 0 }],
    ['disks, overwrite on', 2, true, { applicable: true, overwrite: true, disks: 2 }],
    ['a card, overwrite off', 1, false, { applicable: true, overwrite: false, disks: 1 }],
    ['disks, the device does not say', 1, undefined, { applicable: true, overwrite: null, disks: 1 }],
  ] as const)('%s', (_n, disks, overwrite, expected) => {
    expect(recordingOverwrite(disks, overwrite)).toEqual(expected);
  });
});
