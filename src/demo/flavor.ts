// Word pools that make free-text sample fields read like real data, chosen by the field's name (never by notification type).

/** A pool of plausible values for string fields whose name matches `field`. */
export interface FlavorPool {
  field: RegExp;
  values: readonly string[];
}

export const flavorPools: readonly FlavorPool[] = [
  {
    field: /(user(name)?|by|inviter|author|owner|sender)$/i,
    values: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar', 'peggy', 'trent', 'victor'],
  },
  {
    field: /(group|team|project|channel)(name)?$/i,
    values: ['Project Alpha', 'Design Guild', 'Ops On-call', 'Data Platform', 'Release Crew', 'Mobile Squad', 'Security Review', 'Book Club'],
  },
  {
    field: /(product|item)(name)?$/i,
    values: ['Milk', 'Greek yogurt', 'Cheddar', 'Orange juice', 'Eggs', 'Butter', 'Baby spinach', 'Sourdough bread', 'Hummus'],
  },
];

/** The pool for a field name (the last segment of its JSON pointer), if any. */
export function flavorFor(fieldName: string): readonly string[] | undefined {
  return flavorPools.find((pool) => pool.field.test(fieldName))?.values;
}
