import { describe, expect, it } from '@jest/globals';
import { signMagicToken } from '@render-signal/dashboard';

describe('magic-link signature (the original token format)', () => {
  it('matches the original for a one-shot and a permanent token', () => {
    expect(signMagicToken('fixture-secret-key', 'tUa6nPq2Xw9Lm4Kd7Rb1Zg', '1768296600')).toBe('4e28f3d698b0a0ad495819c3b748c4db9673c0179f88cae053c636d3c3ffc61f');
    expect(signMagicToken('fixture-secret-key', 'Hc3Vn8Qe5Ty2Ws7Jp0Lf4A', 'permanent')).toBe('83344cf94f6f1e102a9d6c388499b18cf9b3ce3bba064bde9dc4a8fd944ff93c');
  });
});
