/**
 * Writes `src/telemetry/record-validators.generated.ts` (`npm run generate:validators`): the
 * telemetry record checks compiled ahead of time. Run it after changing `envelope-schema.ts`;
 * `record-validators.test.ts` fails until then.
 */
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { RECORD_VALIDATORS_MODULE, recordValidatorSource } from "../src/telemetry/record-validator-source.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
writeFileSync(join(root, RECORD_VALIDATORS_MODULE), recordValidatorSource());
process.stdout.write(`wrote ${RECORD_VALIDATORS_MODULE}\n`);
