import type { GitHub } from "../github/octokit.js";

export interface RepoLabel {
  name: string;
  color: string;
  description: string | null;
}

export interface RepoMilestone {
  number: number;
  title: string;
  state: "open" | "closed";
}

/** The labels and milestones a repository has now: what materialize and validate compare against. */
export interface RepoInventory {
  labels: RepoLabel[];
  milestones: RepoMilestone[];
}

/**
 * Lists every label and every milestone, open **and** closed, following pagination (100 per page),
 * so a closed milestone is never taken for a missing one and label 101 is never missed.
 */
export async function readRepoInventory(
  github: GitHub,
  target: { owner: string; repo: string },
): Promise<RepoInventory> {
  const labels = await github.paginate(github.rest.issues.listLabelsForRepo, {
    owner: target.owner,
    repo: target.repo,
    per_page: 100,
  });
  const milestones = await readMilestones(github, target);
  return {
    labels: labels.map((label) => ({
      name: label.name,
      color: label.color,
      description: label.description ?? null,
    })),
    milestones,
  };
}

/** Every milestone of the repository, open and closed. */
export async function readMilestones(
  github: GitHub,
  target: { owner: string; repo: string },
): Promise<RepoMilestone[]> {
  const milestones = await github.paginate(github.rest.issues.listMilestones, {
    owner: target.owner,
    repo: target.repo,
    state: "all",
    per_page: 100,
  });
  return milestones.map((milestone) => ({
    number: milestone.number,
    title: milestone.title,
    state: milestone.state === "closed" ? "closed" : "open",
  }));
}
