import type { ContactsApi } from '../api/endpoints.js';

/**
 * Tag deltas through the bulk tags endpoint: contacts that get the same tag
 * set share one request, up to the platform's cap per call. Adding a tag is
 * safe to repeat, so a batch lost to a crash is simply sent again on resume.
 * Never the `tags` field of an upsert, which would replace every tag.
 */

export interface TagEntry {
  contactId: string;
  tags: readonly string[];
  /** Called once the contact's tags are on the platform. */
  done: () => void;
  /** Called when the platform refused this contact (per-contact error) or the call failed. */
  failed: (error: Error) => void;
}

export interface TagBatcherOptions {
  /** Contacts per call. @default 100 (the emulator's cap; the platform's is undocumented) */
  maxContacts?: number;
}

export class TagBatcher {
  private readonly groups = new Map<string, TagEntry[]>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly max: number;
  /** Requests spent, for the summary. */
  calls = 0;

  constructor(
    private readonly api: ContactsApi,
    options: TagBatcherOptions = {},
  ) {
    this.max = options.maxContacts ?? 100;
  }

  add(entry: TagEntry): void {
    if (entry.tags.length === 0) {
      entry.done();
      return;
    }
    const key = JSON.stringify([...entry.tags].sort());
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = []));
    group.push(entry);
    if (group.length >= this.max) {
      this.groups.delete(key);
      this.send(group);
    }
  }

  /** Sends every partial batch and waits for all calls. */
  async flush(): Promise<void> {
    for (const [key, group] of this.groups) {
      this.groups.delete(key);
      this.send(group);
    }
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private send(group: TagEntry[]): void {
    const tags = [...group[0]!.tags];
    this.calls++;
    const p = this.api
      .bulkTags(
        'add',
        group.map((e) => e.contactId),
        tags,
      )
      .then(
        (res) => {
          const errors = new Map(res.responses.filter((r) => r.type === 'error').map((r) => [r.contactId, r.message]));
          for (const e of group) {
            const message = errors.get(e.contactId);
            if (message) e.failed(new Error(`tags not added: ${message}`));
            else e.done();
          }
        },
        (err: unknown) => {
          for (const e of group) e.failed(err as Error);
        },
      )
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }
}
