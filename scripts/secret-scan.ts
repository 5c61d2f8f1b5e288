import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Looks for secrets where nobody should find them: service logs and reports are shared (CI
 * artefacts, PR comments). A finding is a file and what leaked, never the secret itself.
 *
 * Searched for: every given secret (admin token, token-signing secret, fault-injection token) and
 * any complete queue token — `v1.<payload>.<signature>` with a full 43-character HMAC-SHA256
 * signature, its dots as they are or percent-encoded (a token in a URL's query) — since a complete token lets its reader take the fan's place.
 */
export type SecretFinding = { file: string; what: string; line: number };

// The dots may be percent-encoded: a token in an address (`?token=`, the status stream's query
// form) that a client or proxy encoded is just as usable.
const FULL_QUEUE_TOKEN = /v1(?:\.|%2[Ee])[A-Za-z0-9_-]{8,}(?:\.|%2[Ee])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/;

export function scanForSecrets(dir: string, secrets: { name: string; value: string }[]): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const wanted = secrets.filter((s) => s.value.length >= 8);
  for (const file of filesUnder(dir)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      for (const secret of wanted) {
        if (text.includes(secret.value)) findings.push({ file, what: secret.name, line: i + 1 });
      }
      if (FULL_QUEUE_TOKEN.test(text)) findings.push({ file, what: 'a complete queue token', line: i + 1 });
    });
  }
  return findings;
}

function filesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const full = path.join(dir, name);
    const stat = statSync(full);
    if (stat.isDirectory()) return filesUnder(full);
    // Images and other binaries cannot carry a secret in a way this scan would read.
    return stat.isFile() && /\.(log|json|ndjson|xml|html|md|txt|js|css)$/.test(name) ? [full] : [];
  });
}
