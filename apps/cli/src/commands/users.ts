// `updraft users create`: add a user who can log in to the dashboard and call the REST API.
import { Option, type Command } from "commander";
import type { UserRole } from "@updraft/core";

/**
 * The roles `--role` accepts: @updraft/core's USER_ROLES, repeated here so `--help` need not load
 * core. The type check below fails to compile if the two lists ever differ.
 */
const CLI_USER_ROLES = ["Admin", "Op", "Viewer"] as const satisfies readonly UserRole[];
const sameRoles: [Exclude<UserRole, (typeof CLI_USER_ROLES)[number]>] extends [never] ? true : never = true;
void sameRoles;

interface CreateOptions {
  username: string;
  password: string;
  role: UserRole;
  email?: string;
}

export function registerUserCommands(program: Command): void {
  const users = program.command("users").description("Manage users of the dashboard and REST API");

  users
    .command("create")
    .description("Create a user (Admin manages users and pools; Op triggers, pauses, clears; Viewer reads)")
    .requiredOption("--username <name>", "login name")
    .requiredOption("--password <password>", "password (at least 8 characters)")
    .addOption(new Option("--role <role>", "role").choices(CLI_USER_ROLES).makeOptionMandatory())
    .option("--email <email>", "e-mail address")
    .action(async (options: CreateOptions) => {
      const [{ cliConfig }, { withControl }] = await Promise.all([import("../cli-context.ts"), import("../control/index.ts")]);
      const user = await withControl(cliConfig(), (c) => c.createUser(options));
      console.log(`Created user "${user.username}" with role ${user.role}.`);
    });
}
