// A small typed client over fetch, written against the types openapi-typescript generates from docs/openapi.json
// (beatorleans-api.d.ts). scripts/lint-openapi.sh compiles it (tsc --noEmit): a change of the API that breaks a client
// breaks this file. Copy the pattern, or use the generated types with a client such as openapi-fetch.
import type { components, paths } from "./beatorleans-api";

type Schemas = components["schemas"];
type Json<P extends keyof paths, M extends keyof paths[P], S extends number> =
  paths[P][M] extends { responses: { [K in S]: { content: { "application/json": infer T } } } } ? T : never;

export type Beat = Schemas["BeatResponse"];
export type Problem = Schemas["ProblemDetails"];

export class BeatOrleansClient {
  constructor(private readonly baseUrl: string, private token?: string) {}

  async signup(body: Schemas["SignupRequest"]): Promise<Json<"/api/users/signup", "post", 201>> {
    return this.send("POST", "/api/users/signup", body);
  }

  async login(body: Schemas["LoginRequest"]): Promise<Schemas["TokenResponse"]> {
    const tokens: Json<"/api/users/login", "post", 200> = await this.send("POST", "/api/users/login", body);
    this.token = tokens.token;
    return tokens;
  }

  async search(query: NonNullable<paths["/api/beats"]["get"]["parameters"]["query"]>): Promise<Schemas["BeatsPageResponse"]> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) search.set(name, String(value));
    }
    return this.send("GET", `/api/beats?${search.toString()}`);
  }

  async beat(beatId: string): Promise<Beat> {
    return this.send("GET", `/api/beats/${encodeURIComponent(beatId)}`);
  }

  async buy(body: Schemas["CreatePurchaseRequest"], idempotencyKey: string): Promise<Schemas["PurchaseResponse"]> {
    return this.send("POST", "/api/purchases", body, { "Idempotency-Key": idempotencyKey });
  }

  async send<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(this.token === undefined ? {} : { authorization: `Bearer ${this.token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      const problem = (await response.json()) as Problem;
      throw new Error(`${problem.status ?? response.status} ${problem.title ?? ""}: ${problem.detail ?? ""}`);
    }
    return (await response.json()) as T;
  }
}

// The types follow the contract: closed sets are unions, numbers are numbers, nullable fields say so.
export function describe(beat: Beat): string {
  const status: "processing" | "ready" | "failed" | "sold" = beat.status;
  const cheapest = Math.min(...beat.licenses.map((l) => l.price));
  const tier: Schemas["LicenseResponse"]["license_type"] | undefined = beat.licenses[0]?.license_type;
  return `${beat.title} by ${beat.artist} (${status}, ${beat.bpm ?? "?"} bpm) from ${cheapest} ${beat.currency}, first tier ${tier ?? "none"}`;
}
