import { DEFAULT_TRACK_COLOR, labelKey, type HostConfig } from "./config-model.js";
import type { RepoInventory, RepoLabel } from "./read-repo-inventory.js";

/** A label the config asks for, after merging a track's label with its `labels` entry. */
export interface DesiredLabel {
  name: string;
  /** Colour to compare with an existing label; absent for a track label not listed under labels. */
  color?: string;
  /** Colour to create the label with. */
  createColor: string;
  description?: string;
}

export type MaterializeStep =
  | { kind: "createLabel"; name: string; color: string; description?: string }
  | {
      kind: "updateLabel";
      /** The label's name as it exists in the repository (never renamed). */
      name: string;
      color?: string;
      description?: string;
      from: { color: string; description: string | null };
    }
  | { kind: "createMilestone"; title: string; description?: string };

/** What materialize will do, and what it found already in place. Computed without I/O. */
export interface MaterializationPlan {
  steps: MaterializeStep[];
  /** Declared labels that exist with the declared colour and description. */
  labelsInPlace: string[];
  /** Declared labels that exist under a name differing only in case (kept as they are). */
  labelCaseDifferences: { declared: string; existing: string }[];
  /** Declared milestones that exist and are open. */
  milestonesInPlace: string[];
  /** Declared milestones that exist only as closed milestones: reported, not recreated. */
  milestonesClosed: string[];
}

/**
 * The labels a config declares, each once: a track's label and a `labels` entry of the same name
 * (case-insensitively) are one label, with the listed colour and whichever description is given
 * (validation guarantees they agree). Track labels not listed get `DEFAULT_TRACK_COLOR` on creation.
 */
export function desiredLabels(config: HostConfig): DesiredLabel[] {
  const byKey = new Map<string, DesiredLabel>();
  for (const track of config.tracks) {
    if (byKey.has(labelKey(track.label))) continue;
    byKey.set(labelKey(track.label), {
      name: track.label,
      createColor: DEFAULT_TRACK_COLOR,
      ...(track.description === undefined ? {} : { description: track.description }),
    });
  }
  for (const label of config.labels) {
    const track = byKey.get(labelKey(label.name));
    const description = label.description ?? track?.description;
    byKey.set(labelKey(label.name), {
      name: track?.name ?? label.name,
      color: label.color,
      createColor: label.color,
      ...(description === undefined ? {} : { description }),
    });
  }
  return [...byKey.values()];
}

/**
 * Compares the declared labels and milestones with the repository's and lists the writes that
 * would bring the repository in line: create what is missing, update colour (compared
 * case-insensitively) or description where they differ. Nothing is ever deleted or renamed;
 * existing milestones are never changed, and a closed one is not recreated.
 *
 * @example planMaterialization(config, { labels: [], milestones: [] }).steps[0] // { kind: "createLabel", ... }
 */
export function planMaterialization(config: HostConfig, inventory: RepoInventory): MaterializationPlan {
  const plan: MaterializationPlan = {
    steps: [],
    labelsInPlace: [],
    labelCaseDifferences: [],
    milestonesInPlace: [],
    milestonesClosed: [],
  };
  const existingLabels = new Map<string, RepoLabel>();
  for (const label of inventory.labels) {
    if (!existingLabels.has(labelKey(label.name))) existingLabels.set(labelKey(label.name), label);
  }
  for (const wanted of desiredLabels(config)) {
    const existing = existingLabels.get(labelKey(wanted.name));
    if (existing === undefined) {
      plan.steps.push({
        kind: "createLabel",
        name: wanted.name,
        color: wanted.createColor,
        ...(wanted.description === undefined ? {} : { description: wanted.description }),
      });
      continue;
    }
    if (existing.name !== wanted.name) {
      plan.labelCaseDifferences.push({ declared: wanted.name, existing: existing.name });
    }
    const colorDiffers =
      wanted.color !== undefined && wanted.color.toLowerCase() !== existing.color.toLowerCase();
    const descriptionDiffers =
      wanted.description !== undefined && wanted.description !== (existing.description ?? "");
    if (!colorDiffers && !descriptionDiffers) {
      plan.labelsInPlace.push(existing.name);
      continue;
    }
    plan.steps.push({
      kind: "updateLabel",
      name: existing.name,
      ...(colorDiffers ? { color: wanted.color } : {}),
      ...(descriptionDiffers ? { description: wanted.description } : {}),
      from: { color: existing.color, description: existing.description },
    });
  }
  for (const milestone of config.milestones) {
    const matches = inventory.milestones.filter((existing) => existing.title === milestone.title);
    if (matches.some((existing) => existing.state === "open")) plan.milestonesInPlace.push(milestone.title);
    else if (matches.length > 0) plan.milestonesClosed.push(milestone.title);
    else {
      plan.steps.push({
        kind: "createMilestone",
        title: milestone.title,
        ...(milestone.description === undefined ? {} : { description: milestone.description }),
      });
    }
  }
  return plan;
}
