import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STRUCTS_BY_SHADER } from '../../src/gpu/layout.ts';

/** WGSL size/alignment of the types our structs may use (WGSL spec, "Alignment and Size"). */
const TYPES: Record<string, { size: number; align: number }> = {
  u32: { size: 4, align: 4 },
  i32: { size: 4, align: 4 },
  f32: { size: 4, align: 4 },
  f16: { size: 2, align: 2 },
  'vec2<f32>': { size: 8, align: 8 },
  'vec3<f32>': { size: 12, align: 16 },
  'vec4<f32>': { size: 16, align: 16 },
  'vec4<u32>': { size: 16, align: 16 },
};

interface ParsedStruct {
  fields: { name: string; type: string; offset: number }[];
  size: number;
  align: number;
}

/** Parse `struct Name { a: u32, b: f32, }` and lay it out by WGSL's rules. */
function parseStruct(src: string, name: string): ParsedStruct {
  const m = new RegExp(`struct\\s+${name}\\s*\\{([^}]*)\\}`).exec(src);
  if (!m) throw new Error(`struct ${name} not found`);
  const fields: ParsedStruct['fields'] = [];
  let offset = 0;
  let align = 1;
  for (const decl of m[1].split(',').map((s) => s.replace(/\/\/.*$/gm, '').trim()).filter(Boolean)) {
    const [fname, ftype] = decl.split(':').map((s) => s.trim());
    const t = TYPES[ftype];
    if (!t) throw new Error(`unknown WGSL type ${ftype} in ${name}`);
    offset = Math.ceil(offset / t.align) * t.align;
    fields.push({ name: fname, type: ftype, offset });
    offset += t.size;
    align = Math.max(align, t.align);
  }
  return { fields, size: Math.ceil(offset / align) * align, align };
}

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
