import { describe, expect, it } from 'vitest';
import { envExampleRealKey } from '../../../src/doctor/checks/env-example-real-key.js';
import { hint } from '../../../src/key/fingerprint.js';
import { makeKey } from '../../../src/key/keygen.js';
import { gitdir } from '../../helpers/git.js';
import { runCheck } from '../helpers.js';

describe('env-example-real-key', () => {
  it('fails on a template holding a real-shaped key, showing its hint only', async () => {
    const key = makeKey();
    const dir = gitdir({ '.env.example': `ANTHROPIC_API_KEY=${key}\n`, 'web/.env.sample': 'X=1\n' });
    const result = await runCheck(envExampleRealKey, dir);
    expect(result).toMatchObject({ status: 'fail', paths: ['.env.example'] });
    expect(result.message).toContain(hint(key));
    expect(JSON.stringify(result)).not.toContain(key);
  });

  it('passes on placeholders', async () => {
    const placeholder = ['sk', 'ant', 'api03', 'your-key-here'].join('-');
    const dir = gitdir({
      '.env.template': `ANTHROPIC_API_KEY=${placeholder}\n`,
      '.env.example': 'ANTHROPIC_API_KEY=\n',
    });
    expect((await runCheck(envExampleRealKey, dir)).status).toBe('pass');
  });
});
