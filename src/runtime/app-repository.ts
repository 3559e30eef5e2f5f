/**
 * Where this project's code lives on GitHub: the repository engine workflows check out and host
 * dispatchers call (`<APP_REPOSITORY>/.github/workflows/engine-<name>.yml@<engine_ref>`).
 */
export const APP_REPOSITORY = "automated-assistant-systems/task-assistant";

/** Where the host's dispatcher workflow is installed. */
export const DISPATCH_WORKFLOW_PATH = ".github/workflows/task-assistant-dispatch.yml";

/** The dispatcher workflow of this project that every host calls at a channel (`@v1`). */
export const DISPATCHER_WORKFLOW = ".github/workflows/dispatch.yml";
