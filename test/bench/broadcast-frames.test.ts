// The broadcast hot path serializes once and splices ids: every frame must equal what a full encode gives.
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../generated/index.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { createOutboundEncoder } from '../../src/protocol/outbound.js';

const encoder = createOutboundEncoder(createLogger('silent'), createMetrics());
const data = { title: 'Maintenance', message: 'Sunday "02:00" \\ \u2028', priority: 'medium' } as const;

function copies(ids: string[], shared = true, category?: Notification['category']): Notification[] {
  return ids.map((id) => {
    const n = { type: 'info', id, timestamp: 42, data: shared ? data : { ...data }, read: false } as Notification;
    if (category !== undefined) n.category = category;
    return n;
  });
}

describe('OutboundEncoder.notifications', () => {
  it('gives, for copies differing only by id, exactly the frames of a full encode', () => {
    const list = copies(['0000000000000001', '0000000000000002', '0000000000000103'], true, 'system');
    expect(encoder.notifications(list)).toEqual(list.map((n) => JSON.stringify(n)));
  });

  it('encodes in full whatever differs from the template beyond the id', () => {
    const list = [...copies(['0000000000000001']), { ...copies(['0000000000000002'])[0]!, read: true }, ...copies(['0000000000000003'], false)];
    expect(encoder.notifications(list)).toEqual(list.map((n) => JSON.stringify(n)));
  });

  it('never splices an id that is off the contract, and drops off-contract copies', () => {
    const list = copies(['0000000000000001', 'bad id', '0000000000000002']);
    expect(encoder.notifications(list)).toEqual([JSON.stringify(list[0]), undefined, JSON.stringify(list[2])]);
  });

  it('does not splice when the id text also occurs in the data', () => {
    const tricky = { title: 'x', message: '"id":"0000000000000001"', priority: 'low' } as const;
    const list = ['0000000000000001', '0000000000000002'].map((id) => ({ type: 'info', id, timestamp: 1, data: tricky, read: false }) as Notification);
    expect(encoder.notifications(list)).toEqual(list.map((n) => JSON.stringify(n)));
  });
});
