/**
 * An integer with thousands separators (`12,345`). Written out rather than `toLocaleString`, whose
 * ICU formatter costs more to set up than a whole incremental build spends on arithmetic, and whose
 * output would depend on the runtime's locale data.
 *
 * @example formatCount(1234567) === "1,234,567"
 */
export function formatCount(value: number): string {
  const text = String(Math.trunc(Math.abs(value)));
  let out = "";
  for (let i = 0; i < text.length; i += 1) {
    if (i > 0 && (text.length - i) % 3 === 0) out += ",";
    out += text[i];
  }
  return value < 0 ? `-${out}` : out;
}
