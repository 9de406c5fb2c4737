import { describe, expect, it } from 'vitest';
import { keyReusedAcrossEnvs } from '../../../src/doctor/checks/key-reused-across-envs.js';
import { hint } from '../../../src/key/fingerprint.js';
import { makeKey } from '../../../src/key/keygen.js';
import { tempDir, writeFiles } from '../../helpers/git.js';
import { runCheck } from '../helpers.js';

describe('key-reused-across-envs', () => {
  it('warns when one key is in two environment files', async () => {
    const shared = makeKey();
    const dir = tempDir();
    writeFiles(dir, {
      '.env.production': `ANTHROPIC_API_KEY=${shared}\n`,
      '.env.staging': `ANTHROPIC_API_KEY=${shared}\n`,
      '.env.development': `ANTHROPIC_API_KEY=${makeKey()}\n`,
    });
    const result = await runCheck(keyReusedAcrossEnvs, dir);
    expect(result.status).toBe('warn');
    expect(result.paths).toEqual(['.env.production', '.env.staging']);
    expect(result.message).toContain(hint(shared));
  });

  it('counts dotenv stores of keyguard.config.json environments', async () => {
    const shared = makeKey();
    const dir = tempDir();
    writeFiles(dir, { '.env': `ANTHROPIC_API_KEY=${shared}\n`, 'secrets/prod.vars': `ANTHROPIC_API_KEY=${shared}\n` });
    const result = await runCheck(keyReusedAcrossEnvs, dir, {
      environments: { prod: { store: { type: 'dotenv', path: 'secrets/prod.vars' } } },
    });
    expect(result.status).toBe('warn');
    expect(result.message).toContain('environment prod');
  });

  it('passes when every environment has its own key', async () => {
    const dir = tempDir();
    writeFiles(dir, { '.env.production': `K=${makeKey()}\n`, '.env.staging': `K=${makeKey()}\n` });
    expect((await runCheck(keyReusedAcrossEnvs, dir)).status).toBe('pass');
  });
});
