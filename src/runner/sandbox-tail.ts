// The tail of a stage command's output, kept within a byte budget while it streams:
// a command that prints gigabytes costs the runner at most `max` bytes (plus one chunk).

export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    if (this.max <= 0) return;
    // a chunk larger than the whole budget: only its end can survive
    const kept = chunk.length > this.max ? chunk.subarray(chunk.length - this.max) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
    while (this.size > this.max) {
      const first = this.chunks[0]!;
      const over = this.size - this.max;
      if (first.length <= over) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        // copy, so the dropped head of a big chunk is not kept alive by a view into it
        this.chunks[0] = Buffer.from(first.subarray(over));
        this.size -= over;
      }
    }
  }

  /** The kept bytes as text; a character cut at the start of the tail is dropped, not shown as U+FFFD. */
  text(): string {
    const bytes = Buffer.concat(this.chunks, this.size);
    let start = 0;
    // UTF-8 continuation bytes are 10xxxxxx; a tail can begin inside a character (at most 3 of them)
    while (start < bytes.length && start < 3 && (bytes[start]! & 0xc0) === 0x80) start++;
    return bytes.subarray(start).toString('utf8');
  }
}
