import type { Problem } from "../../errors.js";
import type { EmulatorState } from "../state/emulator-state.js";
import type { SeedDocument } from "./seed-types.js";

/**
 * The problems a schema cannot see: every login, repository, milestone and App a seed refers to must
 * exist in the seed or in the state already. Checked before anything is applied, so a refused seed
 * changes nothing.
 */
export function checkSeedReferences(state: EmulatorState, seed: SeedDocument): Problem[] {
  const problems: Problem[] = [];
  const users = new Set(
    state
      .accounts()
      .filter((a) => a.type === "User")
      .map((a) => a.login.toLowerCase()),
  );
  const orgs = new Set(
    state
      .accounts()
      .filter((a) => a.type === "Organization")
      .map((a) => a.login.toLowerCase()),
  );
  seed.users?.forEach((user, index) => {
    if (orgs.has(user.login.toLowerCase())) {
      problems.push({ path: `/users/${index}/login`, message: `"${user.login}" is already an organization` });
    }
    users.add(user.login.toLowerCase());
  });
  seed.orgs?.forEach((org, index) => {
    if (users.has(org.login.toLowerCase())) {
      problems.push({ path: `/orgs/${index}/login`, message: `"${org.login}" is already a user` });
    }
    orgs.add(org.login.toLowerCase());
  });
  const needUser = (login: string, path: string) => {
    if (!users.has(login.toLowerCase())) {
      problems.push({ path, message: `unknown user "${login}"`, hint: "declare it under users" });
    }
  };
  seed.orgs?.forEach((org, index) =>
    org.members?.forEach((member, m) =>
      needUser(typeof member === "string" ? member : member.login, `/orgs/${index}/members/${m}`),
    ),
  );

  const repos = new Set(state.repos().map((repo) => state.fullName(repo).toLowerCase()));
  seed.repos?.forEach((repo, index) => {
    const base = `/repos/${index}`;
    const [owner] = repo.name.split("/");
    if (!users.has(owner.toLowerCase()) && !orgs.has(owner.toLowerCase())) {
      problems.push({
        path: `${base}/name`,
        message: `owner "${owner}" is neither a user nor an org`,
        hint: "declare it under users or orgs",
      });
    }
    repos.add(repo.name.toLowerCase());
    repo.collaborators?.forEach((collaborator, c) =>
      needUser(collaborator.login, `${base}/collaborators/${c}/login`),
    );
    const existing = state.repo(owner, repo.name.split("/")[1]);
    const milestones = new Set([
      ...(existing?.milestones.map((milestone) => milestone.title) ?? []),
      ...(repo.milestones?.map((milestone) => milestone.title) ?? []),
    ]);
    repo.issues?.forEach((issue, i) => {
      if (issue.user) needUser(issue.user, `${base}/issues/${i}/user`);
      issue.assignees?.forEach((login, a) => needUser(login, `${base}/issues/${i}/assignees/${a}`));
      issue.comments?.forEach((comment, c) => {
        if (comment.user) needUser(comment.user, `${base}/issues/${i}/comments/${c}/user`);
      });
      if (issue.milestone !== undefined && !milestones.has(issue.milestone)) {
        problems.push({
          path: `${base}/issues/${i}/milestone`,
          message: `no milestone titled "${issue.milestone}" in ${repo.name}`,
          hint: "declare it under this repository's milestones",
        });
      }
    });
  });

  const apps = new Set(state.apps().map((app) => app.slug));
  seed.apps?.forEach((app, index) => {
    if (!users.has(app.owner.toLowerCase()) && !orgs.has(app.owner.toLowerCase())) {
      problems.push({
        path: `/apps/${index}/owner`,
        message: `owner "${app.owner}" is neither a user nor an org`,
      });
    }
    if (app.id !== undefined && state.app(app.id) && state.app(app.id)?.slug !== app.slug) {
      problems.push({ path: `/apps/${index}/id`, message: `app id ${app.id} is taken by another app` });
    }
    apps.add(app.slug);
  });
  seed.installations?.forEach((installation, index) => {
    const base = `/installations/${index}`;
    if (!apps.has(installation.app))
      problems.push({ path: `${base}/app`, message: `unknown app "${installation.app}"` });
    if (!users.has(installation.account.toLowerCase()) && !orgs.has(installation.account.toLowerCase())) {
      problems.push({
        path: `${base}/account`,
        message: `account "${installation.account}" is neither a user nor an org`,
      });
    }
    if (installation.id !== undefined && state.installation(installation.id)) {
      const current = state.installation(installation.id);
      const app = current && state.app(current.appId);
      if (app?.slug !== installation.app) {
        problems.push({ path: `${base}/id`, message: `installation id ${installation.id} is taken` });
      }
    }
    installation.repositories?.forEach((name, r) => {
      if (!repos.has(`${installation.account}/${name}`.toLowerCase())) {
        problems.push({
          path: `${base}/repositories/${r}`,
          message: `no repository ${installation.account}/${name}`,
        });
      }
    });
  });
  seed.tokens?.forEach((token, index) => needUser(token.user, `/tokens/${index}/user`));
  return problems;
}
