// The values every request is made of, with the rules of design.md rule 5: ids, names, passwords, usernames.
import { z } from "zod";
import { ID_PATTERN, NAME_MAX, PASSWORD_MAX, isPbxName, isPbxPassword } from "@crystal-console/crystal/rules";

export const idSchema = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .regex(ID_PATTERN, { error: `${what} must be 1 to 10 digits` })
    .meta({ description: `${what}: 1 to 10 digits.` });

export const agentIdSchema = idSchema("Agent id");
export const queueIdSchema = idSchema("Queue id");
export const extensionSchema = idSchema("Extension");

/**
 * The id of an agent or queue being created: no leading zero, since a PBX that keeps ids as numbers reads
 * 04010 as 4010. Ids already in the registry keep working everywhere else (agentIdSchema, queueIdSchema).
 */
export const newIdSchema = (what: string) =>
  idSchema(what)
    .refine((value) => !value.startsWith("0"), {
      error: `${what} must not start with 0 (a PBX that keeps ids as numbers reads 04010 as 4010)`,
    })
    .meta({ description: `${what}: 1 to 10 digits, not starting with 0.` });

export const newAgentIdSchema = newIdSchema("Agent id");
export const newQueueIdSchema = newIdSchema("Queue id");

/** Unicode format characters: bidi controls (U+202E turns text around), zero-width joiners, marks. */
const FORMAT_CHARACTER = /\p{Cf}/u;

const codePointOf = (text: string) =>
  `U+${(text.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

export const nameSchema = z
  .string({ error: "Name is required" })
  .trim()
  .refine(isPbxName, { error: `Name must be 1 to ${NAME_MAX} characters` })
  .refine((value) => !/\p{Cc}/u.test(value), { error: "Name must not contain control characters" })
  .refine((value) => !FORMAT_CHARACTER.test(value), {
    error: (issue) => {
      const found = FORMAT_CHARACTER.exec(String(issue.input))?.[0] ?? "";
      return `Name must not contain invisible format characters such as bidi controls (it has ${codePointOf(found)})`;
    },
  })
  .meta({
    description: `1 to ${NAME_MAX} characters once trimmed, in any language; no control or format characters.`,
  });

export const agentPasswordSchema = z
  .string({ error: "Password is required" })
  .refine(isPbxPassword, { error: `Password must be 1 to ${PASSWORD_MAX} characters without spaces` })
  .meta({ description: `The agent's password on the PBX: 1 to ${PASSWORD_MAX} characters, no whitespace.` });

export const USER_PASSWORD_MIN = 12;
export const userPasswordSchema = z
  .string({ error: "Password is required" })
  .min(USER_PASSWORD_MIN, { error: `Password must be at least ${USER_PASSWORD_MIN} characters` })
  .max(256, { error: "Password must be at most 256 characters" });

export const usernameSchema = z
  .string({ error: "Username is required" })
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{0,31}$/i, {
    error: "Username must be 1 to 32 letters, digits, dots, dashes or underscores",
  })
  .refine((value) => !ID_PATTERN.test(value), {
    error: "Username must not be all digits (those are agent ids)",
  });

export const roles = ["admin", "supervisor", "viewer", "agent"] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** Console users' roles; a `viewer` sees the board, queues, alerts and the wallboard and changes nothing. */
export const consoleRoles = ["admin", "supervisor", "viewer"] as const;
export const consoleRoleSchema = z.enum(consoleRoles, {
  error: "Role must be admin, supervisor or viewer",
});
export type ConsoleRole = z.infer<typeof consoleRoleSchema>;

/**
 * A language a person may choose: a lowercase ISO 639 code. Which languages the console speaks is the SPA's
 * catalogs (apps/web/src/i18n/catalogs, one file each), so that a new language is one file and no code; the
 * SPA shows English for a stored language it has no catalog for.
 */
export const languageSchema = z
  .string({ error: "Language must be a language code such as en or he" })
  .regex(/^[a-z]{2,3}$/, { error: "Language must be a language code such as en or he" })
  .meta({ description: "A lowercase ISO 639 language code (en, he...)." });
export type Language = z.infer<typeof languageSchema>;
export const isLanguage = (value: unknown): value is Language => languageSchema.safeParse(value).success;

export const agentStatuses = ["logged_off", "online", "paused", "mission"] as const;
export const agentStatusSchema = z.enum(agentStatuses);
export type AgentStatus = z.infer<typeof agentStatusSchema>;
