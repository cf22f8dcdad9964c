/**
 * Collects what the chosen devices need, one dialog at a time, then starts the add and opens its
 * progress page. From each candidate's nextAction: activate → new admin password; enable_cloud →
 * the device's current admin password and a verification code; enter_verification_code → the
 * code; enter_password → the IP device's admin password (sent as devicePassword, no re-scan).
 * Each dialog names the devices it asks about; when the batch has others, those devices can be
 * skipped and the rest is added without them.
 */
import { useState } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { onboardingApi } from '../../api/endpoints';
import type { AddRequest, Candidate } from '../../api/types';
import { navigate } from '../../app/router';
import { ActivationDialog, CloudDialog, PasswordDialog } from './dialogs';
import { newIdempotencyKey, typedCodeFor, updateScanFlow, type ScanFlow } from './store';

export type Need = 'activate' | 'password' | 'cloud' | 'code';
const ORDER: Need[] = ['activate', 'password', 'cloud', 'code'];

/** Which devices of a batch a need is asked for (from what the scan found). */
const NEEDED_BY: Record<Need, (c: Candidate) => boolean> = {
  activate: (c) => c.nextAction === 'activate',
  password: (c) => c.nextAction === 'enter_password' || c.nextAction === 'enable_cloud',
  cloud: (c) => c.nextAction === 'enable_cloud',
  code: (c) => c.nextAction === 'enable_cloud' || c.nextAction === 'enter_verification_code',
};

/**
 * The devices among `chosen` that a dialog for `need` is about. A retry asks for what its error
 * says, which the scan may not have foreseen: then it is about all of them.
 */
export function devicesNeeding(need: Need, chosen: Candidate[]): Candidate[] {
  const some = chosen.filter(NEEDED_BY[need]);
  return some.length > 0 ? some : chosen;
}

/**
 * Skipping the devices a need is about: the rest of the batch and what it still needs, or null
 * when nothing would be left (then there is nothing to skip to: Cancel is the way out).
 */
export function withoutDevicesNeeding(need: Need, chosen: Candidate[], laterNeeds: Need[]): { ids: string[]; skipped: string[]; needs: Need[] } | null {
  const skipped = devicesNeeding(need, chosen);
  const rest = chosen.filter((c) => !skipped.includes(c));
  if (rest.length === 0) return null;
  const still = new Set(needsOf(rest));
  return { ids: rest.map((c) => c.id), skipped: skipped.map((c) => c.id), needs: laterNeeds.filter((n) => still.has(n)) };
}

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
  const [pending, setPending] = useState<{ ids: string[]; needs: Need[]; secrets: Partial<AddRequest>; skipped: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();

  const submit = (ids: string[], secrets: Partial<AddRequest>, skipped: string[]) => {
    const [first, ...rest] = ids;
    // The server takes at least one candidate (minItems 1); the screens never offer an empty add.
    if (!flow || first === undefined) return;
    setBusy(true);
    setError(undefined);
    const chosen = flow.scan.candidates.filter((c) => ids.includes(c.id));
    onboardingApi.add(flow.scan.scanId, { candidateIds: [first, ...rest], idempotencyKey: newIdempotencyKey(), ...secrets }).then(
      ({ batchId }) => {
        setBusy(false);
        updateScanFlow({ selected: ids, batchId, skipped });
        const offline = chosen.length === 1 && chosen[0]?.nextAction === 'connect_to_network';
        navigate(offline ? `/m/offline/${encodeURIComponent(batchId)}` : `/m/progress/${encodeURIComponent(batchId)}`);
      },
      (e: unknown) => {
        setBusy(false);
        setError(toApiError(e));
      },
    );
  };

  const advance = (ids: string[], needs: Need[], secrets: Partial<AddRequest>, skipped: string[]) => {
    if (needs.length === 0) {
      setPending(null);
      submit(ids, secrets, skipped);
    } else setPending({ ids, needs, secrets, skipped });
  };

  /** Start adding these devices: ask what they need, except a verification code typed before (manual add). */
  const start = (ids: string[]) => {
    if (!flow || ids.length === 0) return;
    const chosen = flow.scan.candidates.filter((c) => ids.includes(c.id));
    const typed = typedCodeFor(flow.scan.scanId);
    const needs = needsOf(chosen).filter((n) => !(typed && (n === 'code' || n === 'cloud')));
    advance(ids, needs, typed ? { verificationCode: typed } : {}, []);
  };
  /** Start with the needs already known (a retry: see retryNeeds). */
  const startWith = (ids: string[], needs: Need[]) => {
    if (!flow || ids.length === 0) return;
    advance(ids, needs, {}, []);
  };

  const current = pending?.needs[0];
  const chosen = flow?.scan.candidates.filter((c) => pending?.ids.includes(c.id)) ?? [];
  const about = current ? devicesNeeding(current, chosen) : [];
  const next = (patch: Partial<AddRequest>) => {
    if (pending) advance(pending.ids, pending.needs.slice(1), { ...pending.secrets, ...patch }, pending.skipped);
  };
  const cancel = () => setPending(null);
  const without = pending && current ? withoutDevicesNeeding(current, chosen, pending.needs.slice(1)) : null;
  const skip =
    pending && without
      ? { count: about.length, others: without.ids.length, onSkip: () => advance(without.ids, without.needs, pending.secrets, [...pending.skipped, ...without.skipped]) }
      : undefined;

  const dialogs = (
    <>
      <ActivationDialog open={current === 'activate'} devices={current === 'activate' ? about : []} skip={skip} onCancel={cancel} onSubmit={(adminPassword) => next({ adminPassword })} />
      <PasswordDialog
        open={current === 'password'}
        devices={current === 'password' ? about : []}
        skip={skip}
        forCloud={chosen.some((c) => c.nextAction === 'enable_cloud')}
        onCancel={cancel}
        onSubmit={(devicePassword) => next({ devicePassword })}
      />
      <CloudDialog
        open={current === 'cloud' || current === 'code'}
        enable={current === 'cloud'}
        devices={current === 'cloud' || current === 'code' ? about : []}
        skip={skip}
        onCancel={cancel}
        onSubmit={(verificationCode) => next({ verificationCode })}
      />
    </>
  );

  return { start, startWith, dialogs, busy, error };
}
