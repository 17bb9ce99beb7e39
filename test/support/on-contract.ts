// The check every socket test ends with: each frame the server sent is a server message of the contract.
import { expect } from 'vitest';
import { serverMessageValidators } from '../../generated/index.js';

/** Every frame has a known server message type and passes that type's generated validator. */
export function expectOnContract(frames: readonly { type: string }[]): void {
  for (const frame of frames) {
    const validate = serverMessageValidators[frame.type as keyof typeof serverMessageValidators];
    expect(validate, `known type ${frame.type}`).toBeDefined();
    expect(validate(frame), `${JSON.stringify(frame).slice(0, 300)}: ${JSON.stringify(validate.errors)}`).toBe(true);
  }
}
