import type { Executor } from '../db/executor';

/** Companies (tenants): created at first-run setup; every user, site and device belongs to one. */
export class CompanyRepository {
  constructor(private readonly db: Executor) {}

  async create(name: string): Promise<string> {
    const r = await this.db.insertInto('companies').values({ name }).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async name(id: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('companies').select('name').where('id', '=', id).executeTakeFirst();
    return r?.name;
  }
}
