import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProgressKeeper } from './nats_in_progress.js';

class FakeMsg {
  wpi: number[] = [];
  constructor(private readonly clock: { now: number }) {}
  working(): void {
    this.wpi.push(this.clock.now);
  }
}

test('every held message is touched well within ack_wait, released ones never', () => {
  const clock = { now: 0 };
  const keeper = new InProgressKeeper<FakeMsg>(3000, () => clock.now);
  const a = new FakeMsg(clock);
  const b = new FakeMsg(clock);
  keeper.hold(a);
  // Drive the keeper by hand every tick (ack_wait / 3 = 1000 ms) for 10 s.
  for (let t = 0; t <= 10_000; t += 100) {
    clock.now = t;
    if (t === 700) keeper.hold(b);
    if (t === 5000) keeper.release(a);
    if (t % 1000 === 0) keeper.tick();
  }
  keeper.clear();
  // a: held from 0 until 5000; b: from 700 on. No gap between touches may reach ack_wait.
  const gaps = (start: number, touches: number[], end: number): number[] => [start, ...touches, end].slice(1).map((t, i, all) => t - [start, ...touches][i]!);
  assert.ok(a.wpi.length >= 4 && a.wpi.every((t) => t <= 5000), `a touched while held: ${a.wpi}`);
  assert.ok(Math.max(...gaps(0, a.wpi, 5000)) < 3000 / 2 + 1, `a: gaps ${gaps(0, a.wpi, 5000)}`);
  assert.ok(Math.max(...gaps(700, b.wpi, 10_000)) < 3000 / 2 + 1, `b: gaps ${gaps(700, b.wpi, 10_000)}`);
});

test('the keeper times itself and stops when nothing is held', async () => {
  const keeper = new InProgressKeeper<{ working(): void }>(90);
  let touches = 0;
  const m = { working: () => void touches++ };
  keeper.hold(m);
  await new Promise((r) => setTimeout(r, 250));
  assert.ok(touches >= 3, `touched ${touches} times in 250 ms with ack_wait 90 ms`);
  keeper.release(m);
  const after = touches;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(touches, after);
  assert.equal(keeper.size, 0);
});
