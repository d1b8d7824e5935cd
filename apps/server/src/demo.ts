// The demo call centre created on an empty registry in embedded mode, through the same PBX-first services
// as everything else, so registry and simulator agree. Every demo agent's password is DEMO_AGENT_PASSWORD.
import { changeAgentState, createAgent } from "./agents/service.ts";
import { hashPassword } from "./auth/passwords.ts";
import type { ConsoleDeps } from "./deps.ts";
import { valueOf } from "./pbx/writes.ts";
import { assignAgent, createQueue } from "./queues/service.ts";
import { anyAgent } from "./registry/agents.ts";
import { anyQueue } from "./registry/read.ts";

export const DEMO_AGENT_PASSWORD = "demo1234";

const queues = [
  { id: "2000", name: "Sales" },
  { id: "2001", name: "Support" },
  { id: "2002", name: "Billing" },
  { id: "2003", name: "Retention" },
  { id: "2004", name: "שירות לקוחות" },
];

const names = [
  "Noa Levi",
  "Yossi Cohen",
  "Maya Mizrahi",
  "Daniel Peretz",
  "Tamar Biton",
  "Omer Friedman",
  "Shira Avraham",
  "Itai Katz",
  "Lior Azoulay",
  "Yael Dahan",
  "Amir Haddad",
  "Rina Shapiro",
  "Eitan Ben-David",
  "Hila Golan",
  "Ronen Segal",
  "Dana Weiss",
  "Avi Ohana",
  "Michal Rosen",
  "Nadav Sasson",
  "Gal Ezra",
  "Sarah Klein",
  "David Levy",
  "Fatima Nasser",
  "Ahmad Khalil",
  "Olga Ivanova",
  "Sergei Petrov",
  "Maria Gonzalez",
  "James Carter",
  "Emma Johnson",
  "Lucas Martin",
  "נועה כהן",
  "אורי לוי",
  "יעל אברהם",
  "משה דוד",
  "Chloe Dubois",
  "Ravi Patel",
  "Aisha Rahman",
  "Tomás Silva",
  "Ingrid Nilsson",
  "Kenji Tanaka",
];

const actor = "system:demo";

/** Seeds only an empty registry; a restart keeps what the last run left (the simulator keeps its state too). */
export async function seedDemoCallCentre(deps: ConsoleDeps): Promise<void> {
  if ((await anyQueue(deps.db)) || (await anyAgent(deps.db))) return;

  for (const queue of queues) valueOf(await createQueue(deps, actor, queue));
  const passwordHash = await hashPassword(DEMO_AGENT_PASSWORD, deps.scryptLogN);

  await Promise.all(
    names.map(async (name, index) => {
      const id = String(1001 + index);
      const [home, second] = [queues[index % queues.length], queues[(index + 1) % queues.length]];
      if (!home || !second) throw new Error("the demo call centre has queues");
      valueOf(
        await createAgent(
          deps,
          actor,
          { id, name, password: DEMO_AGENT_PASSWORD, outQueueId: home.id },
          { knownHash: passwordHash, imported: true },
        ),
      );
      valueOf(await assignAgent(deps, actor, home.id, id));
      if (index % 3 === 0) valueOf(await assignAgent(deps, actor, second.id, id));
      if (index >= 24) return; // the rest stay logged off
      valueOf(await changeAgentState(deps, actor, id, { action: "login", extension: String(501 + index) }));
      if (index % 6 === 1)
        valueOf(
          await changeAgentState(deps, actor, id, {
            action: "pause",
            reason: deps.config.pauseReasons[index % deps.config.pauseReasons.length],
          }),
        );
      if (index % 8 === 3) valueOf(await changeAgentState(deps, actor, id, { action: "mission" }));
    }),
  );
}
