/**
 * The tags the suite looks for (environment/service-images.ts), one `<service>=<tag>`
 * line each, for $GITHUB_OUTPUT: the PR workflow builds the images once per run under these
 * tags, and every leg's suite then finds them built and reuses them.
 */
import path from 'node:path';
import { baseImage, SERVICE_KINDS, sourceHash } from '../../environment/service-images.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const source = sourceHash(root, baseImage());
for (const kind of SERVICE_KINDS) console.log(`${kind}=ticket-rush/${kind}:src-${source}`);
