/**
 * The pieces the config schema is built from: its type, and the helpers each store's declaration
 * (config/stores/*.ts) uses for its fragment. Apart from schema.ts so a store can import them
 * without an import cycle (schema.ts imports the stores).
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

export const str = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({
  type: 'string',
  minLength: 1,
  description,
  ...extra,
});

/** A store's config: an object told apart by its `type`, with no other fields than `properties`. */
export function storeSchema(
  type: string,
  description: string,
  properties: Record<string, JsonSchema>,
  required: string[],
) {
  return {
    type: 'object',
    description,
    properties: { type: { const: type, description: `Store type: ${type}.` }, ...properties },
    required: ['type', ...required],
    additionalProperties: false,
  } satisfies JsonSchema;
}

/** The `field` option of the stores that can hold the key inside a JSON secret. */
export const field = str('Key inside a JSON secret that holds the API key. Omit when the secret is the key itself.');
