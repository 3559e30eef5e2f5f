import { GROUP_PREFIXES, labelKey, type LabelSpec, type MilestoneSpec, type Track } from "./config-model.js";
import type { ProblemSink } from "./config-problems.js";
import { didYouMean } from "./did-you-mean.js";
import { pointerJoin } from "./json-pointer.js";
import type { SectionRead } from "./read-declarations.js";
import type { EnforcementRead, LocatedText } from "./read-enforcement.js";
import type { Position } from "./yaml-tree.js";

export interface Declarations {
  tracks: SectionRead<Track>;
  labels: SectionRead<LabelSpec>;
  milestones: SectionRead<MilestoneSpec>;
  enforcement?: EnforcementRead;
}

/**
 * The rules that look across items: uniqueness (label names case-insensitively, as GitHub compares
 * them), one definition per label when a track's label is also listed under `labels`, and
 * references from `enforcement` to declared labels and milestones.
 */
export function checkDeclarations(declared: Declarations, sink: ProblemSink): void {
  checkUnique(
    declared.tracks.items.map((track) => at(track, "id", track.value.id)),
    (text) => text,
    (text) => `track id "${text}" is used twice`,
    "give each track its own id",
    sink,
  );
  checkUnique(
    declared.tracks.names,
    labelKey,
    (text) => `label "${text}" is the label of two tracks`,
    "give each track its own label; GitHub label names are case-insensitive",
    sink,
  );
  checkUnique(
    declared.labels.names,
    labelKey,
    (text) => `label "${text}" is declared twice under labels`,
    "remove one of the two entries; GitHub label names are case-insensitive",
    sink,
  );
  checkUnique(
    declared.milestones.names,
    (text) => text,
    (text) => `milestone "${text}" is declared twice`,
    "remove one of the two entries",
    sink,
  );
  checkTrackLabelConflicts(declared, sink);
  if (declared.enforcement !== undefined) checkReferences(declared, declared.enforcement, sink);
}

function at(item: SectionRead<Track>["items"][number], field: string, text: string): LocatedText {
  return { text, path: pointerJoin(item.path, field), pos: item.fieldPos[field] ?? item.pos };
}

function checkUnique(
  items: LocatedText[],
  key: (text: string) => string,
  message: (text: string) => string,
  hint: string,
  sink: ProblemSink,
): void {
  const first = new Map<string, LocatedText>();
  for (const item of items) {
    const seen = first.get(key(item.text));
    if (seen === undefined) {
      first.set(key(item.text), item);
      continue;
    }
    sink.add(
      "config.duplicates",
      item.path,
      item.pos,
      `${message(item.text)} (first at ${where(seen.pos)}, ${seen.path})`,
      hint,
    );
  }
}

/**
 * A track's label may also be listed under `labels` (to give it a colour): that is one label, and
 * materialize handles it once. Only a second, different description is a conflict; the track has
 * no colour of its own, so the listed colour is simply its colour.
 */
function checkTrackLabelConflicts(declared: Declarations, sink: ProblemSink): void {
  const tracksByLabel = new Map(declared.tracks.items.map((track) => [labelKey(track.value.label), track]));
  for (const label of declared.labels.items) {
    const track = tracksByLabel.get(labelKey(label.value.name));
    const trackDescription = track?.value.description;
    const labelDescription = label.value.description;
    if (track === undefined || trackDescription === undefined || labelDescription === undefined) continue;
    if (trackDescription === labelDescription) continue;
    sink.add(
      "config.label_conflicts",
      pointerJoin(label.path, "description"),
      label.fieldPos.description ?? label.pos,
      `label "${label.value.name}" is the label of track "${track.value.id}" (${where(track.pos)}) and is ` +
        `declared again here with a different description (${JSON.stringify(labelDescription)} vs ` +
        `${JSON.stringify(trackDescription)})`,
      "give both the same description, or leave the description out of one of them",
    );
  }
}

function checkReferences(declared: Declarations, enforcement: EnforcementRead, sink: ProblemSink): void {
  const labelNames = new Set(
    [...declared.labels.names, ...declared.tracks.names].map((name) => labelKey(name.text)),
  );
  const titles = declared.milestones.names.map((milestone) => milestone.text);
  const phaseKeys = new Map<string, LocatedText>();
  for (const { key, title } of enforcement.phaseMilestones) {
    const seen = phaseKeys.get(labelKey(key.text));
    if (seen !== undefined) {
      sink.add(
        "config.duplicates",
        key.path,
        key.pos,
        `phase label "${key.text}" is mapped twice (first at ${where(seen.pos)} as "${seen.text}")`,
        "keep one entry; GitHub label names are case-insensitive",
      );
    } else {
      phaseKeys.set(labelKey(key.text), key);
    }
    checkLabelReference(key, GROUP_PREFIXES.phase, "phase_milestones key", labelNames, sink);
    if (!titles.includes(title.text)) {
      const guess = didYouMean(title.text, titles);
      sink.add(
        "config.references",
        title.path,
        title.pos,
        `milestone "${title.text}" (mapped from ${key.text}) is not declared under milestones`,
        guess === undefined
          ? `add { title: ${JSON.stringify(title.text)} } to milestones, or map ${key.text} to a declared milestone`
          : `did you mean "${guess}"? Titles must match exactly`,
      );
    }
  }
  checkUnique(
    enforcement.terminal,
    labelKey,
    (text) => `terminal state "${text}" is listed twice`,
    "list each terminal state once",
    sink,
  );
  for (const terminal of enforcement.terminal) {
    checkLabelReference(terminal, GROUP_PREFIXES.state, "a terminal state", labelNames, sink);
  }
}

function checkLabelReference(
  reference: LocatedText,
  prefix: string,
  what: string,
  declared: ReadonlySet<string>,
  sink: ProblemSink,
): void {
  if (!labelKey(reference.text).startsWith(prefix)) {
    sink.add(
      "config.references",
      reference.path,
      reference.pos,
      `${what} "${reference.text}" is not a ${prefix} label`,
      `use a label whose name starts with "${prefix}", such as ${prefix}${prefix === "state/" ? "done" : "1"}`,
    );
    return;
  }
  if (!declared.has(labelKey(reference.text))) {
    sink.add(
      "config.references",
      reference.path,
      reference.pos,
      `${what} "${reference.text}" is not a declared label`,
      `declare it under labels (e.g. - { name: ${reference.text}, color: "0E8A16" }), or fix the name`,
    );
  }
}

function where(pos: Position): string {
  return `${pos.line}:${pos.col}`;
}
