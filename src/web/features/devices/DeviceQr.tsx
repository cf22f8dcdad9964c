import { useEffect, useState, type FormEvent } from 'react';
import { devicesApi } from '../../api/endpoints';
import type { PostApiDevicesIdQrResponse } from '../../api/generated';
import { useAction } from '../../ui/async';
import { ErrorNotice, Field } from '../../ui/components';

const MIN_PASSWORD = 8;

/**
 * "Generate Device QR Code": a Sitekeeper code that adds this device again. Encrypted with a
 * password by default (scanning asks for it); a plain code only when ticked.
 */
/** The SVG drawn on a canvas at `size` pixels, as a PNG data URL (for a PNG download). */
async function svgToPng(svg: string, size: number): Promise<string> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext('2d');
  if (!g) throw new Error('This browser cannot draw images.');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, size, size);
  g.imageSmoothingEnabled = false;
  g.drawImage(img, 0, 0, size, size);
  return canvas.toDataURL('image/png');
}

function PngDownload({ svg, name, label }: { svg: string; name: string; label: string }) {
  const [href, setHref] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    svgToPng(svg, 720).then(
      (url) => live && setHref(url),
      () => live && setHref(null),
    );
    return () => {
      live = false;
    };
  }, [svg]);
  if (!href) return null;
  return (
    <a className="btn btn-secondary" href={href} download={name} data-testid="device-qr-png">
      {label}
    </a>
  );
}

export function DeviceQr({ deviceId, serial, name, siteName }: { deviceId: string; serial: string; name?: string; siteName?: string }) {
  const [password, setPassword] = useState('');
  const [plain, setPlain] = useState(false);
  const [touched, setTouched] = useState(false);
  const [result, setResult] = useState<PostApiDevicesIdQrResponse | null>(null);
  const tooShort = !plain && password.length < MIN_PASSWORD;
  const create = useAction(async () => {
    setResult(await devicesApi.qr(deviceId, plain ? { unencrypted: true } : { password }));
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!tooShort) create.run();
  };
  return (
    <section className="card" aria-labelledby="device-qr-title">
      <h2 id="device-qr-title">Device QR code</h2>
      <p>A code that adds this device again in Sitekeeper (for another site, a colleague, or after a reset). It carries the verification code or the device password, so it is protected with a password of your choice.</p>
      <form onSubmit={submit} noValidate>
        <Field
          label="Password for the code"
          type="password"
          autoComplete="new-password"
          value={password}
          disabled={plain}
          onChange={(e) => setPassword(e.target.value)}
          hint={`At least ${MIN_PASSWORD} characters. Scanning the code asks for it.`}
          error={touched && tooShort ? `Choose at least ${MIN_PASSWORD} characters, or make a plain code.` : undefined}
        />
        <label className="checkbox">
          <input type="checkbox" checked={plain} onChange={(e) => setPlain(e.target.checked)} />
          Plain code without a password (anyone who sees it can add the device)
        </label>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={create.busy}>
            Create QR code
          </button>
        </div>
      </form>
      <ErrorNotice error={create.error} />
      {result && (
        <div className="device-qr-result" data-testid="device-qr">
          <p role="status">
            {result.encrypted ? 'Encrypted: scanning it asks for the password you chose.' : 'Plain: anyone who scans it can add the device.'}
            {result.parts.length > 1 ? ` Scan all ${result.parts.length} parts, in any order.` : ''}
          </p>
          <ul className="qr-parts">
            {result.parts.map((part, i) => {
              const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(part.svg)}`;
              const name = result.parts.length > 1 ? `${serial}-qr-${i + 1}-of-${result.parts.length}.svg` : `${serial}-qr.svg`;
              return (
                <li key={part.text}>
                  <img src={src} width={240} height={240} alt={`Device QR code${result.parts.length > 1 ? `, part ${i + 1} of ${result.parts.length}` : ''} for ${serial}`} />
                  <a className="btn btn-secondary" href={src} download={name}>
                    Download SVG{result.parts.length > 1 ? ` part ${i + 1}` : ''}
                  </a>
                  <PngDownload svg={part.svg} name={name.replace(/\.svg$/, '.png')} label={`Download PNG${result.parts.length > 1 ? ` part ${i + 1}` : ''}`} />
                </li>
              );
            })}
          </ul>
          <div className="form-actions">
            <button type="button" className="btn btn-secondary" data-testid="device-qr-print" onClick={() => window.print()}>
              Print label
            </button>
          </div>
          {/* The printable label: shown only when printing (see .print-label in the stylesheet). */}
          <div className="print-label" data-testid="device-qr-label">
            {result.parts.map((part, i) => (
              <figure key={part.text} className="print-label-item">
                <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(part.svg)}`} width={180} height={180} alt="" />
                <figcaption>
                  <strong>{name || serial}</strong>
                  <span>S/N {serial}</span>
                  {siteName && <span>{siteName}</span>}
                  <span>{result.encrypted ? 'Encrypted: ask for the password' : 'Plain code'}{result.parts.length > 1 ? ` · part ${i + 1} of ${result.parts.length}` : ''}</span>
                </figcaption>
              </figure>
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
