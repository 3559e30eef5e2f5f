/** A workflow file read at one commit. */
export interface WorkflowFile {
  /** `owner/repo` the file lives in. */
  repository: string;
  /** Path inside the repository, e.g. `.github/workflows/engine-enforce.yml`. */
  path: string;
  /** The ref as resolved: `refs/heads/main`, `refs/tags/v1.0.0`, or the 40-hex SHA it was asked at. */
  ref: string;
  /** The commit the file was read at. */
  sha: string;
  content: string;
}

/**
 * Where workflow files come from: the local GitHub over git (`gitWorkflowFiles`), or directories on
 * disk standing in for repositories (`directoryWorkflowFiles`, for checks without a server).
 */
export interface WorkflowFiles {
  /** Reads `path` of `repository` at `ref` (branch, tag or SHA); throws when the file is absent. */
  read(repository: string, path: string, ref: string): Promise<WorkflowFile>;
}
