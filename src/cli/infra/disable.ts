import { planDisable } from "../../registry/plan-state-change.js";
import { stateChangeCommand } from "./state-change-command.js";

/** `task-assistant infra disable --owner O --repo R --reason TEXT` */
export const run = stateChangeCommand("disable", planDisable);
