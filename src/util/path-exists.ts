import { access } from "node:fs/promises";

/** Whether anything can be reached at `path` (a missing or unreadable path counts as absent). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
