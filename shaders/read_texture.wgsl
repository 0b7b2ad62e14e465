// Read-only reduction over a read-only storage texture: the read limit of the texture path (the
// same textureLoad the texture-path kernel uses). Linear texel i sits at (i & (width - 1),
// i >> widthShift); each invocation sums four texels per step of a grid-stride loop and writes
// one vec4; traffic = bytes read. The host binds the kernel's own pool textures and sets the
// texel format to theirs (rgba32float here is replaced).

struct ReadParams {
  count: u32,
  stride: u32,
  width: u32,
  widthShift: u32,
}

@group(0) @binding(0) var<uniform> params: ReadParams;
@group(0) @binding(1) var src: texture_storage_2d<rgba32float, read>;
@group(0) @binding(2) var<storage, read_write> sums: array<vec4<f32>>;

fn texel(i: u32) -> vec4<f32> {
  let j = min(i, params.count - 1u);
  return textureLoad(src, vec2<u32>(j & (params.width - 1u), j >> params.widthShift));
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  var a = vec4<f32>(0.0);
  var b = vec4<f32>(0.0);
  var c = vec4<f32>(0.0);
  var d = vec4<f32>(0.0);
  let s = params.stride;
  for (var i = gid.x; i < params.count; i += 4u * s) {
    a += texel(i);
    b += texel(i + s);
    c += texel(i + 2u * s);
    d += texel(i + 3u * s);
  }
  sums[gid.x] = a + b + c + d;
}
