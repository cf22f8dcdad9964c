// Adding devices to sites (issue 6). Add codes here; keep docs/errors.md in step.
export const ONBOARDING_ERRORS = {} as const;
