// Reading a request body with a limit: the endpoints of Bosun's HTTPS server
// (Alertmanager's notifications, the runners') stop reading at the limit, so a
// hostile peer cannot make the operator buffer more than that.
import type { IncomingMessage } from 'node:http';

/** The body, or undefined once it passes `max` bytes (reading stops there). */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData).off('end', onEnd).pause();
        resolve(undefined);
      } else chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData).on('end', onEnd).once('error', reject);
  });
}
