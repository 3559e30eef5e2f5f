/**
 * The host configuration `.github/task-assistant.yml`, schema v1 (DESIGN §5.3), as the rest of the
 * system sees it after validation: every list present, every enum narrowed, references resolved.
 */

/** Where the host configuration lives in every monitored repository. */
export const HOST_CONFIG_PATH = ".github/task-assistant.yml";

/**
 * Where editors fetch the config schema (`# yaml-language-server: $schema=...`). Schema v1 never
 * changes incompatibly, so the default branch's copy serves every v1 file.
 */
export const CONFIG_SCHEMA_URL =
  "https://raw.githubusercontent.com/automated-assistant-systems/task-assistant/main/schemas/task-assistant.config.v1.schema.json";

/** The `schema_version` values this build reads; anything else is refused by name. */
export const SUPPORTED_SCHEMA_VERSIONS = ["1.0", "1.1"] as const;
export type SchemaVersion = (typeof SUPPORTED_SCHEMA_VERSIONS)[number];

/** Colour materialize gives a track label it creates (the config has no colour field for tracks). */
export const DEFAULT_TRACK_COLOR = "C5DEF5";

/** GitHub's limits on label names and descriptions. */
export const LABEL_NAME_MAX = 50;
export const LABEL_DESCRIPTION_MAX = 100;

export type EnforcementMode = "enforce" | "warn" | "fail" | "off";
export const ENFORCEMENT_MODES: readonly EnforcementMode[] = ["enforce", "warn", "fail", "off"];

/** `latest` (schema 1.1): the label most recently added wins, as with GitLab's scoped labels. */
export type Strategy = "highest" | "lowest" | "latest";
export const STRATEGIES: readonly Strategy[] = ["highest", "lowest", "latest"];
/** What `latest` uses, if configured, when the event does not name the one label added. */
export type Fallback = "highest" | "lowest";
export const FALLBACKS: readonly Fallback[] = ["highest", "lowest"];

export type GroupName = "phase" | "priority" | "track" | "state";
export const GROUP_NAMES: readonly GroupName[] = ["phase", "priority", "track", "state"];

/** The label prefix that puts a label in an exclusivity group; matched case-insensitively. */
export const GROUP_PREFIXES: Readonly<Record<GroupName, string>> = {
  phase: "phase-",
  priority: "priority/",
  track: "track/",
  state: "state/",
};

export interface Track {
  id: string;
  label: string;
  description?: string;
}

export interface LabelSpec {
  name: string;
  /** Six hex digits without `#`, as GitHub stores it. */
  color: string;
  description?: string;
}

export interface MilestoneSpec {
  title: string;
  description?: string;
}

export interface GroupRule {
  mode: EnforcementMode;
  strategy: Strategy;
  /** Only with strategy `latest` (schema 1.1). */
  fallback?: Fallback;
}

/** A further prefix group (schema 1.1): labels starting with `prefix`, case-insensitively. */
export interface PrefixGroup extends GroupRule {
  prefix: string;
  /** Explicit order for highest/lowest, lowest first; absent: by name. */
  order?: string[];
}

export interface StateRule extends GroupRule {
  /** State labels that mark a finished issue; their group is never pruned. */
  terminal: string[];
}

export interface Exclusivity {
  phase?: GroupRule;
  priority?: GroupRule;
  track?: GroupRule;
  state?: StateRule;
  /** GitLab scoped labels (schema 1.1): every label containing `::`, grouped by its scope. */
  scoped?: GroupRule;
  /** Further prefix groups (schema 1.1). */
  groups?: PrefixGroup[];
}

export interface Enforcement {
  exclusivity: Exclusivity;
  /** Phase label → milestone title, in declaration order. */
  phase_milestones: Record<string, string>;
}

export interface HostConfig {
  schema_version: SchemaVersion;
  tracks: Track[];
  labels: LabelSpec[];
  milestones: MilestoneSpec[];
  /** Absent: enforce makes no change (DESIGN §5.3). */
  enforcement?: Enforcement;
}

/** Label names compare the way GitHub compares them: case-insensitively. */
export function labelKey(name: string): string {
  return name.toLowerCase();
}

/** The group a label belongs to by its prefix, if any. */
export function groupOf(label: string): GroupName | undefined {
  const key = labelKey(label);
  return GROUP_NAMES.find((group) => key.startsWith(GROUP_PREFIXES[group]));
}

/**
 * The scope of a GitLab scoped label: everything before the last `::`, compared case-insensitively
 * (`workflow::backend::review` has scope `workflow::backend`). Undefined for a label without `::`
 * or with nothing before it.
 */
export function scopeOf(label: string): string | undefined {
  const at = label.lastIndexOf("::");
  return at <= 0 ? undefined : labelKey(label.slice(0, at));
}
