import {
  ENFORCEMENT_MODES,
  FALLBACKS,
  GROUP_NAMES,
  GROUP_PREFIXES,
  labelKey,
  STRATEGIES,
  type Enforcement,
  type Exclusivity,
  type GroupName,
  type GroupRule,
  type PrefixGroup,
  type SchemaVersion,
  type StateRule,
} from "./config-model.js";
import type { ProblemSink } from "./config-problems.js";
import { pointerJoin } from "./json-pointer.js";
import { readEnum, readList, readMap, readText } from "./yaml-readers.js";
import type { Position, YamlEntry, YamlNode } from "./yaml-tree.js";

/** A string read from the file with its place, for the reference rules. */
export interface LocatedText {
  text: string;
  path: string;
  pos: Position;
}

export interface EnforcementRead {
  value: Enforcement;
  /** `phase_milestones` entries: the key (a phase label) and the value (a milestone title). */
  phaseMilestones: { key: LocatedText; title: LocatedText }[];
  terminal: LocatedText[];
}

const BASE = "/enforcement";

/**
 * Reads the `enforcement` section. It returns what could be read even when parts are wrong, so
 * the reference rules still see every `phase_milestones` entry; the problems decide validity.
 */
export function readEnforcement(
  node: YamlNode,
  sink: ProblemSink,
  version: SchemaVersion = "1.0",
): EnforcementRead | undefined {
  const entries = readMap(node, BASE, sink, {
    what: "the enforcement section",
    allowed: ["exclusivity", "phase_milestones"],
    example:
      "a mapping with `exclusivity:` and/or `phase_milestones:` under it, or leave `enforcement` out for no enforcement",
  });
  if (entries === undefined) return undefined;
  const read: EnforcementRead = {
    value: { exclusivity: {}, phase_milestones: {} },
    phaseMilestones: [],
    terminal: [],
  };
  const exclusivityNode = entries.get("exclusivity")?.value;
  if (exclusivityNode !== undefined) readExclusivity(exclusivityNode, sink, read, version);
  const mapNode = entries.get("phase_milestones")?.value;
  if (mapNode !== undefined) readPhaseMilestones(mapNode, sink, read);
  return read;
}

/** What schema 1.1 added; a 1.0 file using it is told to say `schema_version: "1.1"`. */
const NEEDS_1_1 = 'this needs schema_version: "1.1"; change the first line to schema_version: "1.1"';

function readExclusivity(
  node: YamlNode,
  sink: ProblemSink,
  read: EnforcementRead,
  version: SchemaVersion,
): void {
  const pointer = `${BASE}/exclusivity`;
  const groups = readMap(node, pointer, sink, {
    what: "enforcement.exclusivity",
    allowed: ["phase", "priority", "track", "state", "scoped", "groups"],
    example: "{ phase: { mode: enforce, strategy: highest } }",
  });
  if (groups === undefined) return;
  const exclusivity: Exclusivity = {};
  for (const [name, entry] of groups) {
    if ((name === "scoped" || name === "groups") && version === "1.0") {
      sink.add(
        "config.structure",
        pointerJoin(pointer, name),
        entry.keyPos,
        `enforcement.exclusivity.${name} is new in schema 1.1`,
        NEEDS_1_1,
      );
      continue;
    }
    if (name === "scoped") {
      const rule = readRule(entry.value, pointerJoin(pointer, name), sink, "scoped", version, []);
      if (rule !== undefined) {
        const { entries: _entries, ...scoped } = rule;
        exclusivity.scoped = scoped;
      }
      continue;
    }
    if (name === "groups") {
      exclusivity.groups = readPrefixGroups(entry.value, pointerJoin(pointer, name), sink, version);
      continue;
    }
    const group = name as GroupName;
    const rule = readGroupRule(group, entry.value, pointerJoin(pointer, group), sink, read, version);
    if (rule === undefined) continue;
    if (group === "state") exclusivity.state = rule as StateRule;
    else exclusivity[group] = rule;
  }
  if (exclusivity.groups !== undefined) checkOverlaps(exclusivity, sink);
  read.value.exclusivity = exclusivity;
}

