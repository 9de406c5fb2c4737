import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerignoreEnv } from '../../../src/doctor/checks/dockerignore-env.js';
import { buildContext } from '../../../src/doctor/context.js';
import { dockerExcludes } from '../../../src/doctor/dockerignore.js';
import { tempDir, writeFiles } from '../../helpers/git.js';
import { runCheck } from '../helpers.js';

describe('dockerignore-env', () => {
  it('passes without a Dockerfile', async () => {
    expect(await runCheck(dockerignoreEnv, tempDir())).toMatchObject({ status: 'pass', message: 'no Dockerfile' });
  });

  it('warns when env files would enter the build context; the fix appends entries once', async () => {
    const dir = tempDir();
    writeFiles(dir, { Dockerfile: 'FROM node:20\nCOPY . .\n', '.dockerignore': 'node_modules', 'api/.env': 'A=1\n' });
    const result = await runCheck(dockerignoreEnv, dir);
    expect(result.status).toBe('warn');
    expect(result.paths).toEqual(['.env', '.env.local', '.env.production', 'api/.env']);
    const ctx = await buildContext(dir, { config: {}, dir });
    expect(await dockerignoreEnv.fix!(ctx, result)).toEqual(['.dockerignore: added **/.env, **/.env.*, **/*.env']);
    expect(readFileSync(join(dir, '.dockerignore'), 'utf8')).toBe('node_modules\n**/.env\n**/.env.*\n**/*.env\n');
    expect((await runCheck(dockerignoreEnv, dir)).status).toBe('pass');
    expect(await dockerignoreEnv.fix!(await buildContext(dir, { config: {}, dir }), result)).toEqual([]);
  });

  it('judges each Dockerfile folder as its own context', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'svc/Dockerfile': 'FROM x\n', 'svc/.dockerignore': '.env*\n', 'svc/.env.production': 'A=1\n' });
    expect((await runCheck(dockerignoreEnv, dir)).status).toBe('pass');
  });

  it('dockerExcludes follows Docker rules: anchored, ** for depth, last match wins', () => {
    const excluded = dockerExcludes('.env\n**/.env.*\n!**/.env.example\nsecrets/\n');
    expect(excluded('.env')).toBe(true);
    expect(excluded('api/.env')).toBe(false);
    expect(excluded('api/.env.local')).toBe(true);
    expect(excluded('.env.example')).toBe(false);
    expect(excluded('secrets/a/b.txt')).toBe(true);
  });
});
