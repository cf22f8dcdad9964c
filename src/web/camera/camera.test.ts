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
    for (const help of Object.values(CAMERA_HELP)) {
      expect(help.steps.length).toBeGreaterThan(0);
      expect(help.note).not.toBe('');
    }
  });

  it('gives the Android and iPhone settings as alternatives within one step, not as steps of their own', () => {
    const { steps } = CAMERA_HELP.denied;
    expect(steps.filter((s) => /Android|iPhone/.test(s.text))).toEqual([]);
    const withChoices = steps.filter((s) => s.either);
    expect(withChoices).toHaveLength(1);
    expect(withChoices[0]!.either).toEqual([expect.stringMatching(/^On Android/), expect.stringMatching(/^On iPhone/)]);
  });
});
