// The human-readable reference of the HTTP API (docs/api.md), rendered from the OpenAPI document: every
// route with who may call it, its parameters, body, answers and error codes, then every named schema.
// `pnpm docs:api` (scripts/api-reference.ts) writes it; a test fails when docs/api.md is not what this renders.
import type { OpenApiDocument } from "./openapi.ts";

type Schema = Record<string, unknown>;
type Operation = {
  summary: string;
  description: string;
  tags: string[];
  "x-roles": string[];
  "x-self-param"?: string;
  "x-error-codes": string[];
  parameters?: { name: string; in: string; required: boolean; description?: string; schema: Schema }[];
  requestBody?: { description?: string; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
};

const SCHEMAS = "#/components/schemas/";
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n+/g, " ");
const code = (value: unknown) => `\`${JSON.stringify(value)}\``;

function link(ref: string): string {
  const name = ref.slice(SCHEMAS.length);
  return `[${name}](#${name.toLowerCase()})`;
}

/** A schema in a few words: a reference, an enum, a union, an array, a map, or a type with its rules. */
function typeOf(schema: Schema | undefined): string {
  if (!schema) return "any";
  if (typeof schema.$ref === "string") return link(schema.$ref);
  if (schema.const !== undefined) return code(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map(code).join(" or ");
  const union = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (union) return union.map(typeOf).join(" or ");
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  return types
    .map((type) => {
      if (type === "array") return `${typeOf(schema.items as Schema)}[]`;
      if (type === "object" && typeof schema.additionalProperties === "object")
        return `map of ${typeOf(schema.additionalProperties as Schema)}`;
      if (type === undefined) return "any";
      return [type, ...rules(schema)].join(", ");
    })
    .join(" or ");
}

function rules(schema: Schema): string[] {
  const out: string[] = [];
  if (typeof schema.pattern === "string") out.push(`pattern \`${schema.pattern}\``);
  if (typeof schema.format === "string") out.push(schema.format);
  const characters = (count: number) => `${count} character${count === 1 ? "" : "s"}`;
  if (typeof schema.minLength === "number") out.push(`at least ${characters(schema.minLength)}`);
  if (typeof schema.maxLength === "number") out.push(`at most ${characters(schema.maxLength)}`);
  if (typeof schema.minimum === "number") out.push(`from ${schema.minimum}`);
  if (typeof schema.exclusiveMinimum === "number") out.push(`above ${schema.exclusiveMinimum}`);
  if (typeof schema.maximum === "number") out.push(`up to ${schema.maximum}`);
  if (schema.default !== undefined) out.push(`default ${code(schema.default)}`);
  return out;
}

const describe = (schema: Schema) => (typeof schema.description === "string" ? schema.description : "");

/** An object's fields as a table; a union of objects as one table per variant; anything else in words. */
function fieldsOf(schema: Schema): string[] {
  const variants = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (variants?.every((variant) => variant.properties)) {
    return variants.flatMap((variant, index) => [`One of (${index + 1}):`, "", ...fieldsOf(variant)]);
  }
  const properties = schema.properties as Record<string, Schema> | undefined;
  if (!properties) return [typeOf(schema), ""];
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return [
    "| field | type | required | what |",
    "| --- | --- | --- | --- |",
    ...Object.entries(properties).map(
      ([name, property]) =>
        `| \`${name}\` | ${cell(typeOf(property))} | ${required.has(name) ? "yes" : "no"} | ${cell(describe(property))} |`,
    ),
    "",
  ];
}

/** Who may call an operation, in words. */
const who = (op: Operation) =>
  op["x-roles"]
    .map((role) => (role === "agent" && op["x-self-param"] ? "agent (only itself)" : role))
    .join(", ");

function operation(method: string, path: string, op: Operation): string[] {
  const lines = [`### ${method.toUpperCase()} ${path}`, "", `**${op.summary}.** Who: ${who(op)}.`, ""];
  const description = op.description.split("\n\nWho: ")[0];
  if (description && !description.startsWith("Who: ")) lines.push(description, "");
  if (op.parameters?.length) {
    lines.push("| parameter | in | type | required | what |", "| --- | --- | --- | --- | --- |");
    for (const parameter of op.parameters) {
      lines.push(
        `| \`${parameter.name}\` | ${parameter.in} | ${cell(typeOf(parameter.schema))} | ${parameter.required ? "yes" : "no"} | ${cell(parameter.description ?? "")} |`,
      );
    }
    lines.push("");
  }
  if (op.requestBody) {
    for (const [type, { schema }] of Object.entries(op.requestBody.content)) {
      lines.push(
        `Body (\`${type}\`)${op.requestBody.description ? `: ${op.requestBody.description}` : ""}:`,
        "",
      );
      if (type === "application/json") lines.push(...fieldsOf(schema));
    }
  }
  lines.push("| status | answer |", "| --- | --- |");
  for (const [status, response] of Object.entries(op.responses)) {
    if (Number(status) >= 400) continue;
    const content = Object.entries(response.content ?? {})
      .map(([type, { schema }]) => (type === "application/json" ? typeOf(schema) : `\`${type}\``))
      .join(", ");
    lines.push(`| ${status} | ${cell(content || response.description)} |`);
  }
  lines.push("", `Errors: ${op["x-error-codes"].map((each) => `\`${each}\``).join(", ")}.`, "");
  return lines;
}

export function renderReference(document: OpenApiDocument): string {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method, path, op: op as Operation })),
  );
  const lines = [
    "# The Crystal Console HTTP API",
    "",
    "<!-- Generated from the contract table (packages/api/src/routes.ts) by `pnpm docs:api`: do not edit. -->",
    "",
    document.info.description,
    "",
    "The same description, as OpenAPI 3.1: `GET /api/openapi.json`.",
    "",
    "## Routes",
    "",
    "| route | who | what |",
    "| --- | --- | --- |",
    ...operations.map(
      ({ method, path, op }) =>
        `| [${method.toUpperCase()} ${path}](#${`${method} ${path}`
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, "")
          .replace(/ /g, "-")}) | ${cell(who(op))} | ${cell(op.summary)} |`,
    ),
    "",
  ];
  for (const tag of document.tags) {
    lines.push(`## Routes: ${tag.name}`, "");
    for (const { method, path, op } of operations.filter((each) => each.op.tags[0] === tag.name))
      lines.push(...operation(method, path, op));
  }
  lines.push("## Schemas", "");
  for (const [name, schema] of Object.entries(document.components.schemas as Record<string, Schema>)) {
    lines.push(`### ${name}`, "");
    if (describe(schema)) lines.push(describe(schema), "");
    lines.push(...fieldsOf(schema));
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
