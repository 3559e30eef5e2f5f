import { SUPPORTED_SCHEMA_VERSIONS, type HostConfig, type SchemaVersion } from "./config-model.js";
import { CONFIG_RULES, ProblemSink, type ConfigProblem, type ConfigRule } from "./config-problems.js";
import { checkDeclarations } from "./check-declarations.js";
import { readMilestones, readLabels, readTracks } from "./read-declarations.js";
import { readEnforcement } from "./read-enforcement.js";
import { readMap, readText } from "./yaml-readers.js";
import type { YamlLimits } from "./yaml-limits.js";
import { parseYamlTree, type YamlNode } from "./yaml-tree.js";

/**
 * The typed config, or every problem. `checked` names the rules that were evaluated: after a
 * syntax error or an unsupported schema_version the others are not (their findings would be noise).
 */
export type ConfigValidation =
  { value: HostConfig; checked: ConfigRule[] } | { errors: ConfigProblem[]; checked: ConfigRule[] };

const NOTHING = { items: [], complete: true, names: [] };
const ALL_RULES = Object.keys(CONFIG_RULES) as ConfigRule[];

const TOP_LEVEL_KEYS = ["schema_version", "tracks", "labels", "milestones", "enforcement"] as const;
const REQUIRED_KEYS = ["schema_version", "tracks", "labels", "milestones"] as const;

/**
 * Validates the text of a `.github/task-assistant.yml` against config v1 (DESIGN §5.3) and returns
 * either the typed configuration or every problem found, each with its rule, JSON pointer,
 * `file:line:col` and a fix hint, ordered as they appear in the file. Pure: no I/O.
 *
 * @example validateConfig('schema_version: "1.0"\ntracks: []\nlabels: []\nmilestones: []\n', { file: ".github/task-assistant.yml" })
 */
export function validateConfig(
  text: string,
  options: { file?: string; limits?: Partial<YamlLimits> } = {},
): ConfigValidation {
  const parsed = parseYamlTree(text, options);
  if ("problems" in parsed) {
    // Over a limit, the file was not parsed: its syntax was not checked either.
    const rule = parsed.refused === "limits" ? "config.limits" : "config.syntax";
    return {
      errors: parsed.problems.map((problem) => ({ ...problem, rule })),
      checked: parsed.refused === "limits" ? ["config.limits"] : ["config.limits", "config.syntax"],
    };
  }
  const sink = new ProblemSink(options.file);
  const root = parsed.tree;
  if (root.kind === "scalar" && root.value === null) {
    sink.add(
      "config.structure",
      "",
      root.pos,
      "the configuration file is empty",
      'start from the example config: schema_version: "1.0", then tracks, labels and milestones',
    );
    return { errors: sink.sorted(), checked: ["config.limits", "config.syntax", "config.structure"] };
  }
  // A file written for another schema version is not checked against this one's rules: those
  // problems would be noise. The version problem says all there is to say.
  const versionNode =
    root.kind === "map" ? root.entries.find((e) => e.key === "schema_version")?.value : undefined;
  const schemaVersion = versionNode && readSchemaVersion(versionNode, sink);
  if (schemaVersion === "unsupported") {
    return { errors: sink.sorted(), checked: ["config.limits", "config.syntax", "config.schema_version"] };
  }

  const entries = readMap(root, "", sink, {
    what: "the configuration",
    allowed: TOP_LEVEL_KEYS,
    required: REQUIRED_KEYS,
    example:
      'a mapping of keys, starting with the line `schema_version: "1.0"`, then tracks, labels and milestones',
    keyHints: {
      schema_version: 'add the line schema_version: "1.0" at the top',
      tracks: "add `tracks:` with a list of { id, label, description }, or `tracks: []` for none",
      labels: 'add `labels:` with a list of { name, color: "RRGGBB", description }, or `labels: []` for none',
      milestones: "add `milestones:` with a list of { title }, or `milestones: []` for none",
    },
  });
  if (entries === undefined)
    return { errors: sink.sorted(), checked: ["config.limits", "config.syntax", "config.structure"] };

  const section = <T>(key: string, read: (node: YamlNode, sink: ProblemSink) => T) => {
    const node = entries.get(key)?.value;
    return node === undefined ? undefined : read(node, sink);
  };
  const tracks = section("tracks", readTracks);
  const labels = section("labels", readLabels);
  const milestones = section("milestones", readMilestones);
  const enforcement = section("enforcement", (node, problems) =>
    readEnforcement(node, problems, schemaVersion ?? "1.0"),
  );
  checkDeclarations(
    {
      tracks: tracks ?? NOTHING,
      labels: labels ?? NOTHING,
      milestones: milestones ?? NOTHING,
      ...(enforcement === undefined ? {} : { enforcement }),
    },
    sink,
  );

  if (sink.problems.length > 0 || !schemaVersion || !tracks || !labels || !milestones) {
    return { errors: sink.sorted(), checked: ALL_RULES };
  }
  return {
    checked: ALL_RULES,
    value: {
      schema_version: schemaVersion,
      tracks: tracks.items.map((item) => item.value),
      labels: labels.items.map((item) => item.value),
      milestones: milestones.items.map((item) => item.value),
      ...(enforcement === undefined ? {} : { enforcement: enforcement.value }),
    },
  };
}

function readSchemaVersion(node: YamlNode, sink: ProblemSink): SchemaVersion | "unsupported" | undefined {
  if (node.kind === "scalar" && (typeof node.value === "number" || typeof node.value === "bigint")) {
    sink.add(
      "config.schema_version",
      "/schema_version",
      node.pos,
      `schema_version must be a quoted string; YAML read ${node.source} as a number`,
      `write schema_version: "${node.source}"`,
    );
    return undefined;
  }
  const version = readText(node, "/schema_version", sink, {
    what: "schema_version",
    rule: "config.schema_version",
  });
  if (version === undefined) return undefined;
  if ((SUPPORTED_SCHEMA_VERSIONS as readonly string[]).includes(version)) return version as SchemaVersion;
  sink.add(
    "config.schema_version",
    "/schema_version",
    node.pos,
    `schema_version ${version} is not supported by this build; supported: ${SUPPORTED_SCHEMA_VERSIONS.join(", ")}`,
    `write schema_version: "${SUPPORTED_SCHEMA_VERSIONS[0]}" with the v1 keys, or run a Task Assistant release that reads ${version}`,
  );
  return "unsupported";
}
