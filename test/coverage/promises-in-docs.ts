/**
 * The promises the project's documents make, read from the documents themselves, so a promise
 * added there shows up in docs/coverage.md (and fails its check) until a scenario proves it:
 * - docs/api.md: every status a contract table lists for a route ("POST /api/v1/reservations →
 *   409 RESERVATION_LIMIT"), and every bullet;
 * - docs/guarantees.md: every row of its tables (the first cell is the promise; under "Failures
 *   of the infrastructure", the failure and the promise together).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export type DocumentedPromise = { source: 'docs/api.md' | 'docs/guarantees.md'; section: string; text: string };

const plain = (text: string) => text.replace(/\*\*|`/g, '').replace(/\s+/g, ' ').trim();

export function promisesInDocs(root = ROOT): DocumentedPromise[] {
  return [...apiRules(readFileSync(path.join(root, 'docs/api.md'), 'utf8')), ...guarantees(readFileSync(path.join(root, 'docs/guarantees.md'), 'utf8'))];
}

function apiRules(markdown: string): DocumentedPromise[] {
  const rules: DocumentedPromise[] = [];
  let section = '';
  let bullet: string[] | undefined;
  const endBullet = () => {
    if (bullet) rules.push({ source: 'docs/api.md', section, text: plain(bullet.join(' ')) });
    bullet = undefined;
  };
  // A paragraph or heading that names a status is a rule too ("All calls carry … otherwise 401 …").
  const namesStatus = (text: string) => /(?<![\d,])\b[1-5]\d\d\b(?![\d,])/.test(text);
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length && namesStatus(paragraph.join(' '))) rules.push({ source: 'docs/api.md', section, text: plain(paragraph.join(' ')) });
    paragraph = [];
  };
  for (const line of markdown.split('\n')) {
    if (!line.trim() || line.startsWith('|') || line.startsWith('#') || line.startsWith('- ') || (bullet && line.startsWith('  '))) endParagraph();
    else paragraph.push(line.trim());
    if (line.startsWith('#')) {
      endBullet();
      section = line.replace(/^#+\s*/, '');
      if (namesStatus(section)) rules.push({ source: 'docs/api.md', section, text: plain(section) });
    } else if (line.startsWith('- ')) {
      endBullet();
      bullet = [line.slice(2)];
    } else if (bullet && line.startsWith('  ') && line.trim()) {
      bullet.push(line.trim());
    } else {
      endBullet();
      const row = /^\| `([A-Z]+(?:, [A-Z]+)?) ([^`]+)`[^|]*\|(.*)\|$/.exec(line);
      if (row) rules.push(...routeRules(section, `${row[1]} ${row[2]}`, row[3]));
    }
  }
  endBullet();
  endParagraph();
  return rules.filter((rule, i) => rules.findIndex((other) => other.text === rule.text) === i);
}

/** One promise per status (and code) a route's row lists. */
function routeRules(section: string, route: string, cells: string): DocumentedPromise[] {
  const found = [...cells.matchAll(/(?<![\d,–.])\b([1-5]\d\d)\b(?![\d,])(?:`? ?`?([A-Z][A-Z_]+(?:\|[A-Z_]+)*)`?)?/g)].map(([, status, code]) => (code ? `${status} ${code}` : status));
  // "400" beside "400 VALIDATION_FAILED" says nothing more.
  const statuses = [...new Set(found)].filter((status, _, all) => status.includes(' ') || !all.some((other) => other.startsWith(`${status} `)));
  if (statuses.length === 0) return [{ source: 'docs/api.md', section, text: route }];
  return statuses.map((status) => ({ source: 'docs/api.md', section, text: `${route} → ${status}` }));
}

function guarantees(markdown: string): DocumentedPromise[] {
  const rows: DocumentedPromise[] = [];
  let section = '';
  for (const line of markdown.split('\n')) {
    // Each level-2 heading is a group of promises; deeper headings hold measurements, not promises.
    if (/^#{3,} /.test(line)) section = '';
    else if (line.startsWith('## ')) section = line.replace(/^#+\s*/, '');
    if (!section) continue;
    if (!line.startsWith('| ') || /^\| (Promise|Failure) \|/.test(line)) continue;
    const cells = line.split(' | ').map((cell) => cell.replace(/^\|\s*|\s*\|$/g, ''));
    // The promise is the row's first cell, or its second where the first names a failure.
    const promise = section.endsWith('infrastructure') ? [cells[0], cells[1]].filter(Boolean).join(': ') : cells[0];
    rows.push({ source: 'docs/guarantees.md', section, text: plain(promise).slice(0, 160) });
  }
  return rows;
}
