/** A small WGSL struct parser for the layout tests: offsets by WGSL's alignment rules. */
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

export interface ParsedStruct {
  fields: { name: string; type: string; offset: number }[];
  size: number;
  align: number;
}

/** Parse `struct Name { a: u32, b: f32, }` and lay it out by WGSL's rules. */
export function parseStruct(src: string, name: string): ParsedStruct {
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

