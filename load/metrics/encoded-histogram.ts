import * as hdr from 'hdr-histogram-js';
import { latencyHistogram, type Histogram } from './latency.ts';

/**
 * A latency histogram as text, for a generator's file: HDR's compressed base64 encoding, which
 * keeps every bucket's count, so histograms decoded and added together give the percentiles one
 * histogram fed every value would. The encoding keeps no exact maximum (decoded, the maximum is
 * its bucket's upper end), so it travels beside it.
 */
export type EncodedHistogram = { hdr: string; maxUs: number };

export function encodeHistogram(h: Histogram): EncodedHistogram {
  return { hdr: hdr.encodeIntoCompressedBase64(h), maxUs: h.maxValue };
}

/** One histogram holding every value of the encoded ones. */
export function mergeEncoded(encoded: EncodedHistogram[]): Histogram {
  const merged = latencyHistogram();
  let maxUs = 0;
  for (const e of encoded) {
    merged.add(hdr.decodeFromCompressedBase64(e.hdr, 32, false));
    maxUs = Math.max(maxUs, e.maxUs);
  }
  // `add` moved each value to its bucket's upper end; the exact maximum is the largest one recorded.
  // (JsHistogram's maxValue is a plain field; the Histogram interface only marks it read-only.)
  if (merged.totalCount > 0) (merged as unknown as { maxValue: number }).maxValue = maxUs;
  return merged;
}
