// `updraft users create`: add a user who can log in to the dashboard and call the REST API.
import { Option, type Command } from "commander";
import { USER_ROLES, type UserRole } from "@updraft/core";
import { cliConfig } from "../cli-context.ts";
import { withControl } from "../control/index.ts";

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
    .addOption(new Option("--role <role>", "role").choices(USER_ROLES).makeOptionMandatory())
    .option("--email <email>", "e-mail address")
    .action(async (options: CreateOptions) => {
      const user = await withControl(cliConfig(), (c) => c.createUser(options));
      console.log(`Created user "${user.username}" with role ${user.role}.`);
    });
}
