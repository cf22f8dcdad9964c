import { describe, expect, it } from 'vitest';
import { CAMERA_HELP, classifyCameraError } from './camera';

describe('camera errors', () => {
  it('maps getUserMedia failures to problems the page can explain', () => {
    const named = (name: string) => Object.assign(new Error('x'), { name });
    expect(classifyCameraError(named('NotAllowedError')).problem).toBe('denied');
    expect(classifyCameraError(named('NotFoundError')).problem).toBe('no_camera');
    expect(classifyCameraError(named('OverconstrainedError')).problem).toBe('no_camera');
    expect(classifyCameraError(named('NotReadableError')).problem).toBe('in_use');
    expect(classifyCameraError(named('WeirdError')).problem).toBe('unsupported');
    expect(classifyCameraError('string thrown').problem).toBe('unsupported');
  });

  it('has help for every problem', () => {
    for (const help of Object.values(CAMERA_HELP)) expect(help.steps.length).toBeGreaterThan(0);
  });
});
