// A view list reads like an array while holding none of its elements (README "Performance",
// case F): whatever reads an array must get what the same array would give it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { viewList } from '../../src/engine/observation.js';

const itemAt = (i: number) => ({ i, square: i * i });

describe('viewList', () => {
  it('reads as the array of its items: length, indices, iteration, methods, JSON, keys', () => {
    fc.assert(
      fc.property(fc.nat({ max: 200 }), (n) => {
        const list = viewList(n, itemAt);
        const array = Array.from({ length: n }, (_, i) => itemAt(i));
        expect(Array.isArray(list)).toBe(true);
        expect(list).toHaveLength(n);
        expect(list).toEqual(array);
        expect([...list]).toEqual(array);
        expect(list.map((o) => o.square)).toEqual(array.map((o) => o.square));
        expect(list.slice(3, 9)).toEqual(array.slice(3, 9));
        expect(list.filter((o) => o.i % 2 === 0)).toEqual(array.filter((o) => o.i % 2 === 0));
        expect(JSON.stringify(list)).toBe(JSON.stringify(array));
        expect(Object.keys(list)).toEqual(Object.keys(array));
        expect(list[n]).toBeUndefined();
        expect(n in list).toBe(false);
        expect(n === 0 || 0 in list).toBe(true);
      }),
    );
  });

  it('makes each element when read, and holds none', () => {
    let made = 0;
    const list = viewList(1_000_000, (i) => {
      made += 1;
      return { i };
    });
    expect(made).toBe(0);
    expect(list[999_999]).toEqual({ i: 999_999 });
    expect(list[5]).not.toBe(list[5]);
    expect(made).toBe(3);
    // Keys that are not canonical indices are not elements.
    expect(list['01' as unknown as number]).toBeUndefined();
    expect(list['-1' as unknown as number]).toBeUndefined();
  });

  it('refuses writes', () => {
    const list = viewList(3, itemAt);
    expect(() => {
      list[0] = { i: 9, square: 81 };
    }).toThrow(TypeError);
    expect(() => list.push(itemAt(3))).toThrow(TypeError);
    expect(list[0]).toEqual(itemAt(0));
  });
});
