// `updraft connections add|get|list|delete|import|export`, as Airflow's `airflow connections`,
// and `updraft rotate-fernet-key`. The import/export file is Airflow's JSON:
// {conn_id: {conn_type, description, host, login, password, schema, port, extra}}.
// This module only declares the commands; connections-actions.ts does the work when one runs.
import type { Command } from "commander";
import type { AddOptions } from "./connections-actions.ts";

const actions = () => import("./connections-actions.ts");

export function registerConnectionCommands(program: Command): void {
  const connections = program.command("connections").description("Manage connections that tasks read with Connection.get");

  connections
    .command("add <conn_id>")
    .description("Add a connection from a URI, JSON or separate fields")
    .option("--conn-uri <uri>", "e.g. postgres://user:pass@host:5432/db")
    .option("--conn-json <json>", 'e.g. {"conn_type": "http", "host": "example.com"}')
    .option("--conn-type <type>", "connection type (postgres, redis, http, ...)")
    .option("--conn-host <host>", "host")
    .option("--conn-login <login>", "login")
    .option("--conn-password <password>", "password")
    .option("--conn-schema <schema>", "schema (database)")
    .option("--conn-port <port>", "port")
    .option("--conn-extra <json>", "extra, a JSON object")
    .option("--conn-description <text>", "description")
    .action(async (connId: string, options: AddOptions) => (await actions()).addConnection(connId, options));

  connections
    .command("get <conn_id>")
    .description("Print a connection (password masked unless --show-password)")
    .option("--json", "print JSON")
    .option("--show-password", "print the password too")
    .action(async (connId: string, options: { json?: boolean; showPassword?: boolean }) => (await actions()).getConnection(connId, options));

  connections
    .command("list")
    .description("List connections")
    .option("--json", "print JSON (without passwords)")
    .action(async (options: { json?: boolean }) => (await actions()).listConnections(options));

  connections
    .command("delete <conn_id>")
    .description("Delete a connection")
    .action(async (connId: string) => (await actions()).deleteConnection(connId));

  connections
    .command("export <file>")
    .description("Write every connection, passwords included, to a JSON file (Airflow's format)")
    .action(async (file: string) => (await actions()).exportConnections(file));

  connections
    .command("import <file>")
    .description("Add connections from a JSON file (Airflow's format)")
    .option("--overwrite", "replace connections that exist (default: skip them)")
    .action(async (file: string, options: { overwrite?: boolean }) => (await actions()).importConnections(file, options));

  program
    .command("rotate-fernet-key")
    .description("Re-encrypt every connection and variable with the first key of UPDRAFT_FERNET_KEY")
    .action(async () => (await actions()).rotateFernetKey());
}
