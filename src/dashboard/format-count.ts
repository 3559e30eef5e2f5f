/** Counts are formatted in one place for the whole project; see `src/util/format-count.ts`. */
export { formatCount } from "../util/format-count.js";
