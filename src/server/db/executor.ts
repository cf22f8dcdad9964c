import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema';

/** A repository runs its queries on either the pool or an open transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;
