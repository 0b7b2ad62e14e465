/**
 * Citations and descriptive text of the built-in presets, transcribed from the shared reference
 * model-presets.json (kept in the repo so the browser bundle has them). Layer layouts: presets.ts.
 */

export interface PresetMeta {
  readonly name: string;
  readonly verified: boolean;
  readonly source: readonly string[];
  readonly maxContext: number;
  readonly notes: string;
}

export const PRESET_META: Readonly<Record<string, PresetMeta>> = {
  "deepseek-v4-flash": {
    name: "DeepSeek-V4-Flash (284B/13B act.)",
    verified: true,
    source: [
      "NVIDIA/TensorRT-LLM tensorrt_llm/_torch/attention_backend/sparse/deepseek_v4/cache_manager.py (pool roles, windows, bytes/token)",
      "NVIDIA/TensorRT-LLM tensorrt_llm/_torch/attention_backend/sparse/deepseek_v4/deepseek_v4.py (get_attn_dim, get_token_bytes)",
      "huggingface/transformers src/transformers/models/deepseek_v4/configuration_deepseek_v4.py (defaults = Flash)",
      "HF deepseek-ai/DeepSeek-V4-Flash config.json, quoted verbatim in a public mistral.rs-style test (v4_flash_real_config_parses)",
    ],
    maxContext: 1048576,
    notes: "compress_ratios=[0,0,(4,128)x20,4] for the 43 main layers (+1 MTP entry 0). Layers 0-1: SWA only; even layers 2..42: CSA (ratio 4 + lightning indexer); odd layers 3..41: HCA (ratio 128). EVERY layer also keeps a 128-token raw SWA cache. Per-token growth: ~6229 B bf16 (21x(256+33)+20x8) or ~3461 B fp8 main-KV, vs 70272 B for DeepSeek-V3 MLA bf16. TRT-LLM pool groups: SWA (window 128, per-layer page index), COMPRESS (shared index, no window, block = tokens_per_block/ratio), STATE (window = ratio x (2 if ratio==4 else 1) => 8 for CSA, 128 for HCA) + MTP draft len.",
  },
  "deepseek-v4-pro": {
    name: "DeepSeek-V4-Pro (1.6T/49B act.)",
    verified: true,
    source: [
      "HF deepseek-ai/DeepSeek-V4-Pro config.json quoted verbatim in public notes/tests (compress_ratios list, 61 layers, hidden 7168, 128 heads, q_lora 1536, index_topk 1024, o_groups 16)",
      "NVIDIA/TensorRT-LLM tensorrt_llm/_torch/attention_backend/sparse/deepseek_v4/cache_manager.py (same cache layout as Flash)",
    ],
    maxContext: 1048576,
    notes: "compress_ratios=[128,128,(4,128)x29,4] (+ trailing MTP 0): layers 0,1 HCA; even layers 2..60 CSA (30); odd layers 3..59 HCA (29) => 31 HCA + 30 CSA; no SWA-only layers. Every layer keeps a 128-token SWA cache. Per-token growth ~8918 B bf16 / ~4954 B fp8. transformers' DeepseekV4Config default layer_types also say 'V4-Pro default: 2x HCA bootstrap + interleaved CSA/HCA'.",
  },
  "deepseek-v3": {
    name: "DeepSeek-V3 / R1 (671B)",
    verified: true,
    source: [
      "huggingface/transformers src/transformers/models/deepseek_v3/configuration_deepseek_v3.py (defaults = V3)",
      "z-jun03/xllm xllm/models/llm/mlu/deepseek_v32.h (HF V3 config defaults incl. max_position_embeddings 163840)",
    ],
    maxContext: 163840,
    notes: "61 x MLA full attention (first 3 dense FFN, rest MoE - irrelevant for KV) 70272 B/token bf16 over 61 layers. V3.2 adds an indexer (index_head_dim 128) and vLLM fp8_ds_mla = 656 B/token/layer (512 fp8 + 16 B scales + 128 B bf16 rope).",
  },
  "gemma-2-2b": {
    name: "Gemma 2 2B",
    verified: true,
    source: [
      "mlc-ai/mlc-llm python/mlc_llm/model/model_preset.py (verbatim HF config.json copies) key gemma2_2b",
    ],
    maxContext: 8192,
    notes: "1:1 alternating, layer i sliding if i even (i=0 sliding), full if odd",
  },
  "gemma-2-9b": {
    name: "Gemma 2 9B",
    verified: true,
    source: [
      "mlc-ai/mlc-llm python/mlc_llm/model/model_preset.py (verbatim HF config.json copies) key gemma2_9b",
    ],
    maxContext: 8192,
    notes: "1:1 alternating sliding/full, starting with sliding",
  },
  "gemma-2-27b": {
    name: "Gemma 2 27B",
    verified: true,
    source: [
      "mlc-ai/mlc-llm python/mlc_llm/model/model_preset.py (verbatim HF config.json copies) key gemma2_27b",
    ],
    maxContext: 8192,
    notes: "1:1 alternating sliding/full, starting with sliding",
  },
  "gemma-3-1b": {
    name: "Gemma 3 1B (text-only)",
    verified: true,
    source: [
      "mlc-ai/mlc-llm python/mlc_llm/model/model_preset.py (verbatim HF config.json copies) key gemma3_1b_it",
      "huggingface/transformers src/transformers/models/gemma3/configuration_gemma3.py layer_types rule: sliding unless (i+1)%sliding_window_pattern==0",
    ],
    maxContext: 32768,
    notes: "5 local : 1 global (sliding_window_pattern 6); globals at layers 5,11,17,23",
  },
  "gemma-3-4b": {
    name: "Gemma 3 4B",
    verified: true,
    source: [
      "public test fixture quoting the HF text_config for google/medgemma-4b / gemma-3-4b (34 layers, 8/4 heads, head_dim 256, sliding 1024, max_pos 131072)",
      "public simaai/gemma-3-4b-it devkit vlm_config.json (same dims)",
      "huggingface/transformers src/transformers/models/gemma3/configuration_gemma3.py layer_types rule: sliding unless (i+1)%sliding_window_pattern==0",
    ],
    maxContext: 131072,
    notes: "5 local : 1 global; globals at 5,11,17,23,29",
  },
  "gemma-3-12b": {
    name: "Gemma 3 12B",
    verified: true,
    source: [
      "public test fixture quoting the HF text_config for google/gemma-3-12b",
      "huggingface/transformers src/transformers/models/gemma3/configuration_gemma3.py layer_types rule: sliding unless (i+1)%sliding_window_pattern==0",
    ],
    maxContext: 131072,
    notes: "5 local : 1 global; 8 globals (5,11,...,47)",
  },
  "gemma-3-27b": {
    name: "Gemma 3 27B",
    verified: true,
    source: [
      "public test fixture quoting the HF text_config for google/gemma-3-27b",
      "huggingface/transformers src/transformers/models/gemma3/configuration_gemma3.py layer_types rule: sliding unless (i+1)%sliding_window_pattern==0",
    ],
    maxContext: 131072,
    notes: "5 local : 1 global; 10 globals (5,11,...,59), 52 local",
  },
  "gemma-3n-e4b": {
    name: "Gemma 3n E4B (text decoder)",
    verified: true,
    source: [
      "huggingface/transformers src/transformers/models/gemma3n/configuration_gemma3n.py (defaults = E4B; kv_sharing_roles)",
    ],
    maxContext: 32768,
    notes: "4 local : 1 global ((i+1)%5==0 global) => 28 local + 7 global; last num_kv_shared_layers=15 layers (20..34) REUSE the KV of the last non-shared layer of the same type => only layers 0..19 own cache (16 local + 4 global) E2B (30 layers, num_kv_shared_layers 10) is UNVERIFIED here.",
  },
  "mistral-7b-v0.1": {
    name: "Mistral 7B v0.1",
    verified: true,
    source: [
      "mlc-ai/mlc-llm python/mlc_llm/model/model_preset.py (verbatim HF config.json copies) key mistral_7b (sliding_window 4096, max_pos 32768)",
    ],
    maxContext: 32768,
    notes: "all 32 layers SWA 4096 (uniform) v0.2/v0.3 dropped SWA (sliding_window null) -> plain full attention.",
  },
  "ministral-8b-2410": {
    name: "Ministral 8B Instruct 2410",
    verified: false,
    source: [
      "huggingface/transformers src/transformers/models/ministral/configuration_ministral.py (layer_types field exists; defaults all-sliding 4096, 32 layers - NOT the checkpoint values)",
    ],
    maxContext: 131072,
    notes: "UNVERIFIED: interleaved (ragged) SWA; believed 3 x SWA(32768) : 1 x full(128k) per Mistral params.json; HF config.json ships a single sliding_window=32768 Dims (36 layers, 8 KV heads, head_dim 128) not read from a config file; pattern/counts unverified - confirm from Ministral-8B params.json before use.",
  },
  "gpt-oss-20b": {
    name: "gpt-oss-20b",
    verified: true,
    source: [
      "huggingface/transformers src/transformers/models/gpt_oss/configuration_gpt_oss.py",
      "HF openai/gpt-oss-20b config.json quoted in public tests (24 layers, layer_types alternating, 32 experts)",
    ],
    maxContext: 131072,
    notes: "1:1 alternating, even layers sliding(128), odd layers full; learned per-head attention sinks (no KV storage)",
  },
  "gpt-oss-120b": {
    name: "gpt-oss-120b",
    verified: true,
    source: [
      "huggingface/transformers src/transformers/models/gpt_oss/configuration_gpt_oss.py (defaults = 120b: 36 layers, 128 experts)",
      "HF openai/gpt-oss-120b config.json quoted in a public test (layer_types: 18 x [sliding, full])",
    ],
    maxContext: 131072,
    notes: "18 x [sliding(128), full]",
  },
  "llama-4-scout": {
    name: "Llama 4 Scout 17B-16E",
    verified: true,
    source: [
      "huggingface/transformers src/transformers/models/llama4/configuration_llama4.py (no_rope_layer_interval 4, attention_chunk_size 8192, layer_types chunked/full)",
      "HF Llama-4-Scout text_config quoted in public tests (48 layers, 40/8 heads, head_dim 128, max_pos 10485760)",
    ],
    maxContext: 10485760,
    notes: "3 chunked (RoPE, chunk 8192) : 1 global NoPE; globals at layers 3,7,...,47",
  },
  "llama-4-maverick": {
    name: "Llama 4 Maverick 17B-128E",
    verified: false,
    source: [
      "huggingface/transformers src/transformers/models/llama4/configuration_llama4.py (no_rope_layer_interval 4, attention_chunk_size 8192, layer_types chunked/full)",
    ],
    maxContext: 1048576,
    notes: "same attention layout as Scout (3 chunked 8192 : 1 NoPE global); MoE every other layer Attention dims match Scout per transformers defaults; maxContext 1M from model card (config value not re-read).",
  },
  "command-r7b": {
    name: "Cohere Command R7B (c4ai-command-r7b-12-2024)",
    verified: true,
    source: [
      "huggingface/transformers src/transformers/models/cohere2/configuration_cohere2.py (sliding_window_pattern 4 -> layer_types) + docs/source/en/model_doc/cohere2.md (global layers use no positional embeddings)",
      "public COHERE2_CONFIG table quoting the HF config (32 layers, 32/8 heads, head_dim 128, window 4096, pattern 4)",
    ],
    maxContext: 131072,
    notes: "3 SWA(4096, RoPE) : 1 global (NoPE); globals at 3,7,...,31 Context 128k per transformers doc; HF config max_position_embeddings may read 8192 (unverified).",
  },
  "command-a": {
    name: "Cohere Command A (c4ai-command-a-03-2025, 111B)",
    verified: true,
    source: [
      "huggingface/transformers src/transformers/models/cohere2/configuration_cohere2.py (sliding_window_pattern 4 -> layer_types) + docs/source/en/model_doc/cohere2.md (global layers use no positional embeddings)",
      "public COHERE2_CONFIG table quoting the HF config (64 layers, 96/8 heads, head_dim 128, window 4096, pattern 4)",
    ],
    maxContext: 262144,
    notes: "3 SWA(4096) : 1 global NoPE; 48 SWA + 16 global 256k context per Cohere pricing/model card; TRT-LLM example uses max window 131072 for full layers.",
  },
  "qwen3-next-80b-a3b": {
    name: "Qwen3-Next-80B-A3B",
    verified: true,
    source: [
      "huggingface/transformers src/transformers/models/qwen3_next/configuration_qwen3_next.py (defaults = 80B-A3B)",
      "vllm-project/vllm vllm/model_executor/layers/mamba/mamba_utils.py gated_delta_net_state_shape (conv (dk*nk*2+dv*nv, k-1); ssm (nv, dv, dk)); vLLM MambaSpec dtypes as reported in vLLM logs (bf16 conv, fp32 ssm)",
    ],
    maxContext: 262144,
    notes: "3 Gated-DeltaNet : 1 gated full attention (full_attention_interval 4); full at 3,7,...,47 maxContext 262144 per model card (transformers default max_position_embeddings is 32768).",
  },
  "qwen3.5-35b-a3b": {
    name: "Qwen3.5-35B-A3B",
    verified: true,
    source: [
      "huggingface/transformers src/transformers/models/qwen3_5_moe/configuration_qwen3_5_moe.py (defaults = 35B-A3B)",
      "vllm-project/vllm vllm/model_executor/layers/mamba/mamba_utils.py gated_delta_net_state_shape (conv (dk*nk*2+dv*nv, k-1); ssm (nv, dv, dk)); vLLM MambaSpec dtypes as reported in vLLM logs (bf16 conv, fp32 ssm)",
    ],
    maxContext: 262144,
    notes: "3 GDN : 1 full; 30 GDN + 10 full maxContext from model card (unverified in config).",
  },
  "qwen3.5-397b-a17b": {
    name: "Qwen3.5-397B-A17B",
    verified: true,
    source: [
      "public weight-extractor PROFILES['qwen35-397b'] quoting the HF text_config (60 layers, hidden 4096, 32/2 heads, head_dim 256, linear 16 K / 64 V heads, full_attention_interval 4)",
      "vllm-project/vllm vllm/model_executor/layers/mamba/mamba_utils.py gated_delta_net_state_shape (conv (dk*nk*2+dv*nv, k-1); ssm (nv, dv, dk)); vLLM MambaSpec dtypes as reported in vLLM logs (bf16 conv, fp32 ssm)",
    ],
    maxContext: 262144,
    notes: "3 GDN : 1 full; 45 GDN + 15 full maxContext from model card (unverified).",
  },
  "jamba-v0.1": {
    name: "AI21 Jamba v0.1 (52B)",
    verified: true,
    source: [
      "huggingface/transformers src/transformers/models/jamba/configuration_jamba.py (defaults = Jamba-v0.1; layers_block_type rule)",
    ],
    maxContext: 262144,
    notes: "attention where i % 8 == 4 (layers 4,12,20,28) else Mamba-1 => 1:7 Jamba-1.5-Mini believed to share this layout; 1.5-Large (72 layers, 8192 hidden) unverified.",
  },
  "nemotron-h-8b": {
    name: "NVIDIA Nemotron-H-8B-Base-8K",
    verified: true,
    source: [
      "HF nvidia/Nemotron-H-8B-Base-8K config.json quoted in NVIDIA/TensorRT-LLM unit test NEMOTRON_H_CONFIG and others",
      "huggingface/transformers src/transformers/models/nemotron_h/configuration_nemotron_h.py (pattern chars M/*/-/E, mamba_ssm_cache_dtype default float32)",
    ],
    maxContext: 8192,
    notes: "hybrid_override_pattern M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M- : 24 Mamba2, 4 attention (7,18,29,40), 24 MLP-only",
  },
  "falcon-h1-defaults": {
    name: "Falcon-H1 (transformers defaults, not a specific checkpoint)",
    verified: false,
    source: [
      "huggingface/transformers src/transformers/models/falcon_h1/configuration_falcon_h1.py",
    ],
    maxContext: 8192,
    notes: "PARALLEL hybrid: every layer ('hybrid') has BOTH attention KV and a Mamba2 state Use only as a shape example; real Falcon-H1 checkpoints (0.5B-34B) differ - read their config.json.",
  },
  "phi-4-mini": {
    name: "Phi-4-mini-instruct",
    verified: true,
    source: [
      "mlc-ai/mlc-llm python/mlc_llm/model/model_preset.py (verbatim HF config.json copies) key phi-4 (_name_or_path Phi-4-mini-instruct)",
    ],
    maxContext: 131072,
    notes: "uniform full attention; config sliding_window 262144 > context => effectively none partial_rotary_factor 0.75. Phi-3-mini-4k had sliding_window 2047 on all layers; Phi-3.5-mini: 32 layers, 32 KV heads x 96, window 262144 (no-op). Phi-3-small (blocksparse every other layer) NOT verified.",
  },
  "llama-3.1-8b": {
    name: "Llama 3.1 8B",
    verified: true,
    source: [
      "mlc-ai/mlc-llm python/mlc_llm/model/model_preset.py (verbatim HF config.json copies) key llama3_1_8b",
    ],
    maxContext: 131072,
    notes: "uniform full attention (GQA)",
  },
  "llama-3.1-70b": {
    name: "Llama 3.1 70B",
    verified: true,
    source: [
      "mlc-ai/mlc-llm python/mlc_llm/model/model_preset.py (verbatim HF config.json copies) key llama3_1_70b",
    ],
    maxContext: 131072,
    notes: "uniform full attention (GQA)",
  },
  "qwen2.5-7b": {
    name: "Qwen2.5-7B(-Instruct)",
    verified: true,
    source: [
      "mlc-ai/mlc-llm python/mlc_llm/model/model_preset.py (verbatim HF config.json copies) key qwen2_7b (Qwen2-7B; Qwen2.5-7B has identical attention dims)",
    ],
    maxContext: 32768,
    notes: "uniform full attention; use_sliding_window=false (sliding_window 131072 ignored) Instruct config max_position_embeddings 32768 (131072 with YaRN); that Qwen2.5-7B has the same attention dims as Qwen2-7B was not checked against the Qwen2.5 config file.",
  },
};
