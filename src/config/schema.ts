/**
 * The JSON Schema of keyguard.config.json. The loader validates with this very object, and
 * `npm run build` writes it to schema/keyguard.config.schema.json, so editors and the loader can
 * never disagree.
 */
export type JsonSchema = {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: readonly (string | number)[];
  const?: string;
  oneOf?: JsonSchema[];
  minimum?: number;
  minLength?: number;
  pattern?: string;
  default?: unknown;
  examples?: unknown[];
};

const str = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({
  type: 'string',
  minLength: 1,
  description,
  ...extra,
});

function store(type: string, description: string, properties: Record<string, JsonSchema>, required: string[]) {
  return {
    type: 'object',
    description,
    properties: { type: { const: type, description: `Store type: ${type}.` }, ...properties },
    required: ['type', ...required],
    additionalProperties: false,
  } satisfies JsonSchema;
}

const field = str('Key inside a JSON secret that holds the API key. Omit when the secret is the key itself.');

export const STORE_SCHEMAS: Record<string, JsonSchema> = {
  aws: store(
    'aws',
    'AWS Secrets Manager (@aws-sdk/client-secrets-manager).',
    {
      secretId: str('Secret name or ARN.'),
      region: str('AWS region, e.g. us-east-1 (default: the SDK default chain).'),
      field,
      endpoint: str(
        'Endpoint URL override (VPC endpoints, tests); default: AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL.',
      ),
      profile: str('Shared-config profile to use.'),
    },
    ['secretId'],
  ),
  gcp: store(
    'gcp',
    'Google Secret Manager (@google-cloud/secret-manager).',
    {
      secret: str('Secret resource name: projects/<project>/secrets/<name>.', {
        pattern: '^projects/[^/]+/secrets/[^/]+$',
      }),
      field,
      apiEndpoint: str(
        'API endpoint override (default: KEYGUARD_GCP_API_ENDPOINT): host[:port] over TLS, or http://127.0.0.1:PORT for a local emulator (plaintext, no credentials, loopback only).',
      ),
    },
    ['secret'],
  ),
  azure: store(
    'azure',
    'Azure Key Vault (@azure/keyvault-secrets + @azure/identity).',
    {
      vaultUrl: str('Vault URL, e.g. https://my-vault.vault.azure.net.'),
      name: str('Secret name in the vault.'),
      field,
      disableOldVersion: {
        type: 'boolean',
        default: false,
        description:
          'When the rotation is finished, disable the secret version holding the old key (needs update permission).',
      },
    },
    ['vaultUrl', 'name'],
  ),
  vault: store(
    'vault',
    'HashiCorp Vault KV version 2 (plain HTTP).',
    {
      address: str('Vault address, e.g. https://vault.example.com:8200 (default: VAULT_ADDR).'),
      namespace: str('Vault Enterprise namespace (X-Vault-Namespace).'),
      mount: str('KV v2 mount point.', { default: 'secret' }),
      path: str('Secret path under the mount.'),
      field: str('Key in the secret data that holds the API key.', { default: 'ANTHROPIC_API_KEY' }),
      tokenFile: str(
        'File holding the Vault token, relative to the config file; read when VAULT_TOKEN is not set (default: ~/.vault-token).',
      ),
    },
    ['path'],
  ),
  doppler: store(
    'doppler',
    'Doppler (REST API).',
    {
      project: str('Doppler project. The token comes from DOPPLER_TOKEN.'),
      config: str('Doppler config (environment), e.g. prd.'),
      name: str('Secret name in the config.', { default: 'ANTHROPIC_API_KEY' }),
      apiUrl: str('API base URL (default: https://api.doppler.com); override for tests or a proxy.'),
    },
    ['project', 'config'],
  ),
  dotenv: store(
    'dotenv',
    'A local env file (development).',
    {
      path: str('Path of the env file, relative to the config file.'),
      variable: str('Variable that holds the key.', { default: 'ANTHROPIC_API_KEY' }),
    },
    ['path'],
  ),
  module: store(
    'module',
    "The user's own store adapter: a module exporting createStore(options).",
    {
      path: str('Path of the module, relative to the config file.'),
      options: { type: 'object', description: 'Passed to createStore as is.', additionalProperties: true },
    },
    ['path'],
  ),
};

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
          store: { oneOf: Object.values(STORE_SCHEMAS), description: 'Where the key of this environment lives.' },
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
