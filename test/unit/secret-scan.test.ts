import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scanForSecrets } from '../../scripts/secret-scan.ts';

const token = `v1.${Buffer.from('c-1|alice|AAECAwQFBgcICQoLDA0ODw').toString('base64url')}.${'s'.repeat(43)}`;

test('finds a secret or a complete queue token in any log or report file, by file and line', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'scan-'));
  try {
    mkdirSync(path.join(dir, 'logs'));
    writeFileSync(path.join(dir, 'logs', 'queue-1.log'), `{"event":"ok"}\n{"cause":"bad bearer admin-secret-123456"}\n`);
    writeFileSync(path.join(dir, 'report.html'), `<td>${token}</td>`);
    writeFileSync(path.join(dir, 'access.log'), `GET /api/v1/queue/events?token=${token.replaceAll('.', '%2E')}\n`);
    writeFileSync(path.join(dir, 'clean.json'), JSON.stringify({ token: 'v1.***', masked: `${token.slice(0, 20)}…` }));
    const findings = scanForSecrets(dir, [{ name: 'ADMIN_TOKEN', value: 'admin-secret-123456' }]);
    assert.deepEqual(
      findings.map((f) => [path.relative(dir, f.file), f.what, f.line]),
      [
        ['access.log', 'a complete queue token', 1],
        ['logs/queue-1.log', 'ADMIN_TOKEN', 2],
        ['report.html', 'a complete queue token', 1],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing directory has nothing in it', () => {
  assert.deepEqual(scanForSecrets('/nonexistent/reports', [{ name: 'x', value: 'xxxxxxxxxx' }]), []);
});
