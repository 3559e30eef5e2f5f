import {
  LABEL_DESCRIPTION_MAX,
  LABEL_NAME_MAX,
  type LabelSpec,
  type MilestoneSpec,
  type Track,
} from "./config-model.js";
import type { ProblemSink } from "./config-problems.js";
import { pointerJoin } from "./json-pointer.js";
import { readDescription, readList, readMap, readText, type MapShape } from "./yaml-readers.js";
import type { LocatedText } from "./read-enforcement.js";
import type { Position, YamlEntry, YamlNode } from "./yaml-tree.js";

/** A declared item with where it and each of its fields sit in the file, for the cross-item rules. */
export interface Located<T> {
  value: T;
  path: string;
  pos: Position;
  fieldPos: Readonly<Record<string, Position>>;
}

/** The items of a section that could be read, and whether every item could. */
export interface SectionRead<T> {
  items: Located<T>[];
  complete: boolean;
  /**
   * The name of every item whose name could be read, even when another of its fields could not:
   * a label with a bad colour is still declared, so references to it are not reported as well.
   */
  names: LocatedText[];
}

type ItemReader<T> = (fields: Map<string, YamlEntry>, pointer: string, sink: ProblemSink) => T | undefined;

interface SectionShape<T> extends MapShape {
  section: string;
  /** The field that names an item: what references and duplicates compare. */
  nameField: string;
  listExample: string;
  readItem: ItemReader<T>;
}

const HEX6 = /^[0-9A-Fa-f]{6}$/;

function readSection<T>(node: YamlNode, sink: ProblemSink, shape: SectionShape<T>): SectionRead<T> {
  const pointer = `/${shape.section}`;
  const items = readList(node, pointer, sink, shape.section, shape.listExample);
  if (items === undefined) return { items: [], complete: false, names: [] };
  const read: Located<T>[] = [];
  const names: LocatedText[] = [];
  items.forEach((item, index) => {
    const path = pointerJoin(pointer, index);
    const fields = readMap(item, path, sink, shape);
    if (fields === undefined) return;
    const nameNode = fields.get(shape.nameField)?.value;
    if (nameNode?.kind === "scalar" && typeof nameNode.value === "string" && nameNode.value.trim() !== "") {
      names.push({ text: nameNode.value, path: pointerJoin(path, shape.nameField), pos: nameNode.pos });
    }
    const value = shape.readItem(fields, path, sink);
    if (value === undefined) return;
    const fieldPos: Record<string, Position> = {};
    for (const [key, entry] of fields) fieldPos[key] = entry.value.pos;
    read.push({ value, path, pos: item.pos, fieldPos });
  });
  return { items: read, complete: read.length === items.length, names };
}

/** Reads `tracks`: `[{ id, label, description? }]`. */
export function readTracks(node: YamlNode, sink: ProblemSink): SectionRead<Track> {
  return readSection(node, sink, {
    section: "tracks",
    nameField: "label",
    listExample: "- { id: sprint, label: track/sprint }",
    what: "a track",
    allowed: ["id", "label", "description"],
    required: ["id", "label"],
    example: "{ id: sprint, label: track/sprint, description: Active sprint work }",
    readItem: (fields, pointer, sink) => {
      const id = field(fields, "id", (n) =>
        readText(n, pointerJoin(pointer, "id"), sink, { what: "track id", trimmed: true, visible: true }),
      );
      const label = field(fields, "label", (n) =>
        readLabelName(n, pointerJoin(pointer, "label"), sink, "track label"),
      );
      const description = optionalDescription(fields, pointer, sink, LABEL_DESCRIPTION_MAX);
      if (id === undefined || label === undefined || description === false) return undefined;
      return { id, label, ...(description === undefined ? {} : { description }) };
    },
  });
}

