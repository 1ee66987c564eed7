/** This package's version, sent to APIs as the client version (kept equal to package.json by a test). */
export const VERSION = '0.1.0';
export const CLIENT_NAME = 'batch-cost-gate';
