/**
 * The fix axes beyond the switches: per-pool-group floors (given as the pool ratio and quota that
 * yield them, since the engine has no min_slots flag) and max_util_for_resume on its own; engines
 * the verdict does not judge get no fix at all.
 */
import { describe, expect, it } from 'vitest';
import { computeBounds } from '../../src/verdict/bounds.ts';
import { checkSubject } from '../../src/verdict/check.ts';
import { listFixes } from '../../src/verdict/fixes.ts';
import { replay } from '../../src/verdict/search.ts';
import { planSubject, presetSubject as preset } from '../../src/verdict/subject.ts';
import { scenarioSubject } from './helpers.ts';

describe('fix axes', () => {
  it('#15401 as-shipped: a floors fix gives every pool group the slots the certificate needs, verified', () => {
    const s = scenarioSubject('trtllm-15401', 'as-shipped');
    const v = checkSubject(s);
    expect(v.verdict).toBe('unsafe');
    const fixes = listFixes(s, v.counterexample);
    const f = fixes.find((x) => x.axis === 'minSlots');
    expect(f, fixes.map((x) => x.label).join('; ')).toBeDefined();
    expect(f!.label).toMatch(/no engine flag for min_slots/);
    expect(f!.flags).toContain('--pool-ratio');
    const plan = planSubject(f!.subject);
    const need = v.certificate!.poolGroups.map((g) => g.needed);
    plan.slotCounts.forEach((n, pg) => expect(n).toBeGreaterThanOrEqual(need[pg]));
    expect(checkSubject(f!.subject, { workUnits: 1 }).verdict).toBe('safe');
    expect(replay(f!.subject, plan, v.counterexample!.requests).outcome).toBe('completed');
    // Ranked by cost: extra bytes never decrease down the list.
    for (let i = 1; i < fixes.length; i++) expect(fixes[i].extraBytes).toBeGreaterThanOrEqual(fixes[i - 1].extraBytes);
  }, 60_000);

  it('max_util_for_resume alone is offered where it certifies (the nearest such value), and only then', () => {
    // straddle with recompute pause: the oldest request needs ceil(2 / u) SWA slots for the resume
    // gate; at u = 0.1 that is 20 of 16, so only raising u (to 2 / 16 = 0.125 and up) certifies.
    const s = scenarioSubject('straddle', 'issue-fix');
    const gated = { ...s, recomputePause: true, maxUtilForResume: 0.1 };
    const f = listFixes(gated, null).find((x) => x.axis === 'maxUtilForResume');
    expect(f?.flags).toEqual(['--max-util-for-resume', '0.13']);
    expect(checkSubject(f!.subject, { workUnits: 1 }).verdict).toBe('safe');
    expect(checkSubject({ ...gated, maxUtilForResume: 0.12 }, { workUnits: 1 }).verdict).not.toBe('safe');
    // The #15401 issue-fix counterexample is an allocation failure: no resume gate value certifies it.
    const w = checkSubject(scenarioSubject('trtllm-15401', 'issue-fix'));
    expect(computeBounds(w.subject, w.plan).poolGroups[0].slots).toBe(64);
    expect(listFixes(w.subject, w.counterexample).some((x) => x.axis === 'maxUtilForResume')).toBe(false);
  }, 120_000);

  it('vLLM and SGLang under their own policies get answered, every fix verified; a foreign policy on their pools is unknown', () => {
    for (const engine of ['vllm-v1', 'sglang']) {
      const s = preset('gemma-3-27b', { engine, knobs: { maxBatchSize: 128, quotaBytes: 24 * 2 ** 30 }, run: { policy: engine } });
      const v = checkSubject(s);
      expect(v.verdict).not.toBe('unknown');
      expect(v.certificate?.policy).toBe(engine);
      for (const f of listFixes(s, v.counterexample)) {
        expect(f.verified).toBe(true);
        expect(checkSubject(f.subject, { workUnits: 1 }).verdict).toBe('safe');
      }
      const foreign = checkSubject({ ...s, policy: 'trtllm-v2' }, { workUnits: 1 });
      expect(foreign.verdict).toBe('unknown');
      expect(foreign.reason).toContain(`engine ${engine}`);
    }
    const crossed = checkSubject(preset('gemma-3-27b', { engine: 'vllm-v1', run: { policy: 'sglang' } }), { workUnits: 1 });
    expect(crossed.verdict).toBe('unknown');
    expect(crossed.reason).toContain("SGLang's own scheduler");
  }, 60_000);
});
