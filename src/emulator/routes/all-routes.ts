import { Router } from "../http/router.js";
import { appRoutes } from "./apps.js";
import { branchRoutes } from "./branches.js";
import { commentRoutes } from "./comments.js";
import { contentRoutes } from "./contents.js";
import { gitDataRoutes } from "./git-data.js";
import { issueRoutes } from "./issues.js";
import { labelRoutes } from "./labels.js";
import { metaRoutes } from "./meta.js";
import { milestoneRoutes } from "./milestones.js";
import { pullRoutes } from "./pulls.js";
import { repoRoutes } from "./repos.js";
import type { RouteDef } from "./route-types.js";

/** Every REST route the local GitHub serves. */
export const ALL_ROUTES: RouteDef[] = [
  ...metaRoutes,
  ...appRoutes,
  ...repoRoutes,
  ...contentRoutes,
  ...issueRoutes,
  ...labelRoutes,
  ...milestoneRoutes,
  ...commentRoutes,
  ...branchRoutes,
  ...gitDataRoutes,
  ...pullRoutes,
];

export function createRouter(routes: RouteDef[] = ALL_ROUTES): Router<RouteDef> {
  const router = new Router<RouteDef>();
  for (const route of routes) router.add(route.method, route.template, route);
  return router;
}
