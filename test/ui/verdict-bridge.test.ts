/**
 * The page's verdict (bridge/verdict.ts, what the worker task returns): the page state becomes the
 * subject the page runs, the counterexample loaded as the page's request trace deadlocks at the
 * pass the view jumps to, and the fixes the page applies are certified and complete the page's
 * own run; engines and policies the verdict cannot verify a fix for get none, and say why.
 */
import { describe, expect, it } from 'vitest';
import { cellTask } from '../../src/ui/bridge/map.ts';
import { computeRun } from '../../src/ui/bridge/run.ts';
import { subjectOf, verdictFor, withValues } from '../../src/ui/bridge/verdict.ts';
import { baseState } from '../../src/ui/state/codec.ts';
import { ENGINE_IDS, presetDefaults, type UiState } from '../../src/ui/state/params.ts';
import { checkSubject, isCertified } from '../../src/verdict/check.ts';
import { planSubject, type Subject } from '../../src/verdict/subject.ts';

const state = (patch: Partial<UiState> = {}): UiState => ({ ...baseState('trtllm-15401'), ...patch });

describe('the page verdict', () => {
  it('#15401 as shipped: unsafe; the loaded counterexample stalls the page run at the step it jumps to; the applied fixes certify and complete the page run', () => {
    const s = state();
    const v = verdictFor(s);
    expect(v.verdict).toBe('unsafe');
    expect(v.groups.map((g) => g.name)).toEqual(['SWA', 'COMPRESS', 'STATE']);
    const cx = v.counterexample!;
    expect(cx.requests).toBeLessThanOrEqual(8);
    const loaded = withValues(s, cx.load);
    const run = computeRun(loaded, null).trace.summary;
    expect(run.outcome).toBe('deadlock');
    expect(run.deadlock!.firstStalledStep).toBe(Number(cx.load.step));
    expect(run.deadlock!.poolName).toBe(cx.poolName);
    const usable = v.fixes.filter((f) => f.apply && f.rerun === 'completed');
    expect(usable.length).toBeGreaterThan(0);
    for (const f of usable) {
      const fixed = withValues(s, f.apply!);
      expect(isCertified(subjectOf(fixed) as Subject), f.label).toBe(true);
      expect(computeRun(fixed, null).trace.summary.outcome, f.label).toBe('completed');
    }
    // Ranked by cost.
    for (let i = 1; i < v.fixes.length; i++) expect(v.fixes[i].extraBytes).toBeGreaterThanOrEqual(v.fixes[i - 1].extraBytes);
  }, 120_000);

  it('straddle: the recompute-pause fix is a page control too; applied, it certifies and the page run completes', () => {
    const s = baseState('straddle');
    expect(computeRun(s, null).trace.summary.outcome).toBe('deadlock');
    const f = verdictFor(s).fixes.find((x) => x.axis === 'recomputePause');
    expect(f?.apply).toEqual({ recompute: 'on' });
    const fixed = withValues(s, f!.apply!);
    expect(fixed.recomputePause).toBe('on');
    expect((subjectOf(fixed) as Subject).recomputePause).toBe(true);
    expect(isCertified(subjectOf(fixed) as Subject)).toBe(true);
    expect(f!.rerun).toBe('completed');
    expect(computeRun(fixed, null).trace.summary.outcome).toBe('completed');
  }, 120_000);

  it('the page subject is the configuration the page plans (same slots as its run)', () => {
    for (const s of [state({ mode: 'issue-fix' }), { ...baseState('custom'), preset: 'gemma-3-27b', maxBatchSize: 16, quotaGiB: 24 }]) {
      const subject = subjectOf(s) as Subject;
      expect(checkSubject(subject, { workUnits: 1 }).plan.slotCounts).toEqual(computeRun({ ...s, requests: 4 }, null).plan.slotCounts);
    }
  }, 60_000);

  it('the page subject carries every engine knob the page plans with (presets x engines x knobs, and a named scenario)', () => {
    const variants: Partial<UiState>[] = [{}, { knobs: { avgSeqLen: 4096 } }, { knobs: { maxCudaGraphBatchSize: 8, estimationPass: true } }, { knobs: { swaFullTokensRatio: 0.3, swaEvictionInterval: 512 } }, { knobs: { disableHybridKvCacheManager: true } }, { maxNumTokens: 2048 }];
    let compared = 0;
    for (const preset of ['gemma-3-27b', 'deepseek-v4-flash', 'gpt-oss-120b'])
      for (const engine of ENGINE_IDS)
        for (const v of variants) {
          const s = { ...baseState('custom'), preset, ...presetDefaults(engine), maxBatchSize: 16, quotaGiB: 24, maxSeqLen: 8192, ...v } as UiState;
          const label = `${preset} ${engine} ${JSON.stringify(v)}`;
          let page: number[] | null = null;
          try {
            page = [...computeRun({ ...s, requests: 4 }, null).plan.slotCounts];
          } catch {
            // The page refuses it (an engine that cannot size this model): the verdict's plan says so too.
          }
          const plan = planSubject(subjectOf(s) as Subject);
          if (page === null) expect(plan.error, label).not.toBeNull();
          else {
            expect([...plan.slotCounts], label).toEqual(page);
            compared++;
          }
        }
    expect(compared).toBeGreaterThan(40);
    const named = { ...state(), knobs: { avgSeqLen: 4096 } };
    expect([...planSubject(subjectOf(named) as Subject).slotCounts]).toEqual([...computeRun(named, null).plan.slotCounts]);
    // The engine scenarios are re-sized by their engine from the page's knobs, for the run and the verdict alike.
    for (const [name, patch] of [
      ['sglang-29662', { quotaGiB: 1, knobs: { swaFullTokensRatio: 0.5 } }],
      ['vllm-39734', { quotaGiB: 12, tokensPerBlock: 32 }],
    ] as const) {
      const s = { ...baseState(name), ...patch } as UiState;
      const page = [...computeRun(s, null).plan.slotCounts];
      expect(page, name).not.toEqual([...computeRun(baseState(name), null).plan.slotCounts]);
      expect([...planSubject(subjectOf(s) as Subject).slotCounts], name).toEqual(page);
      // The story keeps the scenario's own numbers, and says which knobs this run changed.
      expect(computeRun(s, null).run.story, name).toMatch(/The story's numbers are the scenario as it ships; this run changes (.*, )?quota/);
      expect(computeRun(baseState(name), null).run.story, name).not.toContain('this run changes');
    }
    // An engine's own knob is named by its page field (the flag), not by its core name.
    const sg = computeRun({ ...baseState('sglang-29662'), quotaGiB: 1, knobs: { swaFullTokensRatio: 0.5 } }, null).run.story;
    expect(sg).toContain('this run changes quota, --swa-full-tokens-ratio.');
    expect(computeRun({ ...baseState('straddle'), recomputePause: 'on' }, null).run.story).toContain('this run changes recompute pause (on).');
  }, 120_000);

  it('an engine policy on another engine\'s pools gets no fix and says why', () => {
    const v = verdictFor(state({ policy: 'sglang' }), 2_000_000);
    expect(v.fixes).toEqual([]);
    expect(v.fixNote).toContain("policy sglang is SGLang's own scheduler");
  }, 60_000);

  it('a map cell is the verdict of its configuration and carries the URL values that load it', () => {
    const s = state();
    const out = cellTask({ state: s, x: { knob: 'quota', value: 400 * 2 ** 30 }, y: { knob: 'max-batch-size', value: 4 } });
    const loaded = withValues(s, out.apply!);
    expect(loaded.maxBatchSize).toBe(4);
    expect(Math.round(loaded.quotaGiB * 2 ** 30)).toBe(400 * 2 ** 30);
    expect(out.cell.verdict).toBe(checkSubject(subjectOf(loaded) as Subject, { workUnits: 2_000_000 }).verdict);
  }, 60_000);
});
