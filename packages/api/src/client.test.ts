// The typed client's run-time half: a route's key and its input make the request, with no table at run time.
import { describe, expect, it } from "vitest";
import { buildRequest, routeUrl, splitRouteKey } from "./client.ts";

describe("the client's requests", () => {
  it("a key is its method and path template", () => {
    expect(splitRouteKey("PUT /queues/:queueId/agents/:agentId")).toEqual({
      method: "PUT",
      path: "/queues/:queueId/agents/:agentId",
    });
  });

  it("fills path parameters encoded, and appends the query without empty values", () => {
    expect(
      routeUrl("PUT /queues/:queueId/agents/:agentId", { params: { queueId: "2000", agentId: "1001" } }),
    ).toBe("/api/queues/2000/agents/1001");
    expect(routeUrl("DELETE /users/:username", { params: { username: "a/b?c" } })).toBe(
      "/api/users/a%2Fb%3Fc",
    );
    expect(
      routeUrl("GET /audit", { query: { actor: "dana levi", agentId: undefined, action: "", limit: 50 } }),
    ).toBe("/api/audit?actor=dana%20levi&limit=50");
    expect(routeUrl("GET /events", { query: { lastEventId: "" } })).toBe("/api/events");
  });

  it("refuses to build a path without one of its parameters", () => {
    expect(() => routeUrl("GET /agents/:id", { params: {} as { id: string } })).toThrow(/:id/);
  });

  it("sends a plain object as JSON, a string or a file as the CSV file, and nothing without a body", () => {
    expect(buildRequest("POST /queues", { body: { id: "2000", name: "Sales" } })).toEqual({
      method: "POST",
      url: "/api/queues",
      body: '{"id":"2000","name":"Sales"}',
      contentType: "application/json",
    });
    const file = "queue_id,queue_name\r\n2000,Sales\r\n";
    expect(
      buildRequest("POST /import/:kind", {
        params: { kind: "queues" },
        query: { dryRun: "true" },
        body: file,
      }),
    ).toEqual({
      method: "POST",
      url: "/api/import/queues?dryRun=true",
      body: file,
      contentType: "text/csv; charset=utf-8",
    });
    // A browser's File or Blob: an object of its own class, not a plain one.
    class UploadedFile {
      readonly size = file.length;
      readonly type = "text/csv";
      arrayBuffer = () => Promise.resolve(new ArrayBuffer(file.length));
    }
    const upload = new UploadedFile();
    expect(buildRequest("POST /import/:kind", { params: { kind: "queues" }, body: upload })).toMatchObject({
      body: upload,
      contentType: "text/csv; charset=utf-8",
    });
    expect(buildRequest("DELETE /session")).toEqual({
      method: "DELETE",
      url: "/api/session",
      body: null,
      contentType: null,
    });
  });
});
