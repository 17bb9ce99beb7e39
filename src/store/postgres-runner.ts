// How the PostgreSQL store's modules run a named statement (in a transaction or on the pool).
import type pg from 'pg';

export type Query = { name: string; text: string };
export type Runner = <R extends pg.QueryResultRow>(query: Query, values: unknown[]) => Promise<R[]>;
