/** Who is calling: taken from the verified token only, never from the path, query or body. */
export interface Principal {
  userId: string;
  orgId: string;
  roles: string[];
  email: string | undefined;
}

export const ORG_ADMIN = 'ORG_ADMIN';
