import {
  ENFORCEMENT_MODES,
  STRATEGIES,
  type Enforcement,
  type Exclusivity,
  type GroupName,
  type GroupRule,
  type StateRule,
} from "./config-model.js";
import type { ProblemSink } from "./config-problems.js";
import { pointerJoin } from "./json-pointer.js";
import { readEnum, readList, readMap, readText } from "./yaml-readers.js";
import type { Position, YamlNode } from "./yaml-tree.js";

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
export function readEnforcement(node: YamlNode, sink: ProblemSink): EnforcementRead | undefined {
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
  if (exclusivityNode !== undefined) readExclusivity(exclusivityNode, sink, read);
  const mapNode = entries.get("phase_milestones")?.value;
  if (mapNode !== undefined) readPhaseMilestones(mapNode, sink, read);
  return read;
}

function readExclusivity(node: YamlNode, sink: ProblemSink, read: EnforcementRead): void {
  const pointer = `${BASE}/exclusivity`;
  const groups = readMap(node, pointer, sink, {
    what: "enforcement.exclusivity",
    allowed: ["phase", "priority", "track", "state"],
    example: "{ phase: { mode: enforce, strategy: highest } }",
  });
  if (groups === undefined) return;
  const exclusivity: Exclusivity = {};
  for (const [name, entry] of groups) {
    const group = name as GroupName;
    const rule = readGroupRule(group, entry.value, pointerJoin(pointer, group), sink, read);
    if (rule === undefined) continue;
    if (group === "state") exclusivity.state = rule as StateRule;
    else exclusivity[group] = rule;
  }
  read.value.exclusivity = exclusivity;
}

function readGroupRule(
  group: GroupName,
  node: YamlNode,
  pointer: string,
  sink: ProblemSink,
  read: EnforcementRead,
): GroupRule | StateRule | undefined {
  const entries = readMap(node, pointer, sink, {
    what: `enforcement.exclusivity.${group}`,
    allowed: group === "state" ? ["mode", "strategy", "terminal"] : ["mode", "strategy"],
    required: ["mode"],
    example:
      group === "state"
        ? "{ mode: enforce, terminal: [state/done] }"
        : "{ mode: enforce, strategy: highest }",
  });
  if (entries === undefined) return undefined;
  const modeNode = entries.get("mode")?.value;
  const strategyNode = entries.get("strategy")?.value;
  const mode =
    modeNode && readEnum(modeNode, pointerJoin(pointer, "mode"), sink, `${group} mode`, ENFORCEMENT_MODES);
  const strategy =
    strategyNode === undefined
      ? "highest"
      : readEnum(strategyNode, pointerJoin(pointer, "strategy"), sink, `${group} strategy`, STRATEGIES);
  if (group !== "state") return mode && strategy ? { mode, strategy } : undefined;
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
  return mode && strategy ? { mode, strategy, terminal } : undefined;
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
