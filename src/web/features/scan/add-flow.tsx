/**
 * Collects what the chosen devices need, one dialog at a time, then starts the add and opens its
 * progress page. From each candidate's nextAction: activate → new admin password; enable_cloud →
 * the device's current admin password and a verification code; enter_verification_code → the
 * code; enter_password → the IP device's admin password (sent as devicePassword, no re-scan).
 */
import { useState } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { onboardingApi } from '../../api/endpoints';
import type { AddRequest, Candidate } from '../../api/types';
import { navigate } from '../../app/router';
import { ActivationDialog, CloudDialog, PasswordDialog } from './dialogs';
import { newIdempotencyKey, updateScanFlow, type ScanFlow } from './store';

export type Need = 'activate' | 'password' | 'cloud' | 'code';
const ORDER: Need[] = ['activate', 'password', 'cloud', 'code'];

export function needsOf(candidates: Candidate[]): Need[] {
  const needs: Need[] = [];
  const actions = new Set(candidates.map((c) => c.nextAction));
  if (actions.has('activate')) needs.push('activate');
  if (actions.has('enter_password') || actions.has('enable_cloud')) needs.push('password');
  if (actions.has('enable_cloud')) needs.push('cloud');
  else if (actions.has('enter_verification_code')) needs.push('code');
  return needs;
}

/** Errors a second try cannot fix (the device is elsewhere, unsupported, or already here). */
const NOT_RETRYABLE = new Set(['DEVICE_BOUND_ELSEWHERE', 'DEVICE_ON_OTHER_SITE', 'DEVICE_ALREADY_ADDED', 'DEVICE_UNSUPPORTED', 'SITE_NOT_FOUND', 'DEVICE_NOT_ACTIVATED']);

/**
 * What retrying a device that stopped with this error needs from the user, or null when a retry
 * cannot help. The candidate's own needs (from the scan) are asked again too: secrets are never
 * kept between tries.
 */
export function retryNeeds(candidate: Candidate, errorCode: string | undefined): Need[] | null {
  if (errorCode && NOT_RETRYABLE.has(errorCode)) return null;
  const needs = new Set(needsOf([candidate]));
  if (errorCode === 'ADMIN_PASSWORD_REQUIRED') needs.add('activate');
  if (errorCode === 'DEVICE_PASSWORD_REQUIRED' || errorCode === 'DEVICE_AUTH_FAILED') needs.add('password');
  if (errorCode === 'VERIFICATION_CODE_REQUIRED' || errorCode === 'VERIFICATION_CODE_INVALID' || errorCode === 'VERIFICATION_CODE_RULES') needs.add('code');
  if (needs.has('cloud')) needs.delete('code');
  return ORDER.filter((n) => needs.has(n));
}

export function useAddFlow(flow: ScanFlow | null) {
  const [pending, setPending] = useState<{ ids: string[]; needs: Need[]; secrets: Partial<AddRequest> } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();

  const submit = (ids: string[], secrets: Partial<AddRequest>) => {
    const [first, ...rest] = ids;
    // The server takes at least one candidate (minItems 1); the screens never offer an empty add.
    if (!flow || first === undefined) return;
    setBusy(true);
    setError(undefined);
    const chosen = flow.scan.candidates.filter((c) => ids.includes(c.id));
    onboardingApi.add(flow.scan.scanId, { candidateIds: [first, ...rest], idempotencyKey: newIdempotencyKey(), ...secrets }).then(
      ({ batchId }) => {
        setBusy(false);
        updateScanFlow({ selected: ids, batchId });
        const offline = chosen.length === 1 && chosen[0]?.nextAction === 'connect_to_network';
        navigate(offline ? `/m/offline/${encodeURIComponent(batchId)}` : `/m/progress/${encodeURIComponent(batchId)}`);
      },
      (e: unknown) => {
        setBusy(false);
        setError(toApiError(e));
      },
    );
  };

  const advance = (ids: string[], needs: Need[], secrets: Partial<AddRequest>) => {
    if (needs.length === 0) {
      setPending(null);
      submit(ids, secrets);
    } else setPending({ ids, needs, secrets });
  };

  const start = (ids: string[]) => {
    if (!flow || ids.length === 0) return;
    const chosen = flow.scan.candidates.filter((c) => ids.includes(c.id));
    advance(ids, needsOf(chosen), {});
  };
  /** Start with the needs already known (a retry: see retryNeeds). */
  const startWith = (ids: string[], needs: Need[]) => {
    if (!flow || ids.length === 0) return;
    advance(ids, needs, {});
  };

  const current = pending?.needs[0];
  const countFor = (pred: (c: Candidate) => boolean) =>
    flow?.scan.candidates.filter((c) => pending?.ids.includes(c.id) && pred(c)).length ?? 0;
  const next = (patch: Partial<AddRequest>) => {
    if (pending) advance(pending.ids, pending.needs.slice(1), { ...pending.secrets, ...patch });
  };
  const cancel = () => setPending(null);

  const dialogs = (
    <>
      <ActivationDialog
        open={current === 'activate'}
        count={countFor((c) => c.nextAction === 'activate')}
        onCancel={cancel}
        onSubmit={(adminPassword) => next({ adminPassword })}
      />
      <PasswordDialog
        open={current === 'password'}
        count={countFor((c) => c.nextAction === 'enter_password' || c.nextAction === 'enable_cloud')}
        forCloud={countFor((c) => c.nextAction === 'enable_cloud') > 0}
        onCancel={cancel}
        onSubmit={(devicePassword) => next({ devicePassword })}
      />
      <CloudDialog
        open={current === 'cloud' || current === 'code'}
        enable={current === 'cloud'}
        count={countFor((c) => c.nextAction === 'enable_cloud' || c.nextAction === 'enter_verification_code')}
        onCancel={cancel}
        onSubmit={(verificationCode) => next({ verificationCode })}
      />
    </>
  );

  return { start, startWith, dialogs, busy, error };
}
