const ENGINE_ORDER = [
  "preflight",
  "validate",
  "materialize",
  "enforce",
  "reconcile",
  "self-test",
  "dashboard",
];

/** Engines in runtime order (preflight first), unknown engines after them by name. */
export function compareEngines(a: string, b: string): number {
  const ia = ENGINE_ORDER.indexOf(a);
  const ib = ENGINE_ORDER.indexOf(b);
  if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}
