import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RestartPolicy } from "../backoff";

describe("RestartPolicy", () => {
  it("doubles the delay up to the cap, then gives up after maxRestarts crashes", () => {
    let now = 0;
    const policy = new RestartPolicy({ maxRestarts: 5, baseMs: 1000, maxMs: 5000, now: () => now });
    const delays: (number | undefined)[] = [];
    for (let i = 0; i < 6; i++) {
      policy.started();
      now += 10;
      delays.push(policy.nextDelay());
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 5000, 5000, undefined]);
  });

  it("starts a new series after a server ran for stableMs", () => {
    let now = 0;
    const policy = new RestartPolicy({ maxRestarts: 2, baseMs: 100, stableMs: 1000, now: () => now });
    policy.started();
    assert.equal(policy.nextDelay(), 100);
    policy.started();
    assert.equal(policy.nextDelay(), 200);
    policy.started();
    now += 1000;
    assert.equal(policy.nextDelay(), 100);
  });

  it("never restarts when maxRestarts is 0, and reset() forgets crashes", () => {
    assert.equal(new RestartPolicy({ maxRestarts: 0 }).nextDelay(), undefined);
    const policy = new RestartPolicy({ maxRestarts: 1, baseMs: 10 });
    assert.equal(policy.nextDelay(), 10);
    assert.equal(policy.nextDelay(), undefined);
    policy.reset();
    assert.equal(policy.nextDelay(), 10);
  });
});
