/** The label on the back of an emulated device: QR text in the real label format, and a PNG of it. */
import QRCode from 'qrcode';
import { encodeLabelQr } from '../protocol/qr/label';
import type { DeviceState } from './state';

export const LABEL_DOMAIN = 'www.hik-connect.com';

/** `domain\nshortSerial\nverificationCode\nmodel\n` with the code printed at the factory. */
export function labelText(s: Pick<DeviceState, 'serial' | 'labelVerificationCode' | 'model'>): string {
  return encodeLabelQr({ domain: LABEL_DOMAIN, serial: s.serial.slice(-9), verificationCode: s.labelVerificationCode, model: s.model });
}

export async function labelPng(s: Pick<DeviceState, 'serial' | 'labelVerificationCode' | 'model'>, widthPx = 240): Promise<Buffer> {
  return QRCode.toBuffer(labelText(s), { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: widthPx });
}
