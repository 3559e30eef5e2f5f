import type { App, Installation } from "../state/types.js";
import { isoTime, nodeId, type RenderContext } from "./render-context.js";
import { renderSimpleUser } from "./render-user.js";

/** The `integration` shape of a GitHub App. */
export function renderApp(ctx: RenderContext, app: App) {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId("App", app.id),
    client_id: app.clientId,
    owner: renderSimpleUser(ctx, ctx.state.accountOf(app.ownerId)),
    name: app.name,
    description: app.description,
    external_url: `${ctx.baseUrl}/apps/${app.slug}`,
    html_url: `${ctx.baseUrl}/apps/${app.slug}`,
    created_at: isoTime(app.createdAt),
    updated_at: isoTime(app.updatedAt),
    permissions: app.permissions,
    events: app.events,
    installations_count: ctx.state.installations().filter((installation) => installation.appId === app.id)
      .length,
  };
}

/** The `installation` shape. */
export function renderInstallation(ctx: RenderContext, installation: Installation) {
  const app = ctx.state.app(installation.appId);
  const account = ctx.state.accountOf(installation.accountId);
  return {
    id: installation.id,
    client_id: app?.clientId,
    account: renderSimpleUser(ctx, account),
    repository_selection: installation.repositorySelection,
    access_tokens_url: `${ctx.baseUrl}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${ctx.baseUrl}/installation/repositories`,
    html_url: `${ctx.baseUrl}/${account.type === "Organization" ? `organizations/${account.login}/settings` : "settings"}/installations/${installation.id}`,
    app_id: installation.appId,
    app_slug: app?.slug ?? "",
    target_id: account.id,
    target_type: account.type,
    permissions: installation.permissions,
    events: installation.events,
    created_at: isoTime(installation.createdAt),
    updated_at: isoTime(installation.updatedAt),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: isoTime(installation.suspendedAt),
  };
}
