import { HttpError } from "../http/http-error.js";
import type { EmulatorState } from "../state/emulator-state.js";
import type { Account, App, AppPermissions, Installation, TokenRecord } from "../state/types.js";
import { looksLikeJwt, verifyAppJwt } from "./verify-app-jwt.js";

/** Who is calling. Every request resolves to exactly one of these before anything else happens. */
export type Principal =
  | { kind: "anonymous"; rateKey: string }
  | { kind: "admin"; user: Account; rateKey: string }
  | { kind: "user"; user: Account; token: TokenRecord; rateKey: string }
  | {
      kind: "installation";
      installation: Installation;
      app: App;
      bot: Account;
      token: TokenRecord;
      permissions: AppPermissions;
      /** The repositories the token may reach: the installation's, possibly narrowed at creation. */
      repositoryIds: ReadonlySet<number> | "all";
      rateKey: string;
    }
  | { kind: "app"; app: App; rateKey: string };

/** The login of the built-in site administrator the admin token acts as. */
export const ADMIN_LOGIN = "local-admin";

/** The credential in an Authorization header (`token X`, `Bearer X`, or Basic with the token as password). */
export function credentialOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value = ""] = header.trim().split(/\s+/, 2);
  switch (scheme.toLowerCase()) {
    case "token":
    case "bearer":
      return value;
    case "basic": {
      const decoded = Buffer.from(value, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      return colon === -1 ? decoded : decoded.slice(colon + 1);
    }
    default:
      return value === "" ? scheme : undefined;
  }
}

/**
 * Resolves a credential to a principal. An unknown or expired token is 401 "Bad credentials", as on
 * GitHub; no credential at all is the anonymous principal (rate-limited by address).
 */
export function authenticate(
  state: EmulatorState,
  credential: string | undefined,
  nowMs: number,
  remoteAddress: string,
): Principal {
  if (credential === undefined || credential === "") {
    return { kind: "anonymous", rateKey: `anonymous:${remoteAddress}` };
  }
  if (credential === state.adminToken) {
    return { kind: "admin", user: adminAccount(state), rateKey: "admin" };
  }
  if (looksLikeJwt(credential)) {
    const app = verifyAppJwt(state, credential, nowMs);
    return { kind: "app", app, rateKey: `app:${app.id}` };
  }
  const token = state.token(credential);
  if (!token || (token.expiresAt !== undefined && token.expiresAt <= nowMs)) {
    throw new HttpError(401, "Bad credentials");
  }
  if (token.kind === "user") {
    const user = state.accountById(token.userId ?? -1);
    if (!user) throw new HttpError(401, "Bad credentials");
    return { kind: "user", user, token, rateKey: `token:${token.token}` };
  }
  const installation = state.installation(token.installationId ?? -1);
  const app = installation && state.app(installation.appId);
  if (!installation || !app) throw new HttpError(401, "Bad credentials");
  if (installation.suspendedAt !== null) throw new HttpError(403, "This installation has been suspended");
  const repositoryIds =
    token.repositoryIds !== undefined
      ? new Set(token.repositoryIds)
      : installation.repositorySelection === "all"
        ? "all"
        : new Set(installation.repositoryIds);
  return {
    kind: "installation",
    installation,
    app,
    bot: state.accountOf(app.botId),
    token,
    permissions: token.permissions ?? installation.permissions,
    repositoryIds,
    rateKey: `token:${token.token}`,
  };
}

/** The site administrator account the admin token acts as, created on first use. */
export function adminAccount(state: EmulatorState): Account {
  return (
    state.account(ADMIN_LOGIN) ??
    state.addAccount({
      id: state.nextId(),
      login: ADMIN_LOGIN,
      type: "User",
      name: "Local GitHub administrator",
      email: null,
      siteAdmin: true,
      createdAt: 0,
    })
  );
}

/** The account a principal writes as (issue author, commit author, event actor). */
export function actingAccount(principal: Principal): Account | undefined {
  switch (principal.kind) {
    case "admin":
    case "user":
      return principal.user;
    case "installation":
      return principal.bot;
    default:
      return undefined;
  }
}
