import { describe, expect, it } from "vitest";
import { createRouter } from "../../src/emulator/routes/all-routes.js";
import { isDocumentedRoute } from "../support/openapi-contract.js";

describe("the local GitHub's routes", () => {
  it("are all operations of GitHub's REST description, spelled as it spells them", () => {
    const routes = createRouter().list();
    expect(routes.length).toBeGreaterThan(0);
    const undocumented = routes
      .filter(({ method, template }) => !isDocumentedRoute(method, template))
      .map(({ method, template }) => `${method} ${template}`);
    expect(undocumented).toEqual([]);
  });

  it("are told apart from routes GitHub does not have", () => {
    expect(isDocumentedRoute("GET", "/repos/{owner}/{repo}/issues")).toBe(true);
    expect(isDocumentedRoute("GET", "/repos/{owner}/{repo}/issue")).toBe(false);
    expect(isDocumentedRoute("PUT", "/repos/{owner}/{repo}/issues")).toBe(false);
  });
});
