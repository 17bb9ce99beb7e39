// Identifier helpers shared by the generators.

/** `invitationReceived` / `product_expiry` → `InvitationReceived` / `ProductExpiry`. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

export const generatedHeader = '// Generated from asyncapi.yaml by `notify generate`. Do not edit: edit asyncapi.yaml and regenerate.\n';
