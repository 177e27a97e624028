/**
 * The Content-Security-Policy vite.config.ts serves: the same directives in the header (dev and preview)
 * and in the pages' meta tag; scripts, workers and connections from the app's own origin only; no eval and no inline
 * script, except the dev server's fast-refresh preamble, allowed by its hash in dev alone.
 */
import { createHash } from 'node:crypto';
import react from '@vitejs/plugin-react';
import { describe, expect, it } from 'vitest';
import config, { contentSecurityPolicy } from '../../vite.config.ts';

const directives = (policy: string) => new Map(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));

describe('Content-Security-Policy', () => {
  it('allows only the origin for scripts, workers and connections, wasm compilation but no eval or inline script', () => {
    const policy = directives(contentSecurityPolicy());
    expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(policy.get('worker-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    for (const [name, sources] of policy)
      expect(
        sources.filter((s) => /^https?:|^\*$|'unsafe-eval'/.test(s)),
        name,
      ).toEqual([]);
  });

  it('serves the same policy as a header in preview and dev, with frame-ancestors only there', () => {
    const header = contentSecurityPolicy({ header: true });
    expect(config.preview?.headers?.['Content-Security-Policy']).toBe(header);
    expect(header).toBe(`${contentSecurityPolicy()}; frame-ancestors 'none'`);
    expect(config.server?.headers?.['Content-Security-Policy']).toBe(contentSecurityPolicy({ dev: true, header: true }));
  });

  it("allows the dev server's fast-refresh preamble by its hash, in dev only", () => {
    const hash = `'sha256-${createHash('sha256').update(react.preambleCode.replace('__BASE__', '/')).digest('base64')}'`;
    expect(directives(contentSecurityPolicy({ dev: true })).get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", hash]);
    expect(contentSecurityPolicy()).not.toContain('sha256');
  });
});