/** `mode`, `strategy` and `fallback` of any group; `extra` names further keys the caller reads. */
function readRule(
  node: YamlNode,
  pointer: string,
  sink: ProblemSink,
  what: string,
  version: SchemaVersion,
  extra: readonly string[],
  required: readonly string[] = ["mode"],
): (GroupRule & { entries: Map<string, YamlEntry> }) | undefined {
  const entries = readMap(node, pointer, sink, {
    what: `enforcement.exclusivity.${what}`,
    allowed: ["mode", "strategy", ...(version === "1.0" ? [] : ["fallback"]), ...extra],
    required,
    example: "{ mode: enforce, strategy: highest }",
  });
  if (entries === undefined) return undefined;
  const modeNode = entries.get("mode")?.value;
  const strategyNode = entries.get("strategy")?.value;
  const fallbackNode = entries.get("fallback")?.value;
  const mode =
    modeNode && readEnum(modeNode, pointerJoin(pointer, "mode"), sink, `${what} mode`, ENFORCEMENT_MODES);
  const strategies = version === "1.0" ? STRATEGIES.filter((s) => s !== "latest") : STRATEGIES;
  const latestIn10 = version === "1.0" && strategyNode?.kind === "scalar" && strategyNode.value === "latest";
  if (latestIn10) {
    sink.add(
      "config.structure",
      pointerJoin(pointer, "strategy"),
      strategyNode.pos,
      `strategy latest (for ${what}) is new in schema 1.1`,
      NEEDS_1_1,
    );
  }
  const strategy =
    strategyNode === undefined
      ? "highest"
      : latestIn10
        ? undefined
        : readEnum(strategyNode, pointerJoin(pointer, "strategy"), sink, `${what} strategy`, strategies);
  let fallback: GroupRule["fallback"];
  if (fallbackNode !== undefined) {
    fallback = readEnum(fallbackNode, pointerJoin(pointer, "fallback"), sink, `${what} fallback`, FALLBACKS);
    if (fallback !== undefined && strategy !== "latest") {
      sink.add(
        "config.structure",
        pointerJoin(pointer, "fallback"),
        fallbackNode.pos,
        `fallback applies only to strategy latest, but ${what} has strategy ${strategy ?? "?"}`,
        "remove fallback, or set strategy: latest",
      );
      fallback = undefined;
    }
  }
  if (!mode || !strategy) return undefined;
  return { mode, strategy, ...(fallback === undefined ? {} : { fallback }), entries };
}

function readPrefixGroups(
  node: YamlNode,
  pointer: string,
  sink: ProblemSink,
  version: SchemaVersion,
): PrefixGroup[] {
  const items =
    readList(
      node,
      pointer,
      sink,
      "enforcement.exclusivity.groups",
      "[{ prefix: type/, mode: enforce, strategy: latest }]",
    ) ?? [];
  const groups: PrefixGroup[] = [];
  items.forEach((item, index) => {
    const path = pointerJoin(pointer, index);
    const rule = readRule(
      item,
      path,
      sink,
      `groups[${index}]`,
      version,
      ["prefix", "order"],
      ["prefix", "mode"],
    );
    if (rule === undefined) return;
    const prefixNode = rule.entries.get("prefix")!.value;
    const prefix = readText(prefixNode, pointerJoin(path, "prefix"), sink, {
      what: "a group prefix",
      trimmed: true,
    });
    if (prefix === undefined) return;
    const orderNode = rule.entries.get("order")?.value;
    let order: string[] | undefined;
    if (orderNode !== undefined) {
      order = [];
      const labels =
        readList(orderNode, pointerJoin(path, "order"), sink, "order", `[${prefix}low, ${prefix}high]`) ?? [];
      labels.forEach((labelNode, at) => {
        const labelPath = pointerJoin(pointerJoin(path, "order"), at);
        const text = readText(labelNode, labelPath, sink, { what: "a label in order", trimmed: true });
        if (text === undefined) return;
        if (!labelKey(text).startsWith(labelKey(prefix))) {
          sink.add(
            "config.structure",
            labelPath,
            labelNode.pos,
            `"${text}" in order does not start with the group's prefix ${prefix}`,
            `list only labels starting with ${prefix}, lowest first`,
          );
          return;
        }
        order!.push(text);
      });
    }
    const { entries: _entries, ...value } = rule;
    groups.push({ prefix, ...value, ...(order === undefined ? {} : { order }) });
    prefixPositions.set(groups[groups.length - 1], {
      path: pointerJoin(path, "prefix"),
      pos: prefixNode.pos,
    });
  });
  return groups;
}

