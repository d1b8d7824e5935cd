// A queue card's members in name order, kept between live events and sorted again when it must be.
import type { Agent, Queue } from "@crystal-console/api";
import { describe, expect, it } from "vitest";
import { membersByName } from "./QueuesPanel.tsx";

function agent(id: string, name: string, status: Agent["status"] = "logged_off"): Agent {
  return {
    id,
    name,
    outQueueId: "2000",
    queueIds: ["2000"],
    status,
    extension: null,
    statusSince: "2026-01-01T00:00:00.000Z",
    statusBy: null,
    pauseReason: null,
    confirmed: true,
  };
}

const byId = (agents: Agent[]) => new Map(agents.map((each) => [each.id, each]));
const names = (agents: Agent[]) => agents.map((each) => each.name);

describe("membersByName", () => {
  const queue: Queue = { id: "2000", name: "Sales", agentIds: ["1", "2", "3"] };

  it("orders the members by name and shows each one's latest state", () => {
    expect(
      names(membersByName(queue, byId([agent("1", "Cleo"), agent("2", "ana"), agent("3", "Bo")]))),
    ).toEqual(["ana", "Bo", "Cleo"]);
    const changed = membersByName(
      queue,
      byId([agent("1", "Cleo"), agent("2", "ana", "online"), agent("3", "Bo")]),
    );
    expect(changed.map((each) => `${each.name}:${each.status}`)).toEqual([
      "ana:online",
      "Bo:logged_off",
      "Cleo:logged_off",
    ]);
  });

  it("sorts again when a member is renamed", () => {
    membersByName(queue, byId([agent("1", "Cleo"), agent("2", "Ana"), agent("3", "Bo")]));
    expect(
      names(membersByName(queue, byId([agent("1", "Cleo"), agent("2", "Zed"), agent("3", "Bo")]))),
    ).toEqual(["Bo", "Cleo", "Zed"]);
  });

  it("takes in a member the board learns of after its queue", () => {
    expect(names(membersByName(queue, byId([agent("1", "Cleo"), agent("3", "Bo")])))).toEqual(["Bo", "Cleo"]);
    expect(
      names(membersByName(queue, byId([agent("1", "Cleo"), agent("2", "Ana"), agent("3", "Bo")]))),
    ).toEqual(["Ana", "Bo", "Cleo"]);
  });
});
