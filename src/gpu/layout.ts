/**
 * Uniform and storage struct layouts, declared once on the TS side with offsets computed by WGSL's
 * rules (test/gpu/layout.test.ts parses the .wgsl files and checks they agree). Only 4-byte
 * scalars are used, so each field is 4-aligned; a uniform struct's size is rounded to 16.
 */

export type ScalarType = 'u32' | 'i32' | 'f32';

export interface StructLayout {
  readonly name: string;
  readonly fields: ReadonlyArray<{ readonly name: string; readonly type: ScalarType; readonly offset: number }>;
  readonly size: number;
  readonly align: number;
}

export function defineStruct(name: string, fields: ReadonlyArray<readonly [string, ScalarType]>, uniform = false): StructLayout {
  const laid = fields.map(([n, type], i) => ({ name: n, type, offset: i * 4 }));
  const raw = fields.length * 4;
  return { name, fields: laid, size: uniform ? Math.ceil(raw / 16) * 16 : raw, align: uniform ? 16 : 4 };
}

/** Pack named values into a struct's bytes; missing fields are zero (padding). */
export function packStruct(layout: StructLayout, values: Record<string, number>): ArrayBuffer {
  const buf = new ArrayBuffer(layout.size);
  const view = new DataView(buf);
  for (const f of layout.fields) {
    const v = values[f.name] ?? 0;
    if (f.type === 'f32') view.setFloat32(f.offset, v, true);
    else if (f.type === 'i32') view.setInt32(f.offset, v, true);
    else view.setUint32(f.offset, v, true);
  }
  for (const k of Object.keys(values)) {
    if (!layout.fields.some((f) => f.name === k)) throw new Error(`${layout.name} has no field ${k}`);
  }
  return buf;
}

const u = 'u32' as const;

export const AttentionParams = defineStruct(
  'Params',
  [
    ['numQoHeads', u],
    ['numKvHeads', u],
    ['headDim', u],
    ['tokensPerBlock', u],
    ['group', u],
    ['_pad3', u],
    ['slotsPerBinding', u],
    ['mlOffset', u],
    ['smScale', 'f32'],
    ['_pad0', u],
    ['_pad1', u],
    ['_pad2', u],
  ],
  true,
);

/** Uniforms of the generated texture-path kernel (src/gpu/decode-wgsl.ts). */
export const TextureParams = defineStruct(
  'TexParams',
  [
    ['numQoHeads', u],
    ['numKvHeads', u],
    ['d4', u],
    ['tokensPerBlock', u],
    ['group', u],
    ['rowShift', u],
    ['mlOffset', u],
    ['smScale', 'f32'],
    ['invTokensPerBlock', 'f32'],
    ['_pad0', u],
    ['_pad1', u],
    ['_pad2', u],
  ],
  true,
);

/** Storage struct: one per work item in `items` (src/attn/split.ts). */
export const WorkItemLayout = defineStruct('WorkItem', [
  ['seq', u],
  ['keyStart', u],
  ['keyEnd', u],
  ['pageBase', u],
]);

export const MergeParams = defineStruct(
  'MergeParams',
  [
    ['numQoHeads', u],
    ['headDim', u],
    ['mlOffset', u],
    ['batch', u],
  ],
  true,
);

export const NaiveParams = defineStruct(
  'NaiveParams',
  [
    ['numQoHeads', u],
    ['numKvHeads', u],
    ['headDim', u],
    ['tokensPerBlock', u],
    ['windowLeft', 'i32'],
    ['sinkTokens', u],
    ['batch', u],
    ['smScale', 'f32'],
  ],
  true,
);

export const AppendParams = defineStruct(
  'AppendParams',
  [
    ['numTokens', u],
    ['rowVec4', u],
    ['tokensPerBlock', u],
    ['slotBase', u],
    ['slotCount', u],
    ['_pad0', u],
    ['_pad1', u],
    ['_pad2', u],
  ],
  true,
);

/** Uniforms of kv_append_texture.wgsl (the texture path's append, layout of src/gpu/texture-pool.ts). */
export const AppendTexParams = defineStruct(
  'AppendTexParams',
  [
    ['numTokens', u],
    ['d4', u],
    ['tokensPerBlock', u],
    ['numKvHeads', u],
    ['rowShift', u],
    ['_pad0', u],
    ['_pad1', u],
    ['_pad2', u],
  ],
  true,
);

export const CopyParams = defineStruct(
  'CopyParams',
  [
    ['count', u],
    ['stride', u],
    ['_pad0', u],
    ['_pad1', u],
  ],
  true,
);

export const ReadParams = defineStruct(
  'ReadParams',
  [
    ['count', u],
    ['stride', u],
    ['width', u],
    ['widthShift', u],
  ],
  true,
);

export const ThroughputParams = defineStruct(
  'ThroughputParams',
  [
    ['iters', u],
    ['_pad0', u],
    ['_pad1', u],
    ['_pad2', u],
  ],
  true,
);

/** Which shader file declares which struct (for the layout test). */
export const STRUCTS_BY_SHADER: Record<string, StructLayout[]> = {
  'merge_attention_states.wgsl': [MergeParams],
  'naive_decode_attention.wgsl': [NaiveParams],
  'kv_append.wgsl': [AppendParams],
  'kv_append_texture.wgsl': [AppendTexParams],
  'copy_bandwidth.wgsl': [CopyParams],
  'read_buffer.wgsl': [ReadParams],
  'read_texture.wgsl': [ReadParams],
  'fma_throughput.wgsl': [ThroughputParams],
  'exp_throughput.wgsl': [ThroughputParams],
};