/** Reads `labels`: `[{ name, color, description? }]`. */
export function readLabels(node: YamlNode, sink: ProblemSink): SectionRead<LabelSpec> {
  return readSection(node, sink, {
    section: "labels",
    nameField: "name",
    listExample: '- { name: phase-1, color: "0E8A16" }',
    what: "a label",
    allowed: ["name", "color", "description"],
    required: ["name", "color"],
    example: '{ name: phase-1, color: "0E8A16", description: Phase 1 }',
    readItem: (fields, pointer, sink) => {
      const name = field(fields, "name", (n) =>
        readLabelName(n, pointerJoin(pointer, "name"), sink, "label name"),
      );
      const color = field(fields, "color", (n) => readColor(n, pointerJoin(pointer, "color"), sink));
      const description = optionalDescription(fields, pointer, sink, LABEL_DESCRIPTION_MAX);
      if (name === undefined || color === undefined || description === false) return undefined;
      return { name, color, ...(description === undefined ? {} : { description }) };
    },
  });
}

/** Reads `milestones`: `[{ title, description? }]`. */
export function readMilestones(node: YamlNode, sink: ProblemSink): SectionRead<MilestoneSpec> {
  return readSection(node, sink, {
    section: "milestones",
    nameField: "title",
    listExample: '- { title: "Phase 1" }',
    what: "a milestone",
    allowed: ["title", "description"],
    required: ["title"],
    example: '{ title: "Phase 1 – Planning" }',
    readItem: (fields, pointer, sink) => {
      const title = field(fields, "title", (n) =>
        readText(n, pointerJoin(pointer, "title"), sink, {
          what: "milestone title",
          trimmed: true,
          visible: true,
        }),
      );
      const description = optionalDescription(fields, pointer, sink);
      if (title === undefined || description === false) return undefined;
      return { title, ...(description === undefined ? {} : { description }) };
    },
  });
}

function field<T>(fields: Map<string, YamlEntry>, key: string, read: (node: YamlNode) => T | undefined) {
  const entry = fields.get(key);
  return entry === undefined ? undefined : read(entry.value);
}

/** The description if given and valid; `false` when given and invalid. */
function optionalDescription(
  fields: Map<string, YamlEntry>,
  pointer: string,
  sink: ProblemSink,
  maxLength?: number,
): string | undefined | false {
  const entry = fields.get("description");
  if (entry === undefined) return undefined;
  return readDescription(entry.value, pointerJoin(pointer, "description"), sink, maxLength) ?? false;
}

function readLabelName(node: YamlNode, pointer: string, sink: ProblemSink, what: string): string | undefined {
  return readText(node, pointer, sink, { what, trimmed: true, visible: true, maxLength: LABEL_NAME_MAX });
}

function readColor(node: YamlNode, pointer: string, sink: ProblemSink): string | undefined {
  if (node.kind === "scalar" && typeof node.value === "string" && HEX6.test(node.value)) return node.value;
  if (node.kind === "scalar" && typeof node.value === "string" && /^#[0-9A-Fa-f]{6}$/.test(node.value)) {
    sink.add(
      "config.colors",
      pointer,
      node.pos,
      `color "${node.value}" must be six hex digits without '#'; GitHub stores colours without it`,
      `write color: "${node.value.slice(1)}"`,
    );
    return undefined;
  }
  if (
    node.kind === "scalar" &&
    typeof node.value !== "string" &&
    node.value !== null &&
    HEX6.test(node.source)
  ) {
    sink.add(
      "config.colors",
      pointer,
      node.pos,
      `color ${node.source} was read by YAML as a number, not as the colour "${node.source}"`,
      `quote it: color: "${node.source}"`,
    );
    return undefined;
  }
  const written = node.kind === "scalar" && node.value !== null ? `"${node.source}"` : "an empty value";
  sink.add(
    "config.colors",
    pointer,
    node.pos,
    `color ${written} is not six hex digits`,
    "write a colour such as color: \"0E8A16\" (six hex digits, no '#')",
  );
  return undefined;
}
