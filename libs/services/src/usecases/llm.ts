import type { Prisma } from '@hepatoscope/db';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import type { Access } from './access';

export const LLM_SETTING_KEY = 'llm.rewrite';

export interface LlmSettings {
  /** Off by default: nothing leaves the server unless an admin turns it on. */
  enabled: boolean;
  /** Base URL of an OpenAI-compatible API, e.g. `http://127.0.0.1:8080/v1` (`/chat/completions` is appended). */
  endpoint: string;
  model: string;
  /** Bearer token; stored server-side, never returned (only `hasApiKey`). */
  apiKey?: string;
  /** Request timeout in ms (default 30 000). */
  timeoutMs?: number;
}

const DEFAULTS: LlmSettings = { enabled: false, endpoint: '', model: '' };

export const REWRITE_INSTRUCTION =
  'Rewrite the following structured radiology/oncology report as a concise narrative for clinicians. Keep every number, ' +
  'unit, confidence interval and the board decision exactly as given; do not add findings, diagnoses or recommendations.';

/** Plain text of the report HTML (tags removed, entities decoded, whitespace tidied) — what is sent to the model. */
export function htmlToText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/gi, '')
    .replace(/<(br|\/p|\/h\d|\/tr|\/li|\/table)>/gi, '\n')
    .replace(/<\/t[dh]>/gi, '\t')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Optional LLM rewrite of a structured report through an admin-configured OpenAI-compatible endpoint (off by
 * default). The deterministic HTML is never changed; the rewrite is stored beside it (`Report.llmText`, `llmModel`).
 */
export function createLlmService(deps: ResolvedDeps, access: Access) {
  const { prisma } = deps;

  async function settings(): Promise<LlmSettings> {
    const row = await prisma.appSetting.findUnique({ where: { key: LLM_SETTING_KEY } });
    return { ...DEFAULTS, ...((row?.value as Partial<LlmSettings> | null) ?? {}) };
  }

  return {
    async getSettings() {
      const s = await settings();
      return {
        enabled: s.enabled,
        endpoint: s.endpoint,
        model: s.model,
        hasApiKey: !!s.apiKey,
        timeoutMs: s.timeoutMs ?? 30_000,
      };
    },

    async setSettings(
      actor: Actor,
      input: { enabled: boolean; endpoint: string; model: string; apiKey?: string | null; timeoutMs?: number },
    ) {
      if (input.enabled) {
        let u: URL;
        try {
          u = new URL(input.endpoint);
        } catch {
          throw new DomainError('INVALID', `endpoint ${input.endpoint.slice(0, 80)} is not a URL`);
        }
        if (u.protocol !== 'http:' && u.protocol !== 'https:')
          throw new DomainError('INVALID', 'endpoint must be an http(s) URL');
        if (!input.model) throw new DomainError('INVALID', 'model is required when the rewrite is enabled');
      }
      const prev = await settings();
      const next: LlmSettings = {
        enabled: input.enabled,
        endpoint: input.endpoint,
        model: input.model,
        // undefined keeps the stored key, null or '' clears it
        apiKey: input.apiKey === undefined ? prev.apiKey : input.apiKey || undefined,
        timeoutMs: input.timeoutMs ?? prev.timeoutMs,
      };
      await prisma.appSetting.upsert({
        where: { key: LLM_SETTING_KEY },
        create: { key: LLM_SETTING_KEY, value: next as unknown as Prisma.InputJsonValue, updatedById: actor.userId },
        update: { value: next as unknown as Prisma.InputJsonValue, updatedById: actor.userId },
      });
      return {
        enabled: next.enabled,
        endpoint: next.endpoint,
        model: next.model,
        hasApiKey: !!next.apiKey,
        timeoutMs: next.timeoutMs ?? 30_000,
      };
    },

    /** Rewrite report `id` with the configured model; returns the stored text. */
    async rewrite(actor: Actor, id: string) {
      const r = await prisma.report.findUnique({ where: { id } });
      if (!r) throw new DomainError('NOT_FOUND', `Report ${id} was not found`);
      await access.assertPatient(actor, r.patientId);
      const s = await settings();
      if (!s.enabled)
        throw new DomainError(
          'INVALID',
          'The LLM rewrite is disabled; an administrator can enable it (admin.setLlmSettings)',
        );
      const url = s.endpoint.replace(/\/+$/, '') + '/chat/completions';
      let text: string;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(s.apiKey ? { authorization: `Bearer ${s.apiKey}` } : {}) },
          body: JSON.stringify({
            model: s.model,
            temperature: 0,
            messages: [
              { role: 'system', content: REWRITE_INSTRUCTION },
              { role: 'user', content: htmlToText(r.html) },
            ],
          }),
          signal: AbortSignal.timeout(s.timeoutMs ?? 30_000),
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = (await res.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
        const c = body.choices?.[0]?.message?.content;
        if (typeof c !== 'string' || !c.trim()) throw new Error('the answer has no choices[0].message.content');
        text = c.trim().slice(0, 100_000);
      } catch (e) {
        throw new DomainError(
          'UNAVAILABLE',
          `The rewrite endpoint failed: ${(e as Error).message}; the structured report is unchanged`,
        );
      }
      await prisma.report.update({ where: { id }, data: { llmText: text, llmModel: s.model } });
      return { id, llmText: text, llmModel: s.model, html: r.html, sha256: r.sha256 };
    },
  };
}

export type LlmService = ReturnType<typeof createLlmService>;
