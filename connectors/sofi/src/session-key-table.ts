import { createHash } from 'node:crypto';

const PAGE_BITS = 16;
const PAGE_SLOTS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SLOTS - 1;

type SlotArray = Uint8Array | Uint16Array | Uint32Array;

/**
 * `width` numbers per slot, in pages of 65 536 slots allocated as slots get used: growing never copies what is
 * there (one big array doubling would briefly hold its old and new copies), and the memory lies outside the
 * JavaScript heap.
 */
export class SlotColumn<A extends SlotArray> {
  readonly #pages: A[] = [];
  constructor(
    private readonly create: (length: number) => A,
    readonly width = 1,
  ) {}

  /** The page holding `slot`'s numbers, from `offset(slot)` on. */
  page(slot: number): A {
    const number = slot >>> PAGE_BITS;
    while (this.#pages.length <= number) this.#pages.push(this.create(PAGE_SLOTS * this.width));
    return this.#pages[number] as A;
  }

  offset(slot: number): number {
    return (slot & PAGE_MASK) * this.width;
  }

  get(slot: number): number {
    return this.page(slot)[this.offset(slot)] as number;
  }

  set(slot: number, value: number): void {
    this.page(slot)[this.offset(slot)] = value;
  }
}

/**
 * Session keys → slots 0, 1, 2… in the order they were added, in about 28 bytes per key whatever its length, outside
 * the JavaScript heap (a Map of a million 47-character keys holds some 100 MB of heap). A key is known by its
 * identity, the first 128 bits of its SHA-256: two of a few million keys share one with a probability below 1e-26,
 * and nobody can make two keys share one on purpose, so keys never collide in practice while nothing of their length
 * is kept. The identities sit in a `SlotColumn`, found through an open-addressing index.
 */
export class SessionKeyTable {
  readonly #ids = new SlotColumn((length) => new Uint32Array(length), 4);
  #index = new Int32Array(1 << 12); // slot + 1; 0 = free
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The slot of `key`, or -1. */
  slotOf(key: string): number {
    const id = identityOf(key);
    return (this.#index[this.#position(id)] as number) - 1;
  }

  /** The slot of `key`, added if new: `size` tells whether it was. */
  add(key: string): number {
    const id = identityOf(key);
    let position = this.#position(id);
    const found = this.#index[position] as number;
    if (found !== 0) return found - 1;
    if ((this.#size + 1) * 2 > this.#index.length) {
      this.#grow();
      position = this.#position(id);
    }
    const slot = this.#size;
    const page = this.#ids.page(slot);
    page.set(id, this.#ids.offset(slot));
    this.#index[position] = slot + 1;
    this.#size += 1;
    return slot;
  }

  /** Where `id` is in the index, or the free position where it would go (linear probing, at most half full). */
  #position(id: Uint32Array, index = this.#index): number {
    const mask = index.length - 1;
    for (let position = (id[0] as number) & mask; ; position = (position + 1) & mask) {
      const entry = index[position] as number;
      if (entry === 0 || this.#sameId(entry - 1, id)) return position;
    }
  }

  #sameId(slot: number, id: Uint32Array): boolean {
    const page = this.#ids.page(slot);
    const offset = this.#ids.offset(slot);
    return (
      page[offset] === id[0] && page[offset + 1] === id[1] && page[offset + 2] === id[2] && page[offset + 3] === id[3]
    );
  }

  #grow(): void {
    const index = new Int32Array(this.#index.length * 2);
    for (let slot = 0; slot < this.#size; slot++) {
      const page = this.#ids.page(slot);
      const offset = this.#ids.offset(slot);
      index[this.#position(page.subarray(offset, offset + 4), index)] = slot + 1;
    }
    this.#index = index;
  }
}

const identity = new Uint32Array(4);
let identified: string | undefined;

/**
 * The key's identity, in a buffer reused by the next call. A session's key is looked up several times in a row (the
 * file's duplicate check, then the importer's known offer): the last one is remembered.
 */
function identityOf(key: string): Uint32Array {
  if (key === identified) return identity;
  const digest = createHash('sha256').update(key).digest();
  for (let word = 0; word < 4; word++) identity[word] = digest.readUInt32LE(word * 4);
  identified = key;
  return identity;
}