const prefixPositions = new WeakMap<PrefixGroup, { path: string; pos: Position }>();

/**
 * A label may belong to one group only: a prefix inside another (either way, built-in prefixes
 * included) or a prefix that would match `::` labels while `scoped` is on is an error naming both.
 */
function checkOverlaps(exclusivity: Exclusivity, sink: ProblemSink): void {
  const groups = exclusivity.groups ?? [];
  const claimed: { prefix: string; name: string }[] = GROUP_NAMES.map((group) => ({
    prefix: GROUP_PREFIXES[group],
    name: `the built-in ${group} group (${GROUP_PREFIXES[group]})`,
  }));
  groups.forEach((group, index) => {
    const where = prefixPositions.get(group)!;
    const key = labelKey(group.prefix);
    for (const other of claimed) {
      if (key.startsWith(other.prefix) || other.prefix.startsWith(key)) {
        sink.add(
          "config.structure",
          where.path,
          where.pos,
          `the group prefix ${group.prefix} overlaps ${other.name}: a label could belong to both`,
          "make the prefixes disjoint (neither may start with the other), or remove one of the groups",
        );
        return;
      }
    }
    if (exclusivity.scoped !== undefined && key.includes("::")) {
      sink.add(
        "config.structure",
        where.path,
        where.pos,
        `the group prefix ${group.prefix} overlaps enforcement.exclusivity.scoped: its labels contain "::", so they are scoped labels`,
        "remove this group (scoped already keeps one label per scope), or use a prefix without ::",
      );
      return;
    }
    claimed.push({ prefix: key, name: `groups[${index}] (${group.prefix})` });
  });
}

function readGroupRule(
  group: GroupName,
  node: YamlNode,
  pointer: string,
  sink: ProblemSink,
  read: EnforcementRead,
  version: SchemaVersion,
): GroupRule | StateRule | undefined {
  const rule = readRule(node, pointer, sink, group, version, group === "state" ? ["terminal"] : []);
  if (rule === undefined) return undefined;
  const { entries, ...value } = rule;
  if (group !== "state") return value;
  const terminalNode = entries.get("terminal")?.value;
  const terminal: string[] = [];
  if (terminalNode !== undefined) {
    const items =
      readList(terminalNode, pointerJoin(pointer, "terminal"), sink, "terminal", "[state/done]") ?? [];
    items.forEach((item, index) => {
      const path = pointerJoin(pointerJoin(pointer, "terminal"), index);
      const text = readText(item, path, sink, { what: "a terminal state label", trimmed: true });
      if (text === undefined) return;
      terminal.push(text);
      read.terminal.push({ text, path, pos: item.pos });
    });
  }
  return { ...value, terminal };
}

function readPhaseMilestones(node: YamlNode, sink: ProblemSink, read: EnforcementRead): void {
  const pointer = `${BASE}/phase_milestones`;
  if (node.kind !== "map") {
    readMap(node, pointer, sink, {
      what: "enforcement.phase_milestones",
      allowed: [],
      example: '{ phase-1: "Phase 1 – Planning" } (phase label: milestone title)',
    });
    return;
  }
  const seen = new Set<string>();
  for (const entry of node.entries) {
    const path = pointerJoin(pointer, entry.key);
    if (seen.has(entry.key)) {
      sink.add(
        "config.structure",
        path,
        entry.keyPos,
        `the key "${entry.key}" appears twice in enforcement.phase_milestones`,
        "keep one of the two; YAML would silently use the last one",
      );
      continue;
    }
    seen.add(entry.key);
    const title = readText(entry.value, path, sink, {
      what: `the milestone for ${entry.key}`,
      trimmed: true,
    });
    if (title === undefined) continue;
    read.value.phase_milestones[entry.key] = title;
    read.phaseMilestones.push({
      key: { text: entry.key, path, pos: entry.keyPos },
      title: { text: title, path, pos: entry.value.pos },
    });
  }
}
