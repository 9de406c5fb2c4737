import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import type { Format, ReportInput } from './report.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

export const REPORTERS: Record<Format, (input: ReportInput) => string> = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
};

export { FORMATS, type Format, type Palette, plain, type ReportInput } from './report.js';
