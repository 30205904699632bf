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

describe('redactSecrets in prose', () => {
  it('redacts "password <value>" and "login is <user> / <value>", not ordinary words', () => {
    expect(redactSecrets('If you need the dashboard: user admin, password Granite#77-harborAb3').text).toBe(
      `If you need the dashboard: user admin, password ${REDACTED}`,
    );
    expect(redactSecrets('staging dashboard login is admin / Tulip!42-meadowx1Z if you need it').text).toBe(
      `staging dashboard login is admin / ${REDACTED} if you need it`,
    );
    expect(redactSecrets('my password is hunter2hunter2.').text).toBe(`my password is ${REDACTED}.`);
    for (const t of ['password reset link', 'user / group', 'the password policy is strict'])
      expect(redactSecrets(t).count).toBe(0);
  });
});
