/**
 * Masks what must not reach a report through an error message: complete queue tokens (their
 * signature is what makes them usable; dots plain or percent-encoded, as in a URL's query) and bearer credentials. Used where step code prints an
 * HTTP exchange into a failure message.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(v1(?:\.|%2[Ee])[A-Za-z0-9_-]{8,}(?:\.|%2[Ee]))[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, '$1***')
    .replace(/(Bearer |Basic )[^"\\\s]+/g, '$1***');
}
