import { useState } from 'react';
import { devicesApi } from '../../api/endpoints';
import type { PostApiDevicesIdCloudBindingResetResponse } from '../../api/generated';
import { useAction } from '../../ui/async';
import { ErrorNotice } from '../../ui/components';

/**
 * "Reset cloud binding": the device cloud forgets the key it issued to this device, so the device
 * registers again and is bound again only once its verification code is proven (adding it again,
 * with the code from its label). For a device that was reset to factory defaults, had its board
 * replaced, or was bound by mistake. Asks first: until then the device is unreachable through the cloud.
 */
export function CloudBindingReset({ deviceId, serial, onReset }: { deviceId: string; serial: string; onReset?: () => void }) {
  const [result, setResult] = useState<PostApiDevicesIdCloudBindingResetResponse | null>(null);
  const reset = useAction(async () => {
    setResult(await devicesApi.resetCloudBinding(deviceId));
    onReset?.();
  });
  const ask = () => {
    if (window.confirm(`Reset the cloud binding of ${serial}? The device cloud forgets its key: the device is unreachable through the cloud until you add it again with its verification code.`)) reset.run();
  };
  return (
    <section className="card" aria-labelledby="cloud-binding-title">
      <h2 id="cloud-binding-title">Device cloud binding</h2>
      <p>The device cloud holds a key it issued to this device once it proved its verification code. Reset it when the device was reset to factory defaults or replaced: it then registers again, and is bound again only when its code is proven.</p>
      <div className="form-actions">
        <button type="button" className="btn btn-secondary" data-testid="cloud-binding-reset" disabled={reset.busy} onClick={ask}>
          Reset cloud binding
        </button>
      </div>
      <ErrorNotice error={reset.error} />
      {result && (
        <p role="status" data-testid="cloud-binding-result">
          {result.wasBound ? 'Binding reset: add the device again with its verification code to bind it.' : 'The device cloud held no key for this device: nothing to reset.'}
        </p>
      )}
    </section>
  );
}
