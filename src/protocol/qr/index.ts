/**
 * Device QR codes: pure parsers and generators for every device-QR format Sitekeeper reads.
 * See docs/qr-formats.md. No I/O here; crypto and zlib are computations.
 */
export { classifyQr, requireUnlocked, MAX_QR_TEXT_CHARS, type ClassifiedQr, type ClassifyOptions, type QrKind } from './classify';
export { parseLabel, tryParseLabel, encodeLabelQr, splitLines, type LabelQr, type LabelFields } from './label';
export { parseSerial, isValidSerial, encodeSerialQr, serialMatches, type SerialQr } from './serial';
export {
  parseDeviceList,
  encodeDeviceListQr,
  encryptField,
  decryptField,
  isDeviceListQr,
  DEVICE_LIST_HEADER,
  STALE_AFTER_DAYS,
  type DeviceListQr,
  type ListedDevice,
  type EncodeDeviceListOptions,
} from './device-list';
export {
  encodeSitekeeperQr,
  parseSitekeeperQr,
  parseSitekeeperPart,
  splitIntoParts,
  mergeParts,
  isSitekeeperQr,
  isSitekeeperPart,
  SITEKEEPER_PREFIX,
  DEFAULT_PART_CHARS,
  type SitekeeperQr,
  type SitekeeperPart,
  type SitekeeperDevice,
  type SitekeeperPayload,
  type EncodeSitekeeperOptions,
} from './sitekeeper';
export { ecbEncrypt, ecbDecrypt } from './rijndael';
