import { scanBuffer } from '../../scan/content.js';
import { type Check, pass } from '../types.js';

const ID = 'env-example-real-key';

/** Template env files (`.env.example`…) are committed on purpose, so they must hold placeholders only. */
export const envExampleRealKey: Check = {
  id: ID,
  async run(ctx) {
    const bad: string[] = [];
    const hints: string[] = [];
    for (const path of ctx.templates) {
      const data = await ctx.read(path);
      if (!data) continue;
      const { findings } = scanBuffer(data, { path });
      if (findings.length === 0) continue;
      bad.push(path);
      hints.push(...findings.map((f) => `${path}:${f.line} ${f.hint}`));
    }
    if (bad.length === 0) {
      return pass(ID, ctx.templates.length ? 'env templates hold placeholders only' : 'no env templates');
    }
    return {
      id: ID,
      status: 'fail',
      message: `a real-looking key in a template: ${hints.join(', ')}`,
      paths: bad,
      fix: 'replace the value with a placeholder (ANTHROPIC_API_KEY=) and rotate the key: templates are meant to be shared',
    };
  },
};
