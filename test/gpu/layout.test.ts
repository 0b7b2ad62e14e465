import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STRUCTS_BY_SHADER } from '../../src/gpu/layout.ts';
import { parseStruct } from './wgsl-struct.ts';

/** Is the struct used as var<uniform> in this source? */
function isUniform(src: string, name: string): boolean {
  return new RegExp(`var<uniform>\\s*\\w+\\s*:\\s*${name}\\b`).test(src);
}

describe('WGSL and TS struct layouts agree', () => {
  for (const [file, layouts] of Object.entries(STRUCTS_BY_SHADER)) {
    const src = readFileSync(new URL(`../../shaders/${file}`, import.meta.url), 'utf8');
    for (const layout of layouts) {
      it(`${file}: ${layout.name}`, () => {
        const wgsl = parseStruct(src, layout.name);
        expect(layout.fields.map((f) => [f.name, f.type, f.offset])).toEqual(wgsl.fields.map((f) => [f.name, f.type, f.offset]));
        if (isUniform(src, layout.name)) {
          // Uniform buffers: struct size rounded to 16 (roundUp(16, SizeOf(S)) in the uniform address space).
          expect(layout.size).toBe(Math.ceil(wgsl.size / 16) * 16);
          expect(layout.size % 16).toBe(0);
        } else {
          expect(layout.size).toBe(wgsl.size);
          expect(layout.align).toBe(wgsl.align);
        }
      });
    }
  }

  it('the parser itself follows the alignment rules', () => {
    const s = parseStruct('struct T { a: u32, b: vec4<f32>, c: f32, }', 'T');
    expect(s.fields.map((f) => f.offset)).toEqual([0, 16, 32]);
    expect(s.size).toBe(48);
  });
});
