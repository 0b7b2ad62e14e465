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
import type { UiState } from '../../src/ui/state/params.ts';
import { checkSubject, isCertified } from '../../src/verdict/check.ts';
import type { Subject } from '../../src/verdict/subject.ts';

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

  it('the page subject is the configuration the page plans (same slots as its run)', () => {
    for (const s of [state({ mode: 'issue-fix' }), { ...baseState('custom'), preset: 'gemma-3-27b', maxBatchSize: 16, quotaGiB: 24 }]) {
      const subject = subjectOf(s) as Subject;
      expect(checkSubject(subject, { workUnits: 1 }).plan.slotCounts).toEqual(computeRun({ ...s, requests: 4 }, null).plan.slotCounts);
    }
  }, 60_000);

  it('a policy without a certificate gets no fix and says why', () => {
    const v = verdictFor(state({ policy: 'sglang' }), 2_000_000);
    expect(v.fixes).toEqual([]);
    expect(v.fixNote).toContain('no progress certificate for policy sglang');
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
