import type { CommandTable } from "../command.js";

export const commands: CommandTable = {};
