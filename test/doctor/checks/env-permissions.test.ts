import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envPermissions } from '../../../src/doctor/checks/env-permissions.js';
import { buildContext } from '../../../src/doctor/context.js';
import { tempDir, writeFiles } from '../../helpers/git.js';
import { runCheck } from '../helpers.js';

describe.skipIf(process.platform === 'win32')('env-permissions', () => {
  it('warns on env files readable by group or others; the fix sets 600 and is idempotent', async () => {
    const dir = tempDir();
    writeFiles(dir, { '.env': 'A=1\n', 'api/.env.local': 'A=1\n', '.env.example': 'A=\n' });
    chmodSync(join(dir, '.env'), 0o644);
    chmodSync(join(dir, 'api/.env.local'), 0o640);
    chmodSync(join(dir, '.env.example'), 0o644);
    const result = await runCheck(envPermissions, dir);
    expect(result).toMatchObject({ status: 'warn', paths: ['.env', 'api/.env.local'] });
    const ctx = await buildContext(dir, { config: {}, dir });
    expect(await envPermissions.fix!(ctx, result)).toEqual(['.env: mode 600', 'api/.env.local: mode 600']);
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
    expect(await runCheck(envPermissions, dir)).toMatchObject({ status: 'pass' });
  });

  it('passes on owner-only files', async () => {
    const dir = tempDir();
    writeFiles(dir, { '.env': 'A=1\n' });
    chmodSync(join(dir, '.env'), 0o600);
    expect((await runCheck(envPermissions, dir)).status).toBe('pass');
  });
});
