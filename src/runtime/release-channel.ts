import { RELEASE_TAG_PATTERN } from "./engine-ref-policy.js";

/** A channel: the major version a host follows (`v1`); each release moves its channel to itself. */
export const CHANNEL_PATTERN = /^v(0|[1-9]\d*)$/;

/**
 * The channel a release moves (pure): `v1.4.0` → `v1`, `v2.0.0-rc.1` → `v2`; undefined for anything
 * that is not a release tag.
 *
 * @example channelOf("v1.4.0") // "v1"
 */
export function channelOf(tag: string): string | undefined {
  return RELEASE_TAG_PATTERN.test(tag) ? `v${tag.slice(1).split(".")[0]}` : undefined;
}
