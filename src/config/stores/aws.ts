import { field, storeSchema, str } from '../schema-parts.js';
import { declareStore } from './declare.js';

export type AwsStoreConfig = {
  type: 'aws';
  secretId: string;
  region?: string;
  field?: string;
  endpoint?: string;
  profile?: string;
};

export const aws = declareStore<AwsStoreConfig>({
  type: 'aws',
  schema: storeSchema(
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
});
