/** Whose calls an analytics read covers: one account's rooms, or every room (an operator). */
export type AnalyticsScope = { ownerId: string } | 'all';
