// Whole WebSocket text frames built once and written as is: a broadcast's bytes are framed once for every socket.
import * as wsModule from 'ws';

interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}

/** ws's own framing (its ESM entry exports `Sender`; @types/ws does not declare it). */
const { Sender } = wsModule as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

const textOpcode = 1;

/** One unmasked, unfragmented text frame: header and payload in one buffer, so each socket gets one write. */
export function textFrame(payload: Buffer): Buffer {
  const parts = Sender.frame(payload, { fin: true, rsv1: false, opcode: textOpcode, mask: false, readOnly: true });
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

let lastText = '';
let lastFrame = textFrame(Buffer.alloc(0));

/**
 * The frame of `text`, built once for consecutive sends of the same string: a broadcast or topic frame is one
 * string handed to every recipient in turn, so it is encoded and framed once and every socket gets the same bytes.
 */
export function framedText(text: string): Buffer {
  if (text !== lastText) {
    lastFrame = textFrame(Buffer.from(text, 'utf8'));
    lastText = text;
  }
  return lastFrame;
}
