import { planEnable } from "../../registry/plan-state-change.js";
import { stateChangeCommand } from "./state-change-command.js";

/** `task-assistant infra enable --owner O --repo R --reason TEXT` */
export const run = stateChangeCommand("enable", planEnable);
