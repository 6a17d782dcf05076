// `npm run openapi`: writes openapi.yaml at the repository root from the live route schemas (src/openapi.ts builds it).

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../src/config.js';
import { buildOpenapiDocument, openapiYaml } from '../src/openapi.js';

export const OPENAPI_FILE = path.join(PACKAGE_ROOT, 'openapi.yaml');
export { buildOpenapiDocument, openapiYaml as renderOpenapiYaml };

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = await openapiYaml();
  writeFileSync(OPENAPI_FILE, text);
  console.log(`wrote ${path.relative(process.cwd(), OPENAPI_FILE) || OPENAPI_FILE} (${text.length} bytes)`);
}
