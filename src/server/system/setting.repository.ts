import type { Executor } from '../db/executor';

/** Server-wide key/value settings (e.g. the first-run setup token's hash, the job queue's last ping). */
export class SettingRepository {
  constructor(private readonly db: Executor) {}

  async get(key: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  }

  /** Writes the value unless the key already has one (the first writer wins). */
  async insertIfAbsent(key: string, value: string): Promise<void> {
    await this.db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
  }

  async delete(key: string): Promise<void> {
    await this.db.deleteFrom('settings').where('key', '=', key).execute();
  }
}
