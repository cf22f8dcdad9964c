/**
 * From a classified QR code to the devices it names (pure). Each candidate is what the user gave
 * us about one device; probing adds what the network says.
 */
import { AppError } from '../../errors/app-error';
import type { ClassifiedQr } from '../../protocol/qr';

export interface CandidateSpec {
  name: string;
  /** Serial as given (label: the 9-character short serial). */
  serial?: string;
  verificationCode?: string;
  model?: string;
  /** Devices added by IP / domain. */
  host?: string;
  port?: number;
  user?: string;
  password?: string;
}

export function candidatesFrom(qr: ClassifiedQr): CandidateSpec[] {
  switch (qr.kind) {
    case 'label':
      return [{ name: qr.model || qr.serial, serial: qr.shortSerial || qr.serial, verificationCode: qr.verificationCode, model: qr.model }];
    case 'serial':
      return [{ name: qr.serial, serial: qr.serial }];
    case 'device-list':
      if (qr.locked) throw new AppError('QR_PASSWORD_REQUIRED', undefined, { details: { kind: qr.kind } });
      return qr.devices.map((d) => ({ name: d.name || d.host, host: d.host, port: d.port, user: d.user, password: d.password }));
    case 'sitekeeper':
      if (qr.locked) throw new AppError('QR_PASSWORD_REQUIRED', undefined, { details: { kind: qr.kind } });
      return qr.devices.map((d) => ({
        name: d.name ?? d.serial ?? d.host ?? 'device',
        ...(d.serial ? { serial: d.serial } : {}),
        ...(d.verificationCode ? { verificationCode: d.verificationCode } : {}),
        ...(d.model ? { model: d.model } : {}),
        ...(d.host ? { host: d.host, port: d.port ?? 80 } : {}),
        ...(d.user ? { user: d.user } : {}),
        ...(d.password ? { password: d.password } : {}),
      }));
    case 'sitekeeper-part':
      throw new AppError('QR_PARTS_INCOMPLETE', `This is part ${qr.index} of ${qr.total} of a Sitekeeper code.`, { details: { index: qr.index, total: qr.total, setId: qr.setId } });
  }
}
