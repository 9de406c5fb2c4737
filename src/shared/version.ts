/** The package version, kept in step with package.json by a test. */
export const VERSION = '0.1.0';
export const TOOL = { name: 'keyguard', version: VERSION } as const;
