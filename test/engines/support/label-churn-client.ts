/**
 * A second GitHub client in a process of its own: it adds and removes labels that enforce has no
 * rule about, in a tight loop, on one issue, until it reads `stop` on stdin. It then prints one JSON
 * line: how many changes it made, what it expects each label's final state to be, and every answer
 * that shows someone else changed one of its labels (a 404 removing a label it had added, or a label
 * it added missing from the list GitHub answered with).
 *
 * Usage: node --import tsx label-churn-client.ts <base url> <token> <owner/repo> <issue> <label>...
 */
import { createInterface } from "node:readline";

const [baseUrl, token, repo, issue, ...labels] = process.argv.slice(2);
const issueUrl = `${baseUrl}/repos/${repo}/issues/${issue}/labels`;
const headers = {
  authorization: `token ${token}`,
  accept: "application/vnd.github+json",
  "content-type": "application/json",
};

let stopping = false;
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "stop") stopping = true;
});

const present = new Map(labels.map((label) => [label, false]));
const anomalies: string[] = [];
let changes = 0;

async function main(): Promise<void> {
  // Start from a known state: none of the churned labels on the issue.
  for (const label of labels) {
    await fetch(`${issueUrl}/${encodeURIComponent(label)}`, { method: "DELETE", headers });
  }
  let turn = 0;
  while (!stopping) {
    const label = labels[turn % labels.length];
    turn += 1;
    if (present.get(label) === true) {
      const response = await fetch(`${issueUrl}/${encodeURIComponent(label)}`, { method: "DELETE", headers });
      if (response.status === 404) anomalies.push(`${label} was gone before this client removed it`);
      else if (response.status !== 200) throw new Error(`DELETE ${label}: ${response.status}`);
      await response.arrayBuffer();
      present.set(label, false);
    } else {
      const response = await fetch(issueUrl, {
        method: "POST",
        headers,
        body: JSON.stringify({ labels: [label] }),
      });
      if (response.status !== 200) throw new Error(`POST ${label}: ${response.status}`);
      const names = ((await response.json()) as Array<{ name: string }>).map((entry) => entry.name);
      present.set(label, true);
      for (const [other, on] of present) {
        if (on && !names.includes(other)) anomalies.push(`${other} was missing after adding ${label}`);
      }
    }
    changes += 1;
  }
  process.stdout.write(`${JSON.stringify({ changes, expected: Object.fromEntries(present), anomalies })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
