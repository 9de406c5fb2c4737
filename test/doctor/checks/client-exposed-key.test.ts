import { describe, expect, it } from 'vitest';
import { clientExposedKey } from '../../../src/doctor/checks/client-exposed-key.js';
import { makeKey } from '../../../src/key/keygen.js';
import { gitdir, writeFiles } from '../../helpers/git.js';
import { ALLOW_BROWSER, BROWSER_KEY_VAR, runCheck, VITE_KEY_VAR } from '../helpers.js';

describe('client-exposed-key', () => {
  it('fails on a browser-prefixed variable holding a key, whatever its name', async () => {
    const dir = gitdir({ '.gitignore': '.env*\n' });
    writeFiles(dir, { '.env.local': `NEXT_PUBLIC_AI_TOKEN=${makeKey()}\nANTHROPIC_API_KEY=${makeKey()}\n` });
    const result = await runCheck(clientExposedKey, dir);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('.env.local: NEXT_PUBLIC_AI_TOKEN');
    expect(result.message).not.toContain(': ANTHROPIC_API_KEY');
  });

  it('fails on an Anthropic variable with a browser prefix in an env file or in source', async () => {
    const dir = gitdir({
      '.env.example': `${VITE_KEY_VAR}=\n`,
      'src/client.ts': `const key = process.env.${BROWSER_KEY_VAR};\n`,
    });
    const result = await runCheck(clientExposedKey, dir);
    expect(result.status).toBe('fail');
    expect(result.paths).toEqual(['.env.example', 'src/client.ts']);
    expect(result.message).toContain(`src/client.ts:1: ${BROWSER_KEY_VAR}`);
  });

  it('fails on dangerouslyAllowBrowser set to true, unless the line says keyguard:allow', async () => {
    const dir = gitdir({ 'app/chat.tsx': `new Anthropic({ ${ALLOW_BROWSER} });\n` });
    expect((await runCheck(clientExposedKey, dir)).paths).toEqual(['app/chat.tsx']);
    const allowed = gitdir({ 'app/chat.tsx': `new Anthropic({ ${ALLOW_BROWSER} }); // keyguard:allow (proxy)\n` });
    expect((await runCheck(clientExposedKey, allowed)).status).toBe('pass');
  });

  it('fails on a key in build output even though git ignores it', async () => {
    const dir = gitdir({ '.gitignore': '.next/\ndist/\n', 'src/a.ts': 'export {};\n' });
    writeFiles(dir, { '.next/static/chunks/app.js': `var k="${makeKey()}";`, 'dist/index.html': '<p>ok</p>' });
    const result = await runCheck(clientExposedKey, dir);
    expect(result.status).toBe('fail');
    expect(result.paths).toEqual(['.next/static/chunks/app.js']);
    expect(result.message).toContain('build output');
  });

  it('passes on server-side use of ANTHROPIC_API_KEY', async () => {
    const dir = gitdir({ 'src/server.ts': 'new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });\n' });
    expect((await runCheck(clientExposedKey, dir)).status).toBe('pass');
  });
});

describe('client-exposed-key: bundler configs', () => {
  it('fails when a Vite define or Next.js env block names an Anthropic variable', async () => {
    const dir = gitdir({
      'vite.config.ts':
        "export default { define: { 'process.env.ANTHROPIC_API_KEY': JSON.stringify(process.env.ANTHROPIC_API_KEY) } };\n",
      'next.config.mjs': 'export default { reactStrictMode: true };\n',
      'src/server.ts': 'const key = process.env.ANTHROPIC_API_KEY;\n',
    });
    const result = await runCheck(clientExposedKey, dir);
    expect(result.status).toBe('fail');
    expect(result.paths).toEqual(['vite.config.ts']);
    expect(result.message).toContain('vite.config.ts:1: process.env.ANTHROPIC_API_KEY in a bundler config');
  });
});
