import { type JsonSchema, str } from './schema-parts.js';
import { STORE_MODULES } from './stores/registry.js';

export type { JsonSchema } from './schema-parts.js';

/**
 * The JSON Schema of keyguard.config.json. The loader validates with this very object, and
 * `npm run build` writes it to schema/keyguard.config.schema.json, so editors and the loader can
 * never disagree. Each store's part comes from its declaration in config/stores/.
 */

/** The config schema of each store, by type. */
export const STORE_SCHEMAS: Record<string, JsonSchema> = Object.fromEntries(
  STORE_MODULES.map((m) => [m.type, m.schema]),
);

export const CONFIG_SCHEMA: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://keyguard.dev/schema/keyguard.config.schema.json',
  title: 'keyguard configuration',
  description: 'keyguard.config.json: scanning, environments and their secrets stores, audit trail.',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'Path or URL of this schema, for editors.' },
    scan: {
      type: 'object',
      additionalProperties: false,
      description: 'Options of keyguard scan.',
      properties: {
        exclude: {
          type: 'array',
          items: str('A glob of paths to leave out.'),
          description: 'Globs of paths not scanned.',
        },
        failOn: {
          type: 'string',
          enum: ['critical', 'high', 'medium', 'low'],
          default: 'high',
          description: 'Lowest severity that makes scan exit 1.',
        },
        baseline: str('Baseline file of accepted fingerprints.', { default: '.keyguard-baseline.json' }),
        maxFileSizeMB: { type: 'number', minimum: 0, description: 'Files larger than this are skipped (0: no limit).' },
      },
    },
    environments: {
      type: 'object',
      description: 'Environments whose key keyguard rotate manages, by name.',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          store: { oneOf: STORE_MODULES.map((m) => m.schema), description: 'Where the key of this environment lives.' },
          maxAgeDays: { type: 'integer', minimum: 1, description: 'Rotation policy: the key must be younger.' },
          workspaceId: str('Anthropic workspace the key must belong to.'),
          description: str('Free text shown in rotate status.'),
        },
        required: ['store'],
      },
    },
    anthropic: {
      type: 'object',
      additionalProperties: false,
      description: 'How keyguard talks to the Anthropic API.',
      properties: {
        baseUrl: str(
          'API base URL (default: ANTHROPIC_BASE_URL, then https://api.anthropic.com); https, or http to loopback only. Honoured from a repository config only with --trust-config / KEYGUARD_TRUST_CONFIG=1.',
        ),
        adminKeyEnv: str('Variable holding the Admin API key.', { default: 'ANTHROPIC_ADMIN_API_KEY' }),
        timeoutMs: { type: 'integer', minimum: 1, description: 'Timeout of one API call.', default: 15000 },
      },
    },
    audit: {
      type: 'object',
      additionalProperties: false,
      description: 'The audit trail of rotations.',
      properties: {
        file: str('Hash-chained JSON Lines file.', { default: '.keyguard/audit.jsonl' }),
        format: { type: 'string', enum: ['keyguard', 'ocsf'], description: 'Format of events sent to sinks.' },
        http: {
          type: 'object',
          additionalProperties: false,
          description: 'Send each event to a SIEM endpoint by HTTP POST.',
          properties: {
            url: str('Endpoint URL.'),
            // Checked when the trail opens (rotate), not here: a scan must not fail over an audit setting.
            tokenEnv: str(
              'Variable holding a bearer token; its name must start with KEYGUARD_AUDIT_ (e.g. KEYGUARD_AUDIT_TOKEN).',
            ),
            timeoutMs: { type: 'integer', minimum: 1, description: 'Timeout of one delivery.' },
          },
          required: ['url'],
        },
      },
    },
  },
};
