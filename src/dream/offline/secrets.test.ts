import { describe, expect, it } from 'vitest';
import { hasSecret, REDACTED, redactSecrets } from './secrets.js';

describe('redactSecrets', () => {
  it('redacts common token formats and keeps the rest', () => {
    const text = [
      'key sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345',
      'aws AKIAIOSFODNN7EXAMPLE',
      'gh ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ',
      'url postgres://admin:hunter2pass@db.example.com/app',
    ].join('\n');
    const r = redactSecrets(text);
    expect(r.count).toBe(4);
    expect(r.text).not.toMatch(/sk-ant|AKIA|ghp_|hunter2pass/);
    expect(r.text).toContain('postgres://admin:[REDACTED]@db.example.com/app');
  });

  it('redacts assigned passwords and tokens but not placeholders', () => {
    expect(redactSecrets('password = correcthorse').text).toBe(`password = ${REDACTED}`);
    expect(redactSecrets('API_KEY: "abc123def456"').text).toBe(`API_KEY: "${REDACTED}"`);
    expect(redactSecrets('token: required').count).toBe(0);
    expect(hasSecret('the password policy is strict')).toBe(false);
  });
});
