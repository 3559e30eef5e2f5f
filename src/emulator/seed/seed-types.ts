/** A seed document as `schemas/emulator-seed.schema.json` describes it (already validated). */
export interface SeedDocument {
  users?: Array<{ login: string; id?: number; name?: string; email?: string; site_admin?: boolean }>;
  orgs?: Array<{
    login: string;
    id?: number;
    name?: string;
    email?: string;
    default_repository_permission?: "read" | "write" | "admin" | "none";
    members?: Array<string | { login: string; role?: "admin" | "member" }>;
  }>;
  repos?: SeedRepo[];
  apps?: Array<{
    id?: number;
    slug: string;
    name?: string;
    description?: string | null;
    owner: string;
    client_id?: string;
    private_key?: string;
    permissions?: Record<string, "read" | "write" | "admin">;
    events?: string[];
  }>;
  installations?: Array<{
    id?: number;
    app: string;
    account: string;
    repository_selection?: "all" | "selected";
    repositories?: string[];
    permissions?: Record<string, "read" | "write" | "admin">;
    events?: string[];
  }>;
  tokens?: Array<{ token?: string; user: string; rate_limit?: number }>;
  limits?: {
    primary_per_hour?: number;
    unauthenticated_per_hour?: number;
    content_creation_per_minute?: number;
    content_creation_per_hour?: number;
  };
}

export interface SeedRepo {
  name: string;
  id?: number;
  private?: boolean;
  description?: string | null;
  default_branch?: string;
  default_labels?: boolean;
  created_at?: string;
  files?: Record<string, string>;
  branches?: string[];
  tags?: string[];
  collaborators?: Array<{ login: string; permission?: "pull" | "triage" | "push" | "maintain" | "admin" }>;
  labels?: Array<{ name: string; color?: string; description?: string | null }>;
  milestones?: Array<{
    title: string;
    description?: string | null;
    state?: "open" | "closed";
    due_on?: string;
    created_at?: string;
  }>;
  issues?: SeedIssue[];
  protection?: Record<string, Record<string, unknown>>;
}

export interface SeedIssue {
  title: string;
  body?: string | null;
  user?: string;
  state?: "open" | "closed";
  state_reason?: "completed" | "not_planned" | "duplicate";
  labels?: string[];
  milestone?: string;
  assignees?: string[];
  locked?: boolean;
  created_at?: string;
  updated_at?: string;
  closed_at?: string;
  comments?: Array<{ body: string; user?: string; created_at?: string }>;
}

/** What applying a seed created, including what a test needs to act as it (tokens, App keys). */
export interface SeedResult {
  users: Array<{ login: string; id: number }>;
  orgs: Array<{ login: string; id: number }>;
  repos: Array<{ full_name: string; id: number; default_branch: string }>;
  apps: Array<{ id: number; slug: string; client_id: string; private_key: string }>;
  installations: Array<{ id: number; app_id: number; account: string }>;
  tokens: Array<{ token: string; user: string }>;
}
